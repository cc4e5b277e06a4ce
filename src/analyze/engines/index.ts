/**
 * @module analyze/engines
 * Unified LLM-engine metrics over Aphrodite, vLLM, SGLang, TGI and llama.cpp
 * pages, the snapshot aggregates they feed, and the stalled-engine rule.
 */
export type { EngineFlavor } from './flavor.js';
export { detectFlavor, FLAVOR_PREFIXES } from './flavor.js';
export type { EngineSource } from './derive.js';
export { deriveEngineMetrics, STALE_AFTER_INTERVALS } from './derive.js';
export { engineSnapshotAggregates } from './aggregates.js';
export { evaluateEngineStalls, ENGINE_STALLED, MIN_STALL_SAMPLES } from './stall.js';
export type { HistogramMetricName, ScalarMetricName, UnifiedBaseName, UnifiedMetricDoc } from './metrics.js';
export {
  ENGINE_INDEX_LABEL,
  ENGINE_LABEL,
  HistogramMetric,
  MODEL_LABEL,
  QUANTILES,
  UNIFIED_METRICS,
  UnifiedMetric,
} from './metrics.js';
export type { Derivation, FlavorMapping } from './mapping.js';
export { FLAVOR_MAPPINGS } from './flavors/index.js';
