/**
 * @module analyze/slo/counts
 * How many of an engine's requests met one criterion of an SLO, counted from
 * its cumulative counters: the histogram bucket at the largest bound ≤ the
 * target against the `+Inf` bucket (latency criteria), or the failed-request
 * counter against the finished-request counter (errors).
 *
 * A histogram says nothing about requests between two bounds, so a target
 * between bounds counts only the requests under the lower bound as good
 * (conservative: the SLO reads worse, never better, than it is).
 */
import { seriesKey } from '../../core/labels.js';
import type { Labels, Sample } from '../../core/types.js';
import type { SeriesReader } from '../../store/series.js';
import type { FlavorMapping, RateSource } from '../engines/mapping.js';
import type { HistogramMetricName } from '../engines/metrics.js';
import { parseBucketBound } from '../promql/index.js';

export type CriterionKind = 'ttft' | 'tpot' | 'latency' | 'errors';

export interface Criterion {
  readonly kind: CriterionKind;
  /** ms; absent for errors. */
  readonly targetMs?: number;
}

const HISTOGRAM_OF: Readonly<Record<Exclude<CriterionKind, 'errors'>, HistogramMetricName>> = {
  ttft: 'ttft_ms',
  tpot: 'tpot_ms',
  latency: 'request_latency_ms',
};

/** Most series one counter follows: an engine's page is hostile input. */
const MAX_SERIES = 4096;

/**
 * The running increase of a set of counter series since it was first read, as
 * Prometheus's increase() counts it: a drop is a reset, after which the new
 * value itself was gained (promql/functions.go extrapolatedRate). A series
 * seen on the first read is a baseline; one that appears later was created
 * since (a lazily created failure counter, a newly loaded model) and counts
 * from 0.
 */
export class CounterSum {
  private readonly _last = new Map<string, number>();
  private _started = false;
  total = 0;

  /** Feeds the latest value of every series of the set. */
  see(series: readonly Sample[]): void {
    for (const s of series) {
      if (!Number.isFinite(s.v) || s.v < 0) continue;
      const key = seriesKey(s.name, s.labels);
      const prev = this._last.get(key);
      if (prev === undefined) {
        if (this._last.size >= MAX_SERIES) continue;
        if (this._started) this.total += s.v;
      } else {
        this.total += s.v >= prev ? s.v - prev : s.v;
      }
      this._last.set(key, s.v);
    }
    this._started = true;
  }

  /** Forgets the series followed (the set changed meaning), keeping the total so far. */
  rebase(): void {
    this._last.clear();
    this._started = false;
  }
}

/** Bucket bounds equal up to float noise (0.025 s × 1000 ≠ 25 exactly). */
function sameMs(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
}

/** What one criterion reads on one engine. */
export class CriterionCounts {
  readonly good = new CounterSum();
  readonly total = new CounterSum();
  /** Bucket bound (ms) counted as good; undefined before the first read or where there is none ≤ the target. */
  boundMs: number | undefined;
  /** Why this criterion cannot be counted as asked, for status (said once). */
  warning: string | undefined;
  private _family: string | undefined;

  constructor(readonly criterion: Criterion) {}

  /** Reads the engine's counters (series with `match`, i.e. its scrape job) and advances the counts. */
  read(read: SeriesReader, match: Labels, mapping: FlavorMapping): void {
    const c = this.criterion;
    if (c.kind === 'errors') return this._readErrors(read, match, mapping);
    const targetMs = c.targetMs ?? Infinity;
    for (const d of mapping.histograms[HISTOGRAM_OF[c.kind]] ?? []) {
      const buckets = read.latest(`${d.family}_bucket`, match);
      if (buckets.length === 0) continue;
      if (this._family !== undefined && this._family !== d.family) this._rebase();
      this._family = d.family;
      let bound = -Infinity;
      const bounds = new Set<number>();
      for (const b of buckets) {
        const le = parseBucketBound(b.labels['le'] ?? '');
        if (le === undefined || le === Infinity) continue;
        const ms = le * d.scale;
        bounds.add(ms);
        if ((ms <= targetMs || sameMs(ms, targetMs)) && ms > bound) bound = ms;
      }
      const boundMs = bound === -Infinity ? undefined : bound;
      if (this.boundMs !== boundMs && this.boundMs !== undefined) this._rebase();
      this.boundMs = boundMs;
      if (boundMs === undefined) {
        this.warning ??= `${c.kind.toUpperCase()} target ${targetMs} ms is below every bucket bound of the engine's histogram: no request counts as good`;
      } else if (![...bounds].some((b) => sameMs(b, targetMs))) {
        this.warning ??= `${c.kind.toUpperCase()} target ${targetMs} ms is not a bucket bound of the engine's histogram: requests under ${boundMs} ms count as good`;
      }
      const good: Sample[] = [];
      const total: Sample[] = [];
      for (const b of buckets) {
        const le = parseBucketBound(b.labels['le'] ?? '');
        if (le === Infinity) total.push(b);
        else if (boundMs !== undefined && le !== undefined && sameMs(le * d.scale, boundMs)) good.push(b);
      }
      this.good.see(good);
      this.total.see(total);
      return;
    }
    this.warning ??= `the engine exposes no ${HISTOGRAM_OF[c.kind]} histogram`;
  }

  private _readErrors(read: SeriesReader, match: Labels, mapping: FlavorMapping): void {
    for (const d of mapping.scalars.request_error_rate ?? []) {
      if (d.kind !== 'ratio') continue;
      const finished = select(read, d.denominator, match);
      if (finished.length === 0) continue;
      // good = finished − failed: followed as two counters, subtracted when read.
      this.total.see(finished);
      this._failed.see(select(read, d.numerator, match));
      this.good.total = this.total.total - this._failed.total;
      return;
    }
    this.warning ??= 'the engine exposes no failed-request counter';
  }

  private readonly _failed = new CounterSum();

  private _rebase(): void {
    this.good.rebase();
    this.total.rebase();
  }
}

function select(read: SeriesReader, src: RateSource, match: Labels): Sample[] {
  const out: Sample[] = [];
  for (const name of src.series) {
    for (const s of read.latest(name, match)) {
      if (src.where === undefined || src.where.values.includes(s.labels[src.where.label] ?? '')) out.push(s);
    }
  }
  return out;
}

/** The criteria of an SLO rule, in a fixed order. */
export function criteriaOf(r: { ttft_ms?: number | undefined; tpot_ms?: number | undefined; latency_ms?: number | undefined; errors?: boolean | undefined }): Criterion[] {
  const out: Criterion[] = [];
  if (r.ttft_ms !== undefined) out.push({ kind: 'ttft', targetMs: r.ttft_ms });
  if (r.tpot_ms !== undefined) out.push({ kind: 'tpot', targetMs: r.tpot_ms });
  if (r.latency_ms !== undefined) out.push({ kind: 'latency', targetMs: r.latency_ms });
  if (r.errors === true) out.push({ kind: 'errors' });
  return out;
}
