/**
 * @module analyze/rules/increase
 * A counter's increase over a trailing window, as Prometheus's `increase()`
 * counts it (prometheus.io/docs/prometheus/latest/querying/functions/#increase):
 * a fall is a counter reset, after which the new value counts from zero. It is
 * not extrapolated to the window's edges: the increase is from the newest
 * sample at or before the window's start (or the oldest one kept) to the latest,
 * so a counter seen once has increased by 0, whatever its value (an old count
 * of ECC errors at start-up is not news).
 */

/** Points kept at most: a long window over fast samples keeps its newest points and so gets shorter. */
export const MAX_INCREASE_POINTS = 4096;

export class CounterIncrease {
  // Plain arrays, compacted now and then: most counters are watched over a few points, so no fixed ring per series.
  private _t: number[] = [];
  /** Reset-adjusted running total at each point. */
  private _v: number[] = [];
  private _head = 0;
  private _last = NaN;
  private _offset = 0;

  constructor(private readonly _windowMs: number) {}

  /** Adds a sample (`t` increasing) and returns the increase over the window ending at `t`. */
  update(t: number, v: number): number {
    if (!Number.isNaN(this._last) && v < this._last) this._offset += this._last;
    this._last = v;
    this._t.push(t);
    this._v.push(v + this._offset);
    const n = this._t.length;
    if (n - this._head > MAX_INCREASE_POINTS) this._head = n - MAX_INCREASE_POINTS;
    // Drop points while the next one is still at or before the window's start: the base stays the last such point.
    const start = t - this._windowMs;
    while (this._head < n - 1 && this._t[this._head + 1]! <= start) this._head++;
    const now = v + this._offset;
    const base = this._v[this._head]!;
    if (this._head >= 64 && this._head * 2 >= n) {
      this._t = this._t.slice(this._head);
      this._v = this._v.slice(this._head);
      this._head = 0;
    }
    return now - base;
  }
}
