/**
 * @module analyze/anomaly/detector
 * A streaming, causal anomaly detector: one score in [0, 1] per sample, from
 * the past alone, in O(1) time and a fixed few hundred bytes per series.
 *
 * 1. Prediction error. The value is predicted by a fast and a slow
 *    exponentially weighted mean; the error is the smaller of the two
 *    misses, scaled by the range seen so far (a series that settles on a new
 *    level is quickly predicted again by the fast mean; noise around a slow
 *    level is tolerated by the slow one).
 * 2. Anomaly likelihood, as Numenta's HTM detector does it (Ahmad et al.,
 *    "Unsupervised real-time anomaly detection for streaming data",
 *    Neurocomputing 2017, §4.3): the mean of the last few errors is compared
 *    with the long-run distribution of that mean (a normal fitted with slow
 *    exponentially weighted moments); the score is its tail probability on a
 *    log scale, so 0.5 is one chance in 10^(0.5·DECADES).
 * 3. Alarm suppression, as CAD OSE and ARTime do: once a sample scores past
 *    the alarm level, the next `suppress` samples are damped, since one
 *    incident is one alarm (NAB rewards the earliest and penalises the rest).
 * See docs/rules/anomaly.md for how the parameters were chosen.
 */

export interface DetectorOptions {
  /** Samples before any score above 0: the error distribution must be learnt first. */
  readonly warmup?: number;
  /** Weight of the newest sample in the fast predictor. */
  readonly fast?: number;
  /** Weight of the newest sample in the slow predictor. */
  readonly slow?: number;
  /** Errors averaged before the tail probability is taken (Numenta: 10). */
  readonly short?: number;
  /** Samples of memory of the long-run error distribution. */
  readonly long?: number;
  /** Score from which an alarm is considered raised. */
  readonly alarm?: number;
  /** Samples damped after an alarm. */
  readonly suppress?: number;
}

export interface Detector {
  /** Scores one sample (t in ms, unused by the score but kept for the contract's symmetry). */
  score(t: number, v: number): number;
}

export const DEFAULT_DETECTOR_OPTIONS: Required<DetectorOptions> = {
  warmup: 150,
  fast: 0.5,
  slow: 0.02,
  short: 3,
  long: 2000,
  alarm: 0.2,
  suppress: 300,
};

/** Tail probability 10^-DECADES maps to a score of 1. */
const DECADES = 12;
const LN10 = Math.log(10);
const SHORT_MAX = 256;

/** Upper tail of the standard normal, accurate in the far tail (Abramowitz & Stegun 7.1.26 on erfc). */
function logTail(z: number): number {
  if (z <= 0) return Math.log(1 - 0.5 * erfc(-z / Math.SQRT2));
  return Math.log(0.5 * erfc(z / Math.SQRT2));
}

/** erfc for x ≥ 0 via Numerical Recipes' Chebyshev fit (relative error < 1.2e-7 everywhere). */
function erfc(x: number): number {
  const t = 1 / (1 + 0.5 * x);
  const y =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return y;
}

export function createDetector(options: DetectorOptions = {}): Detector {
  const o = { ...DEFAULT_DETECTOR_OPTIONS, ...options };
  const short = Math.max(1, Math.min(SHORT_MAX, Math.round(o.short)));
  const ring = new Float64Array(short);
  const aLong = 1 / Math.max(1, o.long);
  const suppress = Math.max(0, Math.round(o.suppress));
  let n = 0;
  let fast = 0;
  let slow = 0;
  let lo = Infinity;
  let hi = -Infinity;
  let sum = 0;
  let mean = 0;
  let varE = 0;
  let quiet = 0;
  return {
    score(_t: number, v: number): number {
      if (!Number.isFinite(v)) return 0;
      n++;
      if (n === 1) {
        fast = slow = lo = hi = v;
        return 0;
      }
      // Errors relative to the range seen so far, so one parameter set fits
      // series of any unit and magnitude.
      const range = hi - lo;
      const scale = range > 0 ? range : Math.abs(v) > 0 ? Math.abs(v) : 1;
      const err = Math.min(Math.abs(v - fast), Math.abs(v - slow)) / scale;
      fast += o.fast * (v - fast);
      slow += o.slow * (v - slow);
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      const slot = n % short;
      sum += err - ring[slot]!;
      ring[slot] = err;
      // The running sum drifts by rounding; a mean of non-negative errors is never below 0.
      const avg = sum > 0 ? sum / short : 0;
      let s = 0;
      if (n > short + 1) {
        const sd = Math.sqrt(varE);
        if (n > o.warmup && sd > 0) s = Math.min(1, Math.max(0, -logTail((avg - mean) / sd) / (LN10 * DECADES)));
        // Moments of the short mean: a plain average until `long` samples are in, then exponential.
        const d = avg - mean;
        const a = n - short < o.long ? 1 / (n - short) : aLong;
        mean += a * d;
        varE = (1 - a) * (varE + a * d * d);
      }
      if (quiet > 0) {
        quiet--;
        return 0;
      }
      if (s >= o.alarm && suppress > 0) quiet = suppress;
      return s;
    },
  };
}
