/**
 * @module store/seriesTable
 * The hot tier's per-series state, indexed by series id: typed arrays (ring,
 * head, size, counts, base time), the series' identity and metadata, and the
 * rings themselves (store/rings.ts). No object per sample and none per series
 * beyond its name, labels and key.
 *
 * A ring starts at 16 slots and doubles when full, up to its depth's
 * capacity, so memory follows what is held (a new series costs 192 bytes of
 * samples, not a whole history's worth); the move is amortised O(1) a sample.
 *
 * Ids are small integers below `idCap`. A series keeps its id while held; an
 * evicted series is retired with its id, gets the same id back if it returns,
 * and only once fresh ids run out is the oldest retired id given to a new
 * series. So every array indexed by id stays below `idCap` entries.
 */
import type { Labels, MetricType } from '../core/types.js';
import { RingPages } from './rings.js';
import type { SeriesDescriptor } from './persistence.js';

/** Metadata a series carries: its family's type, help and unit, and where it comes from. */
export interface SeriesMeta {
  readonly type?: MetricType | undefined;
  readonly help?: string | undefined;
  readonly unit?: string | undefined;
  /** `collector:<name>`, `push:<name>`, `pull:<name>`, `target:<name>`, `derived`, `self`. */
  readonly origin?: string | undefined;
  /** The family the series belongs to (`foo` for `foo_bucket`), as its page declared it. */
  readonly family?: string | undefined;
}

/** How deep a series' ring is: `window` for the rate window, `history` for views over `max_metrics_history` ticks. */
export type SeriesDepth = 'window' | 'history';

/** Offsets are Uint32: a ring spans at most this many ms (49.7 days); older samples leave it. */
const MAX_SPAN_MS = 0xffff_ffff;
/** Slots of a new ring. */
const FIRST_STRIDE = 16;

export class SeriesTable {
  /** Capacity of a full ring, per depth (0 window, 1 history). */
  readonly capacity: [window: number, history: number];
  /** Ring number in the pages of its stride; -1 while the id is not held. */
  ring = new Int32Array(0);
  stride = new Int32Array(0);
  depth = new Uint8Array(0);
  external = new Uint8Array(0);
  head = new Int32Array(0);
  size = new Int32Array(0);
  /** Samples written to the id over its life: the next sample's sequence number. */
  written = new Float64Array(0);
  /** First sequence number of the series the id names now (older refs name an earlier series). */
  start = new Float64Array(0);
  base = new Float64Array(0);
  lastT = new Float64Array(0);
  readonly names: string[] = [];
  readonly labels: Labels[] = [];
  readonly keys: string[] = [];
  readonly metas: (SeriesMeta | undefined)[] = [];
  private readonly _pages = new Map<number, RingPages>();
  private _next = 0;

  constructor(
    windowCapacity: number,
    historyCapacity: number,
    readonly idCap: number,
  ) {
    this.capacity = [windowCapacity, historyCapacity];
  }

  /** A fresh id, or -1 when all `idCap` were handed out. */
  freshId(): number {
    if (this._next >= this.idCap) return -1;
    if (this._next === this.ring.length) this._growIds(Math.min(this.idCap, Math.max(64, this._next * 2)));
    return this._next++;
  }

  /** Gives `id` a ring and an identity; `written` carries on, so refs to its former series stay invalid. */
  hold(id: number, name: string, labels: Labels, key: string, depth: number, external: boolean, meta: SeriesMeta | undefined): void {
    const stride = Math.min(FIRST_STRIDE, this.capacity[depth as 0 | 1]);
    this.ring[id] = this.pages(stride).alloc();
    this.stride[id] = stride;
    this.depth[id] = depth;
    this.external[id] = external ? 1 : 0;
    this.head[id] = 0;
    this.size[id] = 0;
    this.start[id] = this.written[id]!;
    this.base[id] = 0;
    this.lastT[id] = -Infinity;
    this.names[id] = name;
    this.labels[id] = labels;
    this.keys[id] = key;
    this.metas[id] = meta;
  }

