/**
 * @module store/series
 * The hot store: per series, a ring of the most recent samples in typed arrays
 * (no per-sample objects). Bounded twice: `capacity` samples per series and
 * `maxSeries` series; past the latter, new series are dropped and counted.
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

interface Ring {
  readonly name: string;
  readonly labels: Labels;
  readonly t: Float64Array;
  readonly v: Float64Array;
  head: number; // next write position
  size: number;
}

export interface SeriesStoreOptions {
  /** Samples kept per series. */
  capacity: number;
  /** Most series held; new ones past it are dropped (counted in `droppedSeries`). */
  maxSeries: number;
}

export class SeriesStore implements SeriesReader {
  private readonly _byKey = new Map<string, Ring>();
  private readonly _byName = new Map<string, Set<Ring>>();
  private _droppedSamples = 0;
  private _outOfOrder = 0;

  constructor(private readonly _opts: SeriesStoreOptions) {}

  get seriesCount(): number {
    return this._byKey.size;
  }

  /** Samples refused because they were older than their series' newest. */
  get outOfOrderSamples(): number {
    return this._outOfOrder;
  }

  /** Samples refused because the series cap was reached. */
  get droppedSamples(): number {
    return this._droppedSamples;
  }

  append(samples: readonly Sample[]): void {
    for (const s of samples) {
      const key = seriesKey(s.name, s.labels);
      let r = this._byKey.get(key);
      if (r === undefined) {
        if (this._byKey.size >= this._opts.maxSeries) {
          this._droppedSamples++;
          continue;
        }
        const cap = this._opts.capacity;
        r = { name: s.name, labels: s.labels, t: new Float64Array(cap), v: new Float64Array(cap), head: 0, size: 0 };
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
        this._byName.get(r.name)?.delete(r);
        n++;
      }
    }
    return n;
  }
}
