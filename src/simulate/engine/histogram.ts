/**
 * @module simulate/engine/histogram
 * A fixed-bucket histogram accumulator, as a Prometheus client keeps one:
 * per-bucket counts, a sum and a count. Exposed buckets are cumulative, so
 * they are monotone and the `+Inf` bucket equals `_count` by construction.
 */

export class Histogram {
  /** Upper bounds, ascending, without +Inf. */
  readonly bounds: readonly number[];
  /** Non-cumulative counts; the last slot is the +Inf bucket. */
  private readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(bounds: readonly number[]) {
    for (let i = 1; i < bounds.length; i++) {
      if (!(bounds[i]! > bounds[i - 1]!)) throw new RangeError(`histogram bounds must ascend: ${bounds[i - 1]} then ${bounds[i]}`);
    }
    this.bounds = bounds;
    this.counts = new Float64Array(bounds.length + 1);
  }

  /** Records `weight` observations of `v` (weight > 1 stands for identical observations). */
  observe(v: number, weight = 1): void {
    if (!(weight > 0) || !Number.isFinite(v)) return;
    const b = this.bounds;
    // Binary search for the first bound >= v (le semantics).
    let lo = 0;
    let hi = b.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (b[mid]! >= v) hi = mid;
      else lo = mid + 1;
    }
    this.counts[lo]! += weight;
    this.sum += v * weight;
    this.count += weight;
  }

  /** Cumulative count of each bound, then +Inf (== count). */
  cumulative(): number[] {
    const out = new Array<number>(this.counts.length);
    let acc = 0;
    for (let i = 0; i < this.counts.length; i++) {
      acc += this.counts[i]!;
      out[i] = acc;
    }
    return out;
  }
}