  /** Frees the id's ring; its identity stays for a return. */
  release(id: number): void {
    this.pages(this.stride[id]!).release(this.ring[id]!);
    this.ring[id] = -1;
  }

  /**
   * Writes (t, v) as the id's newest sample and returns its sequence number;
   * -1 for an older time (or not a time). At the newest's time with the same
   * value, nothing is written and the newest's number is returned. With
   * another value it is kept too (two collections in one millisecond each
   * have their snapshot), but readers of the series see one sample per
   * timestamp, the first (`firstAt`), as Prometheus's TSDB keeps the first.
   */
  write(id: number, t: number, v: number): number {
    const last = this.lastT[id]!;
    if (!(t > last) || t === Infinity) {
      if (t !== last || this.size[id] === 0) return -1;
      if (Object.is(this.valueBack(id, 1), v)) return this.written[id]! - 1;
    }
    let stride = this.stride[id]!;
    const size = this.size[id]!;
    if (size === stride && stride < this.capacity[this.depth[id] as 0 | 1]) stride = this._move(id, Math.min(2 * stride, this.capacity[this.depth[id] as 0 | 1]));
    if (size === 0) this.base[id] = t;
    else if (t - this.base[id]! > MAX_SPAN_MS) this._rebase(id, t);
    const pages = this.pages(stride);
    const ring = this.ring[id]!;
    const at = (ring % pages.perPage) * stride + this.head[id]!;
    const p = (ring / pages.perPage) | 0;
    pages.tPages[p]![at] = t - this.base[id]!;
    pages.vPages[p]![at] = v;
    const h = this.head[id]! + 1;
    this.head[id] = h === stride ? 0 : h;
    if (this.size[id]! < stride) this.size[id]!++;
    this.lastT[id] = t;
    return this.written[id]!++;
  }

  /** Whether the sample `back` steps from the newest repeats the time of the one before it (see write). */
  repeatsTime(id: number, back: number): boolean {
    return back < this.size[id]! && this.timeBack(id, back) === this.timeBack(id, back + 1);
  }

  /** Steps back to the first sample at the newest time (1 unless a collection repeated its time). */
  newestBack(id: number): number {
    let back = 1;
    while (this.repeatsTime(id, back)) back++;
    return back;
  }

  /** Time of the sample `back` steps from the newest (1 = newest). */
  timeBack(id: number, back: number): number {
    const pages = this.pages(this.stride[id]!);
    return this.base[id]! + pages.tPages[pages.page(this.ring[id]!)]![this._slot(id, back, pages)]!;
  }

  valueBack(id: number, back: number): number {
    const pages = this.pages(this.stride[id]!);
    return pages.vPages[pages.page(this.ring[id]!)]![this._slot(id, back, pages)]!;
  }

  /** Steps back from the newest to the sample `seq` of the series the id names now, or 0 when not held. */
  backOf(id: number, seq: number): number {
    const ring = this.ring[id];
    if (ring === undefined || ring < 0 || seq < this.start[id]!) return 0;
    const back = this.written[id]! - seq;
    return back >= 1 && back <= this.size[id]! ? back : 0;
  }

  descriptor(id: number): SeriesDescriptor {
    const m = this.metas[id];
    return {
      key: this.keys[id]!,
      name: this.names[id]!,
      labels: this.labels[id]!,
      ...(m?.type !== undefined ? { type: m.type } : {}),
      ...(m?.help !== undefined ? { help: m.help } : {}),
      ...(m?.unit !== undefined ? { unit: m.unit } : {}),
      ...(m?.origin !== undefined ? { origin: m.origin } : {}),
    };
  }

