/**
 * @module analyze/promql/rate
 * rate(), increase(), delta(), irate() and idelta() over the points of one
 * series, as Prometheus 2.42 computes them for float samples
 * (promql/functions.go@v2.42.0: extrapolatedRate, instantValue).
 *
 * Where 3.x differs (promql/functions.go on main):
 * - The counter zero-point limit. 2.42 first cuts `durationToStart` at the
 *   extrapolated zero point and then compares it with the 1.1 × average
 *   spacing threshold; 3.x (prometheus#13725) first replaces a too-long
 *   `durationToStart` by half an average spacing and only then applies the
 *   zero point. A counter whose zero point lies further back than half a
 *   spacing but closer than 1.1 spacings is extrapolated further in 2.42,
 *   e.g. `increase()` of 10,20,…,110 over a window starting 50m before the
 *   first sample: 110 in 2.42, 105 in 3.x.
 * - The range itself is closed in 2.42 and left-open in 3.x (see point.ts).
 * Native histograms, start timestamps and the 3.x `anchored`/`smoothed`
 * modifiers have no equivalent here.
 */
import type { Point } from './point.js';

/**
 * Prometheus 2.42 `extrapolatedRate` for float samples. `points` are the
 * samples of one series inside [rangeStartMs, rangeEndMs] (see selectRange),
 * oldest first. Returns undefined where Prometheus returns no sample: fewer
 * than 2 points. Also undefined when all points share one timestamp, which a
 * Prometheus series cannot have.
 */
export function extrapolatedRate(
  points: readonly Point[],
  rangeStartMs: number,
  rangeEndMs: number,
  isCounter: boolean,
  isRate: boolean,
): number | undefined {
  const n = points.length;
  if (n < 2) return undefined;
  const first = points[0]!;
  const last = points[n - 1]!;

  let result = last.v - first.v;
  if (isCounter) {
    // Any decrease is a counter reset: the counter restarted from 0, so the
    // value before the drop was gained as well.
    let prev = first.v;
    for (let i = 1; i < n; i++) {
      const cur = points[i]!.v;
      if (cur < prev) result += prev;
      prev = cur;
    }
  }

  let durationToStart = (first.t - rangeStartMs) / 1000;
  const durationToEnd = (rangeEndMs - last.t) / 1000;
  const sampledInterval = (last.t - first.t) / 1000;
  if (!(sampledInterval > 0)) return undefined;
  const averageDurationBetweenSamples = sampledInterval / (n - 1);

  if (isCounter && result > 0 && first.v >= 0) {
    // Counters cannot be negative: do not extrapolate past the point where
    // the fitted line reaches zero. 2.42 applies this before the threshold
    // check below (3.x after it).
    const durationToZero = sampledInterval * (first.v / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }

  // A sample within 1.1 average spacings of an edge means the series most
  // likely covers the whole range: extrapolate to the edge. Otherwise assume
  // the series starts/ends inside the range, half a spacing beyond the sample.
  const extrapolationThreshold = averageDurationBetweenSamples * 1.1;
  let extrapolateToInterval = sampledInterval;
  extrapolateToInterval += durationToStart < extrapolationThreshold ? durationToStart : averageDurationBetweenSamples / 2;
  extrapolateToInterval += durationToEnd < extrapolationThreshold ? durationToEnd : averageDurationBetweenSamples / 2;

  let factor = extrapolateToInterval / sampledInterval;
  if (isRate) factor /= (rangeEndMs - rangeStartMs) / 1000;
  return result * factor;
}

/**
 * `rate(x[r])`: per-second increase of a counter over [startMs, endMs].
 * @example rate([{t: 0, v: 0}, {t: 300_000, v: 30}], 0, 300_000) === 0.1
 */
export function rate(points: readonly Point[], startMs: number, endMs: number): number | undefined {
  return extrapolatedRate(points, startMs, endMs, true, true);
}

/**
 * `increase(x[r])`: increase of a counter over [startMs, endMs], extrapolated to the range.
 * @example increase([{t: 0, v: 0}, {t: 300_000, v: 30}], 0, 300_000) === 30
 */
export function increase(points: readonly Point[], startMs: number, endMs: number): number | undefined {
  return extrapolatedRate(points, startMs, endMs, true, false);
}

/**
 * `delta(x[r])`: change of a gauge over [startMs, endMs] (no reset handling), extrapolated.
 * @example delta([{t: 0, v: 200}, {t: 1_200_000, v: 0}], 0, 1_200_000) === -200
 */
export function delta(points: readonly Point[], startMs: number, endMs: number): number | undefined {
  return extrapolatedRate(points, startMs, endMs, false, false);
}

/**
 * `irate(x[r])`: per-second rate between the last two points; after a
 * counter reset the last value itself is the increase. Undefined with fewer
 * than 2 points or when the two share a timestamp (functions.go instantValue).
 * @example irate([{t: 0, v: 50}, {t: 300_000, v: 0}]) === 0
 */
export function irate(points: readonly Point[]): number | undefined {
  return instantValue(points, true);
}

/**
 * `idelta(x[r])`: difference between the last two points (gauges).
 * @example idelta([{t: 0, v: 100}, {t: 300_000, v: 50}]) === -50
 */
export function idelta(points: readonly Point[]): number | undefined {
  return instantValue(points, false);
}

function instantValue(points: readonly Point[], isRate: boolean): number | undefined {
  const n = points.length;
  if (n < 2) return undefined;
  const last = points[n - 1]!;
  const previous = points[n - 2]!;
  let result = isRate && last.v < previous.v ? last.v : last.v - previous.v;
  const sampledIntervalMs = last.t - previous.t;
  if (sampledIntervalMs === 0) return undefined;
  if (isRate) result /= sampledIntervalMs / 1000;
  return result;
}
