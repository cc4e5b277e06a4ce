/**
 * @module analyze/trend
 * The seed's trend check: a least-squares slope over the last
 * `degradationWindowSize` samples of a metric; when the fitted line moves by more
 * than `degradationThreshold` of the window's mean in the bad direction, the
 * metric is degrading. The slope is Prometheus's deriv() (promql/regression.ts).
 */
import { AlertSeverity } from '../core/severity.js';
import { SNAPSHOT_FIELDS, type PerformanceMetrics, type SnapshotField } from '../core/snapshot.js';
import type { Finding } from './finding.js';
import { deriv } from './promql/regression.js';
import { fmt } from './thresholds.js';

/** Which way is better, for the fields the trend check watches. */
export const TREND_DIRECTIONS: Partial<Record<SnapshotField, 'higher' | 'lower'>> = {
  tokenThroughput: 'higher',
  requestLatencyMs: 'lower',
  evolutionConvergence: 'higher',
  proprioceptiveAccuracy: 'higher',
  sensoryMotorLatency: 'lower',
  agentPerformance: 'higher',
};

export interface Trend {
  /** Units per second. */
  slope: number;
  mean: number;
  /** Fitted change over the window divided by |mean|; signed (positive = rising). */
  relativeChange: number;
  direction: 'improving' | 'degrading' | 'stable';
  samples: number;
  /** Share of the window's variance the fitted line explains (R², 0..1). */
  r2: number;
}

/**
 * A line must explain at least this share of the variance before its slope
 * counts as a trend: the seed's slope-only check fired on samples with ~10 %
 * noise, where a 10-point fit swings past 15 % by chance.
 */
export const MIN_TREND_R2 = 0.5;

/** Trend of every watched field over the window (oldest first). */
export function computeTrends(window: readonly PerformanceMetrics[], threshold: number): Partial<Record<SnapshotField, Trend>> {
  const out: Partial<Record<SnapshotField, Trend>> = {};
  for (const field of Object.keys(TREND_DIRECTIONS) as SnapshotField[]) {
    const pts: { t: number; v: number }[] = [];
    let sum = 0;
    for (const m of window) {
      const v = m[field];
      if (v !== undefined) {
        pts.push({ t: m.timestamp, v });
        sum += v;
      }
    }
    const slope = deriv(pts);
    if (slope === undefined || !Number.isFinite(slope)) continue;
    const mean = sum / pts.length;
    const r2 = rSquared(pts, slope, mean);
    const span = (pts[pts.length - 1]!.t - pts[0]!.t) / 1000;
    const rel = mean === 0 ? 0 : (slope * span) / Math.abs(mean);
    const better = TREND_DIRECTIONS[field] === 'higher' ? rel > 0 : rel < 0;
    const direction = Math.abs(rel) < threshold || r2 < MIN_TREND_R2 ? 'stable' : better ? 'improving' : 'degrading';
    out[field] = { slope, mean, relativeChange: rel, direction, samples: pts.length, r2 };
  }
  return out;
}

/** R² of the least-squares line with `slope` (per second) through points whose mean value is `mean`. */
function rSquared(pts: readonly { t: number; v: number }[], slope: number, mean: number): number {
  let meanT = 0;
  for (const p of pts) meanT += p.t / 1000;
  meanT /= pts.length;
  let ssTot = 0;
  let ssRes = 0;
  for (const p of pts) {
    const fit = mean + slope * (p.t / 1000 - meanT);
    ssTot += (p.v - mean) ** 2;
    ssRes += (p.v - fit) ** 2;
  }
  return ssTot === 0 ? 1 : Math.max(0, 1 - ssRes / ssTot);
}

/** WARNING findings for fields degrading over a full window. */
export function evaluateTrends(
  window: readonly PerformanceMetrics[],
  windowSize: number,
  threshold: number,
  sources: Partial<Record<SnapshotField, string>>,
): Finding[] {
  if (window.length < windowSize) return [];
  const trends = computeTrends(window.slice(-windowSize), threshold);
  const out: Finding[] = [];
  for (const [field, tr] of Object.entries(trends) as [SnapshotField, Trend][]) {
    if (tr.direction !== 'degrading' || tr.samples < windowSize) continue;
    const metric = SNAPSHOT_FIELDS[field];
    const component = sources[field] ?? 'unknown';
    const pct = Math.abs(tr.relativeChange) * 100;
    out.push({
      key: `trend:${metric}:${component}`,
      kind: 'trend',
      severity: AlertSeverity.WARNING,
      component,
      metric,
      value: tr.relativeChange,
      threshold,
      message: `Performance degradation in ${metric}: ${tr.relativeChange > 0 ? 'rose' : 'fell'} ${fmt(pct)}% over the last ${tr.samples} samples (threshold ${fmt(threshold * 100)}%)`,
      metadata: { rule: 'trend', slopePerSecond: tr.slope, mean: tr.mean, samples: tr.samples },
    });
  }
  return out;
}