  /**
   * Sets the capacity of rings of `depth` (a run-time change of the history's
   * length): rings bigger than it move to one of that size, keeping the
   * newest samples; smaller ones grow to it as they fill.
   */
  resize(depth: number, capacity: number): void {
    this.capacity[depth as 0 | 1] = capacity;
    for (let id = 0; id < this._next; id++) {
      if (this.ring[id]! >= 0 && this.depth[id] === depth && this.stride[id]! > capacity) this._move(id, capacity);
    }
  }

  /** Bytes held in typed arrays (pages of rings, per-id state). */
  bytes(): number {
    let n = this.ring.length * (4 + 4 + 1 + 1 + 4 + 4 + 8 * 4);
    for (const p of this._pages.values()) n += p.bytes;
    return n;
  }

  /** Samples held, over all series. */
  samplesHeld(): number {
    let n = 0;
    for (let id = 0; id < this._next; id++) if (this.ring[id]! >= 0) n += this.size[id]!;
    return n;
  }

  pages(stride: number): RingPages {
    let p = this._pages.get(stride);
    if (p === undefined) this._pages.set(stride, (p = new RingPages(stride)));
    return p;
  }

  private _slot(id: number, back: number, pages: RingPages): number {
    let pos = this.head[id]! - back;
    if (pos < 0) pos += pages.stride;
    return pages.offset(this.ring[id]!) + pos;
  }

  /** Moves the id's newest samples (as many as fit) to a ring of `stride` slots; returns the stride. */
  private _move(id: number, stride: number): number {
    const from = this.pages(this.stride[id]!);
    const to = this.pages(stride);
    const keep = Math.min(this.size[id]!, stride);
    const ring = to.alloc();
    const tp = to.tPages[to.page(ring)]!;
    const vp = to.vPages[to.page(ring)]!;
    const ft = from.tPages[from.page(this.ring[id]!)]!;
    const fv = from.vPages[from.page(this.ring[id]!)]!;
    const o = to.offset(ring);
    for (let k = 0; k < keep; k++) {
      const s = this._slot(id, keep - k, from);
      tp[o + k] = ft[s]!;
      vp[o + k] = fv[s]!;
    }
    from.release(this.ring[id]!);
    this.ring[id] = ring;
    this.stride[id] = stride;
    this.size[id] = keep;
    this.head[id] = keep === stride ? 0 : keep;
    return stride;
  }

  /** Keeps `t` within a Uint32 offset of the base: the oldest samples beyond that span leave the ring. */
  private _rebase(id: number, t: number): void {
    while (this.size[id]! > 0 && t - this.timeBack(id, this.size[id]!) > MAX_SPAN_MS) this.size[id]!--;
    const base = this.size[id]! > 0 ? this.timeBack(id, this.size[id]!) : t;
    const pages = this.pages(this.stride[id]!);
    const tp = pages.tPages[pages.page(this.ring[id]!)]!;
    for (let back = 1; back <= this.size[id]!; back++) {
      const s = this._slot(id, back, pages);
      tp[s] = this.base[id]! + tp[s]! - base;
    }
    this.base[id] = base;
  }

  private _growIds(n: number): void {
    const grow = <A extends Int32Array | Uint8Array | Float64Array>(a: A, make: (n: number) => A, fill?: number): A => {
      const b = make(n);
      b.set(a);
      if (fill !== undefined) b.fill(fill, a.length);
      return b;
    };
    this.ring = grow(this.ring, (k) => new Int32Array(k), -1);
    this.stride = grow(this.stride, (k) => new Int32Array(k));
    this.depth = grow(this.depth, (k) => new Uint8Array(k));
    this.external = grow(this.external, (k) => new Uint8Array(k));
    this.head = grow(this.head, (k) => new Int32Array(k));
    this.size = grow(this.size, (k) => new Int32Array(k));
    this.written = grow(this.written, (k) => new Float64Array(k));
    this.start = grow(this.start, (k) => new Float64Array(k));
    this.base = grow(this.base, (k) => new Float64Array(k));
    this.lastT = grow(this.lastT, (k) => new Float64Array(k), -Infinity);
  }
}
