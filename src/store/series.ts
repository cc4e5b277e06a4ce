/**
 * @module store/series
 * The hot tier: every series with its metadata and a ring of its most recent
 * samples (store/seriesTable.ts, store/rings.ts: 12 bytes a sample, no object
 * per sample). Bounded twice: rings of fixed depth, and `maxSeries` series;
 * past the latter, new series are dropped and counted. External samples
 * (scraped pages, pushed and pulled components) may create series only up to
 * `maxSeries - reservedSeries`, so a peer serving too many series can never
 * crowd out the agent's own (collectors, derived series, self-metrics).
 *
 * Two depths: `window` rings (`capacity` samples) hold what rates need;
 * `history` rings (`historyCapacity`) hold what the snapshot views of
 * `max_metrics_history` ticks refer to. Times are kept in whole milliseconds
 * (Prometheus's resolution), one sample per timestamp, in time order.
 */
import { EchoPerfError } from '../core/errors.js';
import { matchesLabels, seriesKey } from '../core/labels.js';
import type { Labels, Sample } from '../core/types.js';
import { LatestCollections } from './collections.js';
import { checkDescriptor, type SeriesDescriptor, type SeriesPersistence } from './persistence.js';
import { SeriesIndex } from './seriesIndex.js';
import type { RefList, Refs } from './refs.js';
import { SeriesTable, type SeriesDepth, type SeriesMeta } from './seriesTable.js';

export type { SeriesDepth, SeriesMeta } from './seriesTable.js';

/** One series' points in a time range, oldest first. */
export interface SeriesPoints {
  readonly labels: Labels;
  readonly points: { t: number; v: number }[];
}

/** What analyze/ and server/ read. */
export interface SeriesReader {
  latest(name: string, match?: Labels): Sample[];
  range(name: string, match: Labels | undefined, from: number, to: number): Sample[];
  /** The same points as `range`, grouped per series (no per-point labels or keys to rebuild). */
  rangeSeries(name: string, match: Labels | undefined, from: number, to: number): SeriesPoints[];
}

/** Whose budget a new series counts against: the agent's own, or a peer's (scraped, pushed, pulled). */
export type SeriesOrigin = 'own' | 'external';

export interface AppendOptions {
  /** Default 'own'. */
  budget?: SeriesOrigin;
  /** Default 'window'. */
  depth?: SeriesDepth;
  /** Metadata of the series written (set on each append: a page may change its HELP). */
  meta?: SeriesMeta;
  /** Per series name, when one call writes several families (a page). */
  metaOf?: (name: string) => SeriesMeta | undefined;
  /** Receives a reference to each sample held (new, or the equal newest one). */
  refs?: RefList;
}

export interface SeriesStoreOptions {
  /** Samples kept per `window` series. */
  capacity: number;
  /** Samples kept per `history` series; default `capacity`. */
  historyCapacity?: number | undefined;
  /** Most series held; new ones past it are dropped (counted in `droppedSamples`). */
  maxSeries: number;
  /** Series only the agent's own samples may create; default `defaultReservedSeries(maxSeries)`. */
  reservedSeries?: number | undefined;
}

/** 10 % of `maxSeries`, at least 1000, but never more than half (a small store still takes external series). */
export function defaultReservedSeries(maxSeries: number): number {
  return Math.min(Math.max(1000, Math.ceil(maxSeries / 10)), Math.floor(maxSeries / 2));
}

export class SeriesStore implements SeriesReader {
  /** What each source produced in its latest collection. */
  readonly collections = new LatestCollections();
  private readonly _t: SeriesTable;
  private readonly _index: SeriesIndex;
  private readonly _dropped = { own: 0, external: 0 };
  private _outOfOrder = 0;
  private readonly _windowCapacity: number;

  constructor(opts: SeriesStoreOptions) {
    const reserved = Math.min(opts.reservedSeries ?? defaultReservedSeries(opts.maxSeries), opts.maxSeries);
    this._windowCapacity = opts.capacity;
    // Held and retired series each stay below maxSeries: ids stay below twice that.
    this._t = new SeriesTable(opts.capacity, Math.max(opts.capacity, opts.historyCapacity ?? opts.capacity), 2 * opts.maxSeries);
    this._index = new SeriesIndex(this._t, opts.maxSeries, opts.maxSeries - reserved);
  }

  get seriesCount(): number {
    return this._index.byKey.size;
  }

  /** Samples refused because they were older than their series' newest (or not a time). */
  get outOfOrderSamples(): number {
    return this._outOfOrder;
  }

