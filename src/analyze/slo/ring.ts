/**
 * @module analyze/slo/ring
 * Cumulative counts at coarse, evenly spaced times, in a fixed-size ring: the
 * count over any window that ends now is the current count minus the point at
 * the window's start, so burn rates over 5 min … 3 d cost a binary search.
 */

export class CountRing {
  private readonly _t: Float64Array;
  private readonly _v: Float64Array;
  private _head = 0;
  private _size = 0;

  /**
   * @param width values per point
   * @param stepMs least spacing between points
   * @param spanMs how far back the ring must reach
   */
  constructor(
    readonly width: number,
    readonly stepMs: number,
    spanMs: number,
  ) {
    const capacity = Math.ceil(spanMs / stepMs) + 2;
    this._t = new Float64Array(capacity);
    this._v = new Float64Array(capacity * width);
  }

  get capacity(): number {
    return this._t.length;
  }

  get size(): number {
    return this._size;
  }

  /** Keeps `values` at `t` when the newest point is at least a step older. */
  offer(t: number, values: ArrayLike<number>): void {
    if (this._size > 0 && t - this._t[this._index(this._size - 1)]! < this.stepMs) return;
    const i = this._size < this.capacity ? this._index(this._size) : this._head;
    if (this._size < this.capacity) this._size++;
    else this._head = (this._head + 1) % this.capacity;
    this._t[i] = t;
    for (let k = 0; k < this.width; k++) this._v[i * this.width + k] = values[k]!;
  }

  /** Oldest point's time; NaN when empty. */
  oldest(): number {
    return this._size === 0 ? NaN : this._t[this._head]!;
  }

  /** Position (0 = oldest) of the newest point at or before `t`, else of the oldest point; -1 when empty. */
  find(t: number): number {
    if (this._size === 0) return -1;
    let lo = 0;
    let hi = this._size - 1;
    if (this._t[this._index(0)]! > t) return 0;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this._t[this._index(mid)]! <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  timeAt(pos: number): number {
    return this._t[this._index(pos)]!;
  }

  valueAt(pos: number, k: number): number {
    return this._v[this._index(pos) * this.width + k]!;
  }

  private _index(pos: number): number {
    return (this._head + pos) % this.capacity;
  }
}
