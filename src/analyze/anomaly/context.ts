/**
 * @module analyze/anomaly/context
 * Contextual novelty, the idea of CAD OSE (Smirnov's contextual anomaly
 * detector, NAB's `contextOSE`): values are cut into a few bins over the range
 * learnt at the start; the bins of the last k samples followed by the
 * current one form a context, for k = 1..orders. The raw score is the share of
 * the current contexts never seen before: a series that repeats its shapes
 * scores 0, a new level, spike or shape scores high.
 *
 * Memory is bounded: contexts are kept as 32-bit fingerprints in a fixed
 * open-addressed table; once it is 90 % full a new context overwrites its home
 * slot, so the oldest knowledge fades rather than the table growing.
 */

/** Bins are clamped here so that a wild value still makes a finite context. */
const BIN_LIMIT = 1 << 20;
const PROBES = 16;
export const ORDERS_MAX = 16;

export interface ContextOptions {
  readonly bins: number;
  readonly pad: number;
  readonly orders: number;
  readonly capacity: number;
}

export class ContextNovelty {
  private readonly table: Uint32Array;
  private readonly limit: number;
  private readonly hist: Int32Array;
  private readonly bins: number;
  private readonly pad: number;
  private used = 0;
  private seen = 0;
  private lo = Infinity;
  private hi = -Infinity;
  private step = 0;

  constructor(o: ContextOptions) {
    const cap = Math.max(64, Math.min(1 << 20, Math.round(o.capacity)));
    this.table = new Uint32Array(cap);
    this.limit = Math.floor(cap * 0.9);
    this.hist = new Int32Array(Math.max(1, Math.min(ORDERS_MAX, Math.round(o.orders))));
    this.bins = Math.max(2, Math.round(o.bins));
    this.pad = Math.max(0, o.pad);
  }

  /** Widens the range with a sample of the learning period. */
  learn(v: number): void {
    if (v < this.lo) this.lo = v;
    if (v > this.hi) this.hi = v;
  }

  /**
   * Freezes the bins: the learnt range padded by `pad` on each side (CAD OSE
   * pads by 10 %), cut into `bins`. Values outside fall in bins of their own.
   */
  fix(): void {
    const range = this.hi - this.lo;
    const pad = range * this.pad;
    // A flat start gives no range: bins as wide as the level's own size then.
    const width = range > 0 ? range + 2 * pad : Math.abs(this.lo) > 0 ? Math.abs(this.lo) : 1;
    this.lo -= pad;
    this.step = width / this.bins;
  }

  /** Share in [0, 1] of the current contexts that are new; records them. */
  update(v: number): number {
    let b = Math.floor((v - this.lo) / this.step);
    if (b > BIN_LIMIT) b = BIN_LIMIT;
    else if (b < -BIN_LIMIT) b = -BIN_LIMIT;
    const orders = this.hist.length;
    // FNV-1a style mixing of the current bin, then one older bin per order.
    let h = Math.imul(2166136261 ^ (b + 7919), 16777619);
    let novel = 0;
    let count = 0;
    for (let k = 0; k < orders; k++) {
      h = Math.imul(h ^ (this.hist[k]! + 104729 * (k + 1)), 16777619);
      if (k < this.seen) {
        count++;
        if (!this.remember(h >>> 0)) novel++;
      }
    }
    for (let k = orders - 1; k > 0; k--) this.hist[k] = this.hist[k - 1]!;
    this.hist[0] = b;
    if (this.seen < orders) this.seen++;
    return count > 0 ? novel / count : 0;
  }

  /** True when the fingerprint was known; otherwise stores it. */
  private remember(h: number): boolean {
    const f = h === 0 ? 1 : h;
    const cap = this.table.length;
    let i = f % cap;
    for (let p = 0; p < PROBES; p++) {
      const x = this.table[i]!;
      if (x === f) return true;
      if (x === 0) {
        if (this.used < this.limit) {
          this.table[i] = f;
          this.used++;
          return false;
        }
        break;
      }
      i = i + 1 === cap ? 0 : i + 1;
    }
    this.table[f % cap] = f;
    return false;
  }

  /** Bytes of typed-array state (the fingerprint table and the bin history). */
  get bytes(): number {
    return this.table.byteLength + this.hist.byteLength;
  }
}