  /** Series created by external samples (at most `maxSeries - reservedSeries`). */
  get externalSeriesCount(): number {
    return this._index.externalCount;
  }

  /** Samples refused because the series cap (or, for external samples, the external budget) was reached. */
  get droppedSamples(): number {
    return this._dropped.own + this._dropped.external;
  }

  droppedSamplesOf(origin: SeriesOrigin): number {
    return this._dropped[origin];
  }

  /** Samples a `history` ring holds. */
  get historyCapacity(): number {
    return this._t.capacity[1];
  }

  /** Bytes of typed arrays the hot tier holds (rings, per-series state). */
  get bytes(): number {
    return this._t.bytes();
  }

  /** Samples held over all series. */
  get samplesHeld(): number {
    return this._t.samplesHeld();
  }

  /**
   * Makes `history` rings hold `samples` (never fewer than a `window` ring):
   * what `metricsHistory.maxlen` set at run time needs. Rings past it move
   * once, keeping their newest samples; smaller rings grow to it as they fill.
   */
  setHistoryCapacity(samples: number): void {
    this._t.resize(1, Math.max(this._windowCapacity, samples));
  }

  /**
   * Adds samples (name + labels resolved to a series each). A series is created
   * on its first sample, within its budget: 'external' may create series only
   * within the external budget, 'own' within all of `maxSeries`.
   */
  append(samples: readonly Sample[], how: SeriesOrigin | AppendOptions = 'own'): void {
    const o = typeof how === 'string' ? { budget: how } : how;
    const budget = o.budget ?? 'own';
    const depth = o.depth === 'history' ? 1 : 0;
    const refs = o.refs;
    for (const s of samples) {
      const meta = o.metaOf !== undefined ? o.metaOf(s.name) : o.meta;
      const id = this._index.resolve(s.name, s.labels, budget === 'external', depth, meta);
      if (id < 0) {
        this._dropped[budget]++;
        continue;
      }
      const seq = this.appendId(id, s.t, s.v);
      if (seq >= 0 && refs !== undefined) refs.push(id, seq);
    }
  }

  /**
   * The id of a series, created when new (within its budget); -1 when there
   * is no room. For writers that keep ids and append through `appendId`.
   */
  resolve(name: string, labels: Labels, opts: Omit<AppendOptions, 'refs' | 'metaOf'> = {}): number {
    return this._index.resolve(name, labels, opts.budget === 'external', opts.depth === 'history' ? 1 : 0, opts.meta);
  }

  /**
   * Appends one sample to series `id` (the fast path: no key, no lookup).
   * Returns its sequence number (the newest's for an equal time), or -1 when
   * refused: an older time, or an id not held.
   */
  appendId(id: number, t: number, v: number): number {
    const t0 = this._t;
    const ring = t0.ring[id];
    if (ring === undefined || ring < 0) return -1;
    const ms = Math.round(t);
    const last = t0.lastT[id]!;
    const seq = t0.write(id, ms, v);
    if (seq < 0) this._outOfOrder++;
    else if (ms > last) this._index.persistence?.append(id, ms, v);
    return seq;
  }

  /** Stops handing series and samples to the persistence attached (it is being closed). */
  detach(): void {
    this._index.detach();
  }

  /**
   * Hands every series to `p` (a descriptor for each held now, then for each
   * new one) and every sample accepted from now on. One persistence at a time.
   */
  attach(p: SeriesPersistence): void {
    this._index.attach(p);
  }

  /**
   * Refills a series from a persistent tier at start: its samples (oldest
   * first) go into the hot tier and are not handed back to the persistence.
   * Returns how many were taken (older or repeated times are refused).
   */
  load(d: SeriesDescriptor, t: number | ArrayLike<number>, v: number | ArrayLike<number>): number {
    checkDescriptor(d);
    const ts = typeof t === 'number' ? [t] : t;
    const vs = typeof v === 'number' ? [v] : v;
    if (ts.length !== vs.length) {
      throw new EchoPerfError('EP_ERR_ARGUMENT', `load("${d.key.slice(0, 100)}"): t and v: got ${ts.length} times and ${vs.length} values; expected as many of each`);
    }
    const origin = d.origin;
    const external = origin !== undefined && /^(target|push|pull):/.test(origin);
    const meta: SeriesMeta = { type: d.type, help: d.help, unit: d.unit, origin };
    const id = this._index.resolve(d.name, d.labels, external, origin?.startsWith('target:') === true || origin === 'self' ? 0 : 1, meta);
    if (id < 0) return 0;
    // Written to the table directly: these samples come from the persistence.
    let n = 0;
    for (let i = 0; i < ts.length; i++) {
      const ms = Math.round(ts[i]!);
      if (ms > this._t.lastT[id]! && this._t.write(id, ms, vs[i]!) >= 0) n++;
    }
    return n;
  }

