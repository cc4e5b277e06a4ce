/**
 * @module analyze/engines/tick
 * Unified LLM-engine metrics each tick: per engine and model (labels `engine`,
 * `model`, `component` = engine name), the unlabelled aggregates that feed the
 * seed's snapshot fields (`component` = `engines`), and stalled-engine findings.
 */
import type { Sample } from '../../core/types.js';
import type { EchoPerfConfig } from '../../config/index.js';
import type { SeriesReader } from '../../store/series.js';
import type { Finding } from '../finding.js';
import { deriveEngineMetrics, type EngineSource } from './derive.js';
import { engineSnapshotAggregates } from './aggregates.js';
import { evaluateEngineStalls } from './stall.js';

export type EngineInput = EngineSource & { readonly firstSuccessAt: number | undefined };

/**
 * While an engine has been watched for less than the rate window, its rates use
 * the span watched so far: rate(x[5s]) rather than rate(x[60s]) over 5 s of
 * data, which would read low and raise a false low-throughput alert at start.
 */
export function deriveEngines(read: SeriesReader, sources: readonly EngineInput[], at: number, windowMs: number): Sample[] {
  if (sources.length === 0) return [];
  const perEngine = sources.flatMap((s) => {
    const watched = s.firstSuccessAt === undefined ? windowMs : at - s.firstSuccessAt;
    return deriveEngineMetrics(read, [s], at, Math.max(1, Math.min(windowMs, watched)));
  });
  const unified = perEngine.map((s) => ({ ...s, labels: { ...s.labels, component: s.labels['engine'] ?? 'engines' } }));
  const aggregates = engineSnapshotAggregates(unified).map((s) => ({ ...s, labels: { component: 'engines' } }));
  return unified.concat(aggregates);
}

export function engineStalls(read: SeriesReader, c: Readonly<EchoPerfConfig>, sources: readonly EngineSource[], at: number): Finding[] {
  const out: Finding[] = [];
  for (const s of sources) {
    const windowMs = c.engine_stall_intervals * (s.intervalMs ?? c.monitoring_interval * 1000);
    out.push(...evaluateEngineStalls(read, [{ name: s.name }], at, windowMs));
  }
  return out;
}
