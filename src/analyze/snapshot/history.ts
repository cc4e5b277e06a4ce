/**
 * @module analyze/snapshot/history
 * The seed's `metrics_history` as views over the store. Each tick is kept as
 * its time and references to the samples it saw (an id list shared with the
 * previous tick when the same series came in the same order, and one
 * sequence number per sample: 8 bytes a sample a tick); a snapshot object is
 * built from the store when asked. The newest few built snapshots are kept,
 * so the current snapshot is one object and the trend window is not rebuilt
 * every tick.
 *
 * Behaves as a `deque(maxlen=...)`: appending past `maxlen` drops the oldest,
 * and `maxlen` can change at run time (the seed's troubleshooting advice
 * `metrics_history.maxlen = 500`); the store's history rings follow it, so
 * every tick kept can still be built.
 */
import { EchoPerfError } from '../../core/errors.js';
import type { PerformanceMetrics } from '../../core/snapshot.js';
import type { Refs } from '../../store/refs.js';
import type { SeriesStore } from '../../store/series.js';
import { BoundedHistory } from '../../store/history.js';
import { buildView, emptySnapshot, SeriesFacts, type SnapshotView } from './build.js';

interface Tick extends Refs {
  readonly at: number;
  /** Position among every tick recorded (for the cache). */
  readonly n: number;
}

export interface SnapshotHistoryOptions {
  maxlen: number;
  store: SeriesStore;
  /** Newest snapshots kept built; default 16. */
  keepBuilt?: number;
}

export class SnapshotHistory implements Iterable<PerformanceMetrics> {
  private readonly _ticks: BoundedHistory<Tick>;
  private readonly _store: SeriesStore;
  private readonly _facts: SeriesFacts;
  private readonly _built = new Map<number, PerformanceMetrics>();
  private readonly _keepBuilt: number;
  private _recorded = 0;

  constructor(o: SnapshotHistoryOptions) {
    checkMaxlen(o.maxlen);
    this._ticks = new BoundedHistory(o.maxlen);
    this._store = o.store;
    this._facts = new SeriesFacts(o.store);
    this._keepBuilt = Math.max(1, o.keepBuilt ?? 16);
    o.store.setHistoryCapacity(o.maxlen);
  }

  get maxlen(): number {
    return this._ticks.maxlen;
  }

  /** Shrinking keeps the newest ticks; the store's history rings follow. */
  set maxlen(n: number) {
    checkMaxlen(n);
    this._ticks.maxlen = n;
    this._store.setHistoryCapacity(n);
    this._trimBuilt();
  }

  get length(): number {
    return this._ticks.length;
  }

  /** Ticks dropped so far because the history was full. */
  get dropped(): number {
    return this._ticks.dropped;
  }

  /** Bytes of references the ticks hold (id lists counted once however many ticks share them). */
  get bytes(): number {
    const ids = new Set<Int32Array>();
    let n = 0;
    for (const t of this._ticks) {
      n += t.seqs.byteLength;
      if (!ids.has(t.ids)) ids.add(t.ids);
    }
    for (const a of ids) n += a.byteLength;
    return n;
  }

  /** Time of the oldest tick kept (samples it refers to must stay in the store). */
  oldestAt(): number | undefined {
    return this._ticks.at(0)?.at;
  }

  /** Records a tick that saw the samples `refs` names, and returns its view. */
  record(at: number, refs: Refs): SnapshotView {
    const view = buildView(at, this._store, this._facts, refs);
    const prev = this._ticks.at(-1);
    const ids = prev !== undefined && sameIds(prev.ids, refs.ids) ? prev.ids : refs.ids;
    const n = this._recorded++;
    this._ticks.push({ at, ids, seqs: refs.seqs, n });
    this._built.set(n, view.snapshot);
    this._trimBuilt();
    return view;
  }

  /** Snapshot at index (0 = oldest; negative counts from the newest, -1 = newest). */
  at(i: number): PerformanceMetrics | undefined {
    const tick = this._ticks.at(i);
    return tick === undefined ? undefined : this._snapshot(tick);
  }

  /** The newest `n` snapshots, oldest first. */
  last(n: number): PerformanceMetrics[] {
    return this._ticks.last(n).map((t) => this._snapshot(t));
  }

  toArray(): PerformanceMetrics[] {
    return this.last(this._ticks.length);
  }

  clear(): void {
    this._ticks.clear();
    this._built.clear();
  }

  *[Symbol.iterator](): Iterator<PerformanceMetrics> {
    for (const t of this._ticks) yield this._snapshot(t);
  }

  private _snapshot(t: Tick): PerformanceMetrics {
    return this._built.get(t.n) ?? (t.ids.length === 0 ? emptySnapshot(t.at) : buildView(t.at, this._store, this._facts, t).snapshot);
  }

  private _trimBuilt(): void {
    const oldest = this._recorded - Math.min(this._keepBuilt, this._ticks.length);
    for (const n of this._built.keys()) if (n < oldest) this._built.delete(n);
  }
}

function sameIds(a: Int32Array, b: Int32Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function checkMaxlen(n: number): void {
  if (!Number.isInteger(n) || n < 1) {
    throw new EchoPerfError('EP_ERR_ARGUMENT', `maxlen: got ${String(n)}; expected an integer >= 1`);
  }
}