  /** The sample a reference names, while the store holds it. */
  sampleAt(id: number, seq: number): Sample | undefined {
    const back = this._t.backOf(id, seq);
    if (back === 0) return undefined;
    return { name: this._t.names[id]!, labels: this._t.labels[id]!, t: this._t.timeBack(id, back), v: this._t.valueBack(id, back) };
  }

  /** The value a reference names, while the store holds it. */
  valueAt(id: number, seq: number): number | undefined {
    const back = this._t.backOf(id, seq);
    return back === 0 ? undefined : this._t.valueBack(id, back);
  }

  /** The held samples of a list of references, in its order. */
  *samples(refs: Refs): IterableIterator<Sample> {
    for (let i = 0; i < refs.ids.length; i++) {
      const s = this.sampleAt(refs.ids[i]!, refs.seqs[i]!);
      if (s !== undefined) yield s;
    }
  }

  /** Name of the series an id names now (also while retired). */
  nameOf(id: number): string | undefined {
    return this._t.names[id];
  }

  labelsOf(id: number): Labels | undefined {
    return this._t.labels[id];
  }

  metaOf(id: number): SeriesMeta | undefined {
    return this._t.metas[id];
  }

  /** First sequence number of the series an id names now: a reference below it names an earlier series. */
  generationOf(id: number): number {
    return this._t.start[id] ?? -1;
  }

  /** The held series' id for a name and labels, or -1. */
  idOf(name: string, labels: Labels): number {
    return this._index.byKey.get(seriesKey(name, labels)) ?? -1;
  }

  /** The newest sample of every series named `name` whose labels include `match`. */
  latest(name: string, match?: Labels): Sample[] {
    const out: Sample[] = [];
    for (const id of this._index.named(name, match)) {
      if (this._t.size[id] === 0 || !matchesLabels(this._t.labels[id]!, match)) continue;
      const back = this._t.newestBack(id);
      out.push({ name, labels: this._t.labels[id]!, t: this._t.timeBack(id, back), v: this._t.valueBack(id, back) });
    }
    return out;
  }

  /** Samples with from <= t <= to, oldest first, series after series. */
  range(name: string, match: Labels | undefined, from: number, to: number): Sample[] {
    const out: Sample[] = [];
    for (const s of this.rangeSeries(name, match, from, to)) for (const p of s.points) out.push({ name, labels: s.labels, t: p.t, v: p.v });
    return out;
  }

  rangeSeries(name: string, match: Labels | undefined, from: number, to: number): SeriesPoints[] {
    const out: SeriesPoints[] = [];
    const t = this._t;
    for (const id of this._index.named(name, match)) {
      if (!matchesLabels(t.labels[id]!, match)) continue;
      const points: { t: number; v: number }[] = [];
      for (let back = t.size[id]!; back >= 1; back--) {
        const ts = t.timeBack(id, back);
        if (ts >= from && ts <= to && !t.repeatsTime(id, back)) points.push({ t: ts, v: t.valueBack(id, back) });
      }
      if (points.length > 0) out.push({ labels: t.labels[id]!, points });
    }
    return out;
  }

  /** Every series' newest sample. */
  *latestAll(): IterableIterator<Sample> {
    for (const id of this._index.byKey.values()) {
      if (this._t.size[id] === 0) continue;
      const back = this._t.newestBack(id);
      yield { name: this._t.names[id]!, labels: this._t.labels[id]!, t: this._t.timeBack(id, back), v: this._t.valueBack(id, back) };
    }
  }

  /**
   * Retires series that stopped reporting: `window` series whose newest sample
   * is older than `before`, `history` series older than both `before` and
   * `historyBefore` (a snapshot view still in the history may refer to them).
   */
  evictOlderThan(before: number, historyBefore: number = before): number {
    let n = 0;
    const t = this._t;
    const historyLimit = Math.min(before, historyBefore);
    for (const [key, id] of this._index.byKey) {
      const limit = t.depth[id] === 1 ? historyLimit : before;
      if (t.size[id] !== 0 && t.lastT[id]! >= limit) continue;
      this._index.retire(key, id);
      n++;
    }
    return n;
  }
}
