/**
 * @module store/series
 * The hot store: per series, a ring of the most recent samples in typed arrays
 * (no per-sample objects). Bounded twice: `capacity` samples per series and
 * `maxSeries` series; past the latter, new series are dropped and counted.
 * External samples (scrape targets) may create series only up to
 * `maxSeries - reservedSeries`, so a target serving too many series can never
 * crowd out the agent's own (collectors, derived series, self-metrics).
 */
import { matchesLabels, seriesKey } from '../core/labels.js';
import type { Labels, Sample } from '../core/types.js';

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

/** Who a sample comes from: the agent itself, or a peer it scrapes or receives data from. */
export type SeriesOrigin = 'own' | 'external';

interface Ring {
  readonly name: string;
  readonly origin: SeriesOrigin;
  readonly labels: Labels;
  readonly t: Float64Array;
  readonly v: Float64Array;
  head: number; // next write position
  size: number;
}

export interface SeriesStoreOptions {
  /** Samples kept per series. */
  capacity: number;
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
  private readonly _byKey = new Map<string, Ring>();
  private readonly _byName = new Map<string, Set<Ring>>();
  private readonly _dropped = { own: 0, external: 0 };
  private _outOfOrder = 0;
  private _externalSeries = 0;
  private readonly _maxSeries: number;
  private readonly _maxExternal: number;

  constructor(private readonly _opts: SeriesStoreOptions) {
    this._maxSeries = _opts.maxSeries;
    const reserved = Math.min(_opts.reservedSeries ?? defaultReservedSeries(_opts.maxSeries), _opts.maxSeries);
    this._maxExternal = _opts.maxSeries - reserved;
  }

  get seriesCount(): number {
    return this._byKey.size;
  }

  /** Samples refused because they were older than their series' newest. */
  get outOfOrderSamples(): number {
    return this._outOfOrder;
  }

  /** Series created by external samples (at most `maxSeries - reservedSeries`). */
  get externalSeriesCount(): number {
    return this._externalSeries;
  }

  /** Samples refused because the series cap (or, for external samples, the external budget) was reached. */
  get droppedSamples(): number {
    return this._dropped.own + this._dropped.external;
  }

  /** The same count per origin. */
  droppedSamplesOf(origin: SeriesOrigin): number {
    return this._dropped[origin];
  }

  /**
   * Adds samples. `origin` 'external' (scraped or received data) may create new
   * series only within the external budget; 'own' may use all of `maxSeries`.
   * Either may append to a series that exists.
   */
  append(samples: readonly Sample[], origin: SeriesOrigin = 'own'): void {
    const external = origin === 'external';
    for (const s of samples) {
      const key = seriesKey(s.name, s.labels);
      let r = this._byKey.get(key);
      if (r === undefined) {
        if (this._byKey.size >= this._maxSeries || (external && this._externalSeries >= this._maxExternal)) {
          this._dropped[origin]++;
          continue;
        }
        const cap = this._opts.capacity;
        r = { name: s.name, origin, labels: s.labels, t: new Float64Array(cap), v: new Float64Array(cap), head: 0, size: 0 };
        if (external) this._externalSeries++;
        this._byKey.set(key, r);
        let set = this._byName.get(s.name);
        if (set === undefined) this._byName.set(s.name, (set = new Set()));
        set.add(r);
      }
      const cap = r.t.length;
      if (r.size > 0) {
        // One sample per timestamp, in time order (as Prometheus's TSDB): a held value
        // re-reported with its original time (pushed, pulled data) is not a new point.
        const last = r.t[(r.head - 1 + cap) % cap]!;
        if (s.t <= last) {
          if (s.t < last) this._outOfOrder++;
          continue;
        }
      }
      r.t[r.head] = s.t;
      r.v[r.head] = s.v;
      r.head = (r.head + 1) % cap;
      if (r.size < cap) r.size++;
    }
  }

  /** The newest sample of every series named `name` whose labels include `match`. */
  latest(name: string, match?: Labels): Sample[] {
    const out: Sample[] = [];
    const set = this._byName.get(name);
    if (set === undefined) return out;
    for (const r of set) {
      if (r.size === 0 || !matchesLabels(r.labels, match)) continue;
      const i = (r.head - 1 + r.t.length) % r.t.length;
      out.push({ name: r.name, labels: r.labels, t: r.t[i]!, v: r.v[i]! });
    }
    return out;
  }

  /** Samples with from <= t <= to, oldest first, series after series. */
  range(name: string, match: Labels | undefined, from: number, to: number): Sample[] {
    const out: Sample[] = [];
    const set = this._byName.get(name);
    if (set === undefined) return out;
    for (const r of set) {
      if (!matchesLabels(r.labels, match)) continue;
      const cap = r.t.length;
      for (let k = 0; k < r.size; k++) {
        const i = (r.head - r.size + k + cap) % cap;
        const t = r.t[i]!;
        if (t >= from && t <= to) out.push({ name: r.name, labels: r.labels, t, v: r.v[i]! });
      }
    }
    return out;
  }

  rangeSeries(name: string, match: Labels | undefined, from: number, to: number): SeriesPoints[] {
    const out: SeriesPoints[] = [];
    const set = this._byName.get(name);
    if (set === undefined) return out;
    for (const r of set) {
      if (!matchesLabels(r.labels, match)) continue;
      const cap = r.t.length;
      const points: { t: number; v: number }[] = [];
      for (let k = 0; k < r.size; k++) {
        const i = (r.head - r.size + k + cap) % cap;
        const t = r.t[i]!;
        if (t >= from && t <= to) points.push({ t, v: r.v[i]! });
      }
      if (points.length > 0) out.push({ labels: r.labels, points });
    }
    return out;
  }

  /** Every series' newest sample (for /metrics and snapshots). */
  *latestAll(): IterableIterator<Sample> {
    for (const r of this._byKey.values()) {
      if (r.size === 0) continue;
      const i = (r.head - 1 + r.t.length) % r.t.length;
      yield { name: r.name, labels: r.labels, t: r.t[i]!, v: r.v[i]! };
    }
  }

  /** Removes series whose newest sample is older than `before` (series that stopped reporting). */
  evictOlderThan(before: number): number {
    let n = 0;
    for (const [key, r] of this._byKey) {
      const i = (r.head - 1 + r.t.length) % r.t.length;
      if (r.size === 0 || r.t[i]! < before) {
        this._byKey.delete(key);
        const set = this._byName.get(r.name);
        set?.delete(r);
        if (set?.size === 0) this._byName.delete(r.name);
        if (r.origin === 'external') this._externalSeries--;
        n++;
      }
    }
    return n;
  }
}
