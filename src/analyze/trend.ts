/**
 * @module analyze/trend
 * The seed's trend check: a least-squares slope over the last
 * `degradationWindowSize` samples of a metric; when the fitted line moves by more
 * than `degradationThreshold` of the window's mean in the bad direction, the
 * metric is degrading. Sums are Kahan-compensated, as Prometheus's deriv() does
 * (promql/functions.go, linearRegression).
 */
import { AlertSeverity } from '../core/severity.js';
import { SNAPSHOT_FIELDS, type PerformanceMetrics, type SnapshotField } from '../core/snapshot.js';
import type { Finding } from './finding.js';
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
}

/** Least-squares slope (per second) and mean of points; undefined with < 2 points or no time spread. */
export function linearRegression(ts: readonly number[], vs: readonly number[]): { slope: number; mean: number } | undefined {
  const n = ts.length;
  if (n < 2) return undefined;
  const t0 = ts[0]!;
  let sx = 0, sy = 0, sxy = 0, sxx = 0;
  let cx = 0, cy = 0, cxy = 0, cxx = 0;
  for (let i = 0; i < n; i++) {
    const x = (ts[i]! - t0) / 1000;
    const y = vs[i]!;
    [sx, cx] = kahan(sx, cx, x);
    [sy, cy] = kahan(sy, cy, y);
    [sxy, cxy] = kahan(sxy, cxy, x * y);
    [sxx, cxx] = kahan(sxx, cxx, x * x);
  }
  sx += cx; sy += cy; sxy += cxy; sxx += cxx;
  const cov = sxy - (sx * sy) / n;
  const varX = sxx - (sx * sx) / n;
  if (varX <= 0) return undefined;
  return { slope: cov / varX, mean: sy / n };
}

function kahan(sum: number, c: number, x: number): [number, number] {
  const t = sum + x;
  if (Math.abs(sum) >= Math.abs(x)) c += sum - t + x;
  else c += x - t + sum;
  return [t, c];
}

/** Trend of every watched field over the window (oldest first). */
export function computeTrends(window: readonly PerformanceMetrics[], threshold: number): Partial<Record<SnapshotField, Trend>> {
  const out: Partial<Record<SnapshotField, Trend>> = {};
  for (const field of Object.keys(TREND_DIRECTIONS) as SnapshotField[]) {
    const ts: number[] = [];
    const vs: number[] = [];
    for (const m of window) {
      const v = m[field];
      if (v !== undefined) {
        ts.push(m.timestamp);
        vs.push(v);
      }
    }
    const r = linearRegression(ts, vs);
    if (r === undefined) continue;
    const span = (ts[ts.length - 1]! - ts[0]!) / 1000;
    const rel = r.mean === 0 ? 0 : (r.slope * span) / Math.abs(r.mean);
    const better = TREND_DIRECTIONS[field] === 'higher' ? rel > 0 : rel < 0;
    const direction = Math.abs(rel) < threshold ? 'stable' : better ? 'improving' : 'degrading';
    out[field] = { slope: r.slope, mean: r.mean, relativeChange: rel, direction, samples: ts.length };
  }
  return out;
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
