/**
 * @module analyze/gpu/powerCapped
 * The share of the last window (config `rate_window`) a GPU was held at its
 * power cap, %, from the first figure it reports:
 * 1. the sw_power_cap clocks event counter (seconds held since the driver
 *    loaded): rate() over the window × 100, as Prometheus computes rate()
 *    (counter resets included, analyze/promql/rate.ts);
 * 2. the mean of dmon's power violation % over the window;
 * 3. the share of the GPU's readings in the window with the sw_power_cap
 *    reason active, for a GPU that reports clocks event reasons at all (a
 *    reason is written only while active: a GPU that never wrote one may not
 *    report them, and gets no figure rather than 0).
 */
import type { SeriesReader } from '../../store/series.js';
import { rateOver } from '../promql/index.js';
import { GPU_IN } from './readings.js';

const CAP_REASON = 'sw_power_cap';

export function powerCappedPercent(read: SeriesReader, gpu: Readonly<Record<string, string>>, at: number, windowMs: number): number | undefined {
  const from = at - windowMs;
  for (const r of rateOver(read, GPU_IN.clockEventSeconds, { ...gpu, reason: CAP_REASON }, at, windowMs)) {
    if (Number.isFinite(r.value)) return clamp(r.value * 100);
  }
  const violations = read.range(GPU_IN.powerViolation, gpu, from, at);
  if (violations.length > 0) {
    let sum = 0;
    for (const s of violations) sum += s.v;
    return clamp(sum / violations.length);
  }
  if (read.latest(GPU_IN.throttleActive, gpu).length === 0) return undefined;
  let readings = read.range(GPU_IN.powerDraw, gpu, from, at);
  if (readings.length === 0) readings = read.range(GPU_IN.utilization, gpu, from, at);
  if (readings.length === 0) return undefined;
  const capped = new Set(read.range(GPU_IN.throttleActive, { ...gpu, reason: CAP_REASON }, from, at).filter((s) => s.v > 0).map((s) => s.t));
  const ticks = new Set(readings.map((s) => s.t));
  let held = 0;
  for (const t of ticks) if (capped.has(t)) held++;
  return (held / ticks.size) * 100;
}

function clamp(v: number): number {
  return Math.min(100, Math.max(0, v));
}
