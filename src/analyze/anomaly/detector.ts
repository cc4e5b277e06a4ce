/**
 * @module analyze/anomaly/detector
 * A streaming, causal anomaly detector: one score in [0, 1] per sample, from
 * the past alone, in O(orders) time and a fixed few kilobytes per series.
 *
 * 1. Contextual novelty (context.ts, the idea of CAD OSE): the share of the
 *    sample's bin contexts (its bin after the bins of the last 1..orders
 *    samples) never seen before. Bins come from the range of the first
 *    `warmup` samples, so one parameter set fits series of any unit.
 * 2. Anomaly likelihood (likelihood.ts, Numenta's method): the tail
 *    probability of the recent mean novelty against its long-run
 *    distribution, so a series that is always a little novel (noise) must be
 *    much more novel to score, and a quiet one scores on its first surprise.
 * 3. Alarm suppression, as CAD OSE and ARTime do: once a sample scores past
 *    `alarm`, the next `suppress` samples score 0, since one incident is one
 *    alarm (NAB rewards the earliest alarm in a window and charges the rest).
 * See docs/rules/anomaly.md for how the parameters were chosen.
 */
import { ContextNovelty } from './context.js';
import { Likelihood } from './likelihood.js';

export interface DetectorOptions {
  /** Samples that set the bins' range; nothing scores above 0 before they are in. */
  readonly warmup?: number;
  /** Bins across the learnt range. */
  readonly bins?: number;
  /** Share of the learnt range added on each side before it is cut into bins. */
  readonly pad?: number;
  /** Longest context: how many past bins precede the current one. */
  readonly orders?: number;
  /** Context fingerprints kept (4 bytes each). */
  readonly capacity?: number;
  /** Raw scores averaged before the tail probability is taken (Numenta: 10). */
  readonly short?: number;
  /** Samples of memory of the long-run distribution of that average. */
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
  warmup: 300,
  bins: 8,
  pad: 0.1,
  orders: 3,
  capacity: 2048,
  short: 5,
  long: 2000,
  alarm: 0.2,
  suppress: 200,
};


/** Errors averaged for the value surprise: a spike is one to three samples. */
const ERROR_SHORT = 3;

/** Bytes of state one detector holds with the default options (typed arrays plus ~40 numbers). */
export const DETECTOR_STATE_BYTES =
  DEFAULT_DETECTOR_OPTIONS.capacity * 4 + DEFAULT_DETECTOR_OPTIONS.orders * 4 + (DEFAULT_DETECTOR_OPTIONS.short + ERROR_SHORT) * 8 + 40 * 8;

export function createDetector(options: DetectorOptions = {}): Detector {
  const o = { ...DEFAULT_DETECTOR_OPTIONS, ...options };
  const context = new ContextNovelty(o);
  const likelihood = new Likelihood(o.short, o.long);
  // The value surprise: a step or spike far outside the noise scores high even
  // where the noise alone keeps the contexts novel.
  const errLikelihood = new Likelihood(ERROR_SHORT, o.long);
  let fast = 0;
  let slow = 0;
  let lo = Infinity;
  let hi = -Infinity;
  const warmup = Math.max(1, Math.round(o.warmup));
  const suppress = Math.max(0, Math.round(o.suppress));
  let n = 0;
  let quiet = 0;
  return {
    score(_t: number, v: number): number {
      if (!Number.isFinite(v)) return 0;
      n++;
      // Two exponentially weighted means predict the value (weights 0.5 and 0.02): the
      // error is the smaller miss, over the range seen so far, so a new level is missed
      // once and then followed, and noise around a level is absorbed by the slow mean.
      if (n === 1) fast = slow = v;
      const range = hi - lo;
      const err = Math.min(Math.abs(v - fast), Math.abs(v - slow)) / (range > 0 ? range : Math.abs(v) > 0 ? Math.abs(v) : 1);
      fast += 0.5 * (v - fast);
      slow += 0.02 * (v - slow);
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      const e = n > 1 ? errLikelihood.update(err) : 0;
      if (n <= warmup) {
        context.learn(v);
        if (n === warmup) context.fix();
        return 0;
      }
      const s = Math.max(likelihood.update(context.update(v)), e);
      if (quiet > 0) {
        quiet--;
        return 0;
      }
      if (s >= o.alarm && suppress > 0) quiet = suppress;
      return s;
    },
  };
}
