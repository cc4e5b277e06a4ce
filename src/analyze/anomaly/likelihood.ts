/**
 * @module analyze/anomaly/likelihood
 * Numenta's anomaly likelihood (Ahmad et al., "Unsupervised real-time anomaly
 * detection for streaming data", Neurocomputing 2017, §4.3): the mean of the
 * last `short` raw scores is compared with the long-run distribution of that
 * mean (a normal fitted with exponentially weighted moments), and its upper
 * tail probability is the surprise. It turns a raw score whose usual level
 * differs from series to series into one that means the same everywhere.
 */

/** Tail probability 10^-DECADES maps to a score of 1. */
const DECADES = 12;
/** Samples of moments needed before the tail is trusted. */
const SETTLE = 20;
export const SHORT_MAX = 256;

/** erfc for x ≥ 0 via Numerical Recipes' Chebyshev fit (relative error < 1.2e-7 everywhere). */
function erfc(x: number): number {
  const t = 1 / (1 + 0.5 * x);
  return (
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    )
  );
}

/** Natural log of the standard normal's upper tail, accurate far out (where 1 − Φ underflows). */
function logTail(z: number): number {
  if (z <= 0) return Math.log(1 - 0.5 * erfc(-z / Math.SQRT2));
  return Math.log(0.5 * erfc(z / Math.SQRT2));
}

export class Likelihood {
  private readonly ring: Float64Array;
  private readonly aLong: number;
  private n = 0;
  private sum = 0;
  private mean = 0;
  private varS = 0;

  constructor(
    short: number,
    private readonly long: number,
  ) {
    this.ring = new Float64Array(Math.max(1, Math.min(SHORT_MAX, Math.round(short))));
    this.aLong = 1 / Math.max(1, long);
  }

  /** The surprise of raw score `x` in [0, 1]: −log10(tail) / 12, so 1 is one chance in 10¹². */
  update(x: number): number {
    const short = this.ring.length;
    this.n++;
    const slot = this.n % short;
    this.sum += x - this.ring[slot]!;
    this.ring[slot] = x;
    // The running sum drifts by rounding; a mean of non-negative scores is never below 0.
    const avg = this.sum > 0 ? this.sum / short : 0;
    if (this.n <= short) return 0;
    let s = 0;
    const sd = Math.sqrt(this.varS);
    if (this.n > short + SETTLE && sd > 0) s = Math.min(1, Math.max(0, -logTail((avg - this.mean) / sd) / (Math.LN10 * DECADES)));
    // A plain average until `long` samples are in, then exponential forgetting.
    const d = avg - this.mean;
    const a = this.n - short < this.long ? 1 / (this.n - short) : this.aLong;
    this.mean += a * d;
    this.varS = (1 - a) * (this.varS + a * d * d);
    return s;
  }
}
