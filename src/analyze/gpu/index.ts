/**
 * @module analyze/gpu
 * What the GPU figures mean: which engines they serve, what holds each GPU
 * back, how long its power cap held it.
 */
export { deriveGpu, type GpuDerivation } from './derive.js';
export { attributeGpus, type Attribution, type AttributedEngine, type AttributionBasis, type EngineGpus } from './attribution.js';
export { boundBy, atPowerCap, BOUND_CLASSES, type BoundBy } from './boundBy.js';
export { powerCappedPercent } from './powerCapped.js';
export { gpuInsights, type GpuInsight } from './insights.js';
export { readGpus, type GpuState, type GpuTable, type ProcessRow } from './readings.js';
export { GPU_DERIVED } from './derivedMetrics.js';
