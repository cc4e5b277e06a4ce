/**
 * @module store/disk/query
 * Range reads over the stored tiers, shared by the writer thread (agent) and
 * read-only readers. Results are typed arrays per series, so the writer can
 * hand them to the main thread by transfer.
 */
import { EchoPerfError } from '../../core/errors.js';
import { matchesLabels } from '../../core/labels.js';
import type { Labels } from '../../core/types.js';
import type { DecodedChunkCache } from './chunkCache.js';
import { readState } from './rollup.js';
import { stmt, type Db } from './schema.js';
import { Points, chunksBetween, parseLabels } from './seriesRows.js';
import { LOOKBACK_MS, instantValues, MAX_STEPS } from '../steps.js';
import { PERIOD_MS, tierFor } from './tiers.js';
import type { QueryResult, RetentionMs, StoreQuery, Tier } from './types.js';

/** Prometheus refuses range queries of more than 11,000 points per series; so do we. */
/** Series one query may match. */
export const MAX_QUERY_SERIES = 10_000;
/** Points one query may return in all (about 32 MB of float64 columns). */
export const MAX_QUERY_POINTS = 2_000_000;

export interface ColumnSeries {
  labels: Labels;
  t: Float64Array;
  v: Float64Array;
}

export interface ColumnResult {
  tier: Tier;
  series: ColumnSeries[];
}

const cut = (v: unknown): string => {
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 100 ? `${s.slice(0, 100)}…` : s;
};

function bad(field: string, value: unknown, expected: string): EchoPerfError {
  return new EchoPerfError('EP_ERR_ARGUMENT', `query.${field}: got ${cut(value)}; expected ${expected}`, {
    details: [{ path: `query.${field}`, value: cut(value), expected }],
  });
}

/** Checks a query from any caller (CLI, HTTP, library) and returns a clean copy. */
export function validateQuery(q: unknown): StoreQuery {
  if (typeof q !== 'object' || q === null) throw bad('', q, 'an object {name, labels?, start, end, step?}');
  const o = q as Record<string, unknown>;
  if (typeof o['name'] !== 'string' || o['name'] === '' || o['name'].length > 1024) {
    throw bad('name', o['name'], 'a metric name (1 to 1024 characters)');
  }
  const labels: Record<string, string> = {};
  if (o['labels'] !== undefined) {
    const l = o['labels'];
    if (typeof l !== 'object' || l === null || Array.isArray(l)) throw bad('labels', l, 'an object of label name to string value');
    const keys = Object.keys(l);
    if (keys.length > 64) throw bad('labels', l, 'at most 64 labels');
    for (const k of keys) {
      const v = (l as Record<string, unknown>)[k];
      if (typeof v !== 'string') throw bad(`labels.${k}`, v, 'a string');
      Object.defineProperty(labels, k, { value: v, enumerable: true, writable: true, configurable: true });
    }
  }
  const num = (f: string): number => {
    const v = o[f];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(f, v, 'a finite number of ms since the epoch');
    return v;
  };
  const start = num('start');
  const end = num('end');
  if (end < start) throw bad('end', end, `a time at or after start (${start})`);
  const out: StoreQuery = { name: o['name'], labels, start, end };
  if (o['step'] !== undefined) {
    const step = o['step'];
    if (typeof step !== 'number' || !Number.isFinite(step) || step <= 0) throw bad('step', step, 'a number of ms > 0');
    if ((end - start) / step + 1 > MAX_STEPS) {
      throw bad('step', step, `at least ${Math.ceil((end - start) / (MAX_STEPS - 1))} ms for this range (at most ${MAX_STEPS} points per series)`);
    }
    out.step = step;
  }
  return out;
}

interface IdRow {
  id: number;
  labels: string;
}

/** Runs a validated query against `db` as of `now` (which picks the tier); `cache` keeps decoded chunks between calls. */
export function runQuery(db: Db, q: StoreQuery, now: number, retention: RetentionMs, cache?: DecodedChunkCache): ColumnResult {
  const tier = tierFor(q.start, now, retention);
  const rows = stmt(db, `SELECT id, labels FROM series WHERE name = ? ORDER BY id`).all(q.name) as IdRow[];
  const series: ColumnSeries[] = [];
  const budget = { points: MAX_QUERY_POINTS };
  for (const row of rows) {
    const labels = parseLabels(row.labels);
    if (!matchesLabels(labels, q.labels)) continue;
    if (series.length >= MAX_QUERY_SERIES) {
      throw bad('labels', q.labels, `a selection of at most ${MAX_QUERY_SERIES} series of ${q.name} (more match)`);
    }
    const p = tier === 'raw' ? rawPoints(db, row.id, q, cache) : rollupPoints(db, tier, row.id, q, cache);
    if (p.n === 0) continue;
    budget.points -= p.n;
    if (budget.points < 0) {
      throw bad(q.step === undefined ? 'end' : 'step', q.step ?? q.end, `a range or step giving at most ${MAX_QUERY_POINTS} points in all`);
    }
    series.push({ labels, ...p.trimmed() });
  }
  return { tier, series };
}

function rawPoints(db: Db, id: number, q: StoreQuery, cache: DecodedChunkCache | undefined): Points {
  const from = q.step === undefined ? q.start : q.start - LOOKBACK_MS;
  const out = new Points();
  const chunks = chunksBetween(db, 'raw', id, from, q.end, cache);
  if (q.step === undefined) {
    for (const c of chunks) {
      const v = c.columns[0]!;
      for (let i = 0; i < c.t.length; i++) if (c.t[i]! >= from && c.t[i]! <= q.end) out.push(c.t[i]!, v[i]!);
    }
    return out;
  }
  // The chunks' points as one run, read at each step as Prometheus's lookback reads a series.
  let n = 0;
  for (const c of chunks) n += c.t.length;
  const t = new Float64Array(n);
  const v = new Float64Array(n);
  let k = 0;
  for (const c of chunks) {
    t.set(c.t, k);
    v.set(c.columns[0]!, k);
    k += c.t.length;
  }
  instantValues(t, v, q.start, q.end, q.step, (at, value) => out.push(at, value));
  return out;
}

/** Buckets of a rollup tier in [from, to], oldest first, the still-open one last: `fn(start, sum, count, min, max)`. */
function eachBucket(
  db: Db,
  tier: 'minute' | 'hour',
  id: number,
  from: number,
  to: number,
  cache: DecodedChunkCache | undefined,
  fn: (t: number, sum: number, count: number, min: number, max: number) => void,
): void {
  let last = -Infinity;
  for (const c of chunksBetween(db, tier, id, from, to, cache)) {
    const min = c.columns[0]!;
    const max = c.columns[1]!;
    const sum = c.columns[2]!;
    const count = c.columns[3]!;
    for (let i = 0; i < c.t.length; i++) {
      const t = c.t[i]!;
      if (t < from || t > to) continue;
      fn(t, sum[i]!, count[i]!, min[i]!, max[i]!);
      last = t;
    }
  }
  const open = stmt(db, `SELECT start_t, state FROM rollup_open WHERE series_id = ? AND tier = ?`).get(id, tier) as
    | { start_t: number; state: Uint8Array }
    | undefined;
  if (open !== undefined && open.start_t >= from && open.start_t <= to && open.start_t > last) {
    const [min, max, sum, count] = readState(open.state);
    if (count > 0) fn(open.start_t, sum, count, min, max);
  }
}

/** One series' buckets as `[start, min, max]`. */
export interface BandSeries {
  labels: Labels;
  bands: [number, number, number][];
}

/**
 * The lowest and highest sample of each stored bucket of `q`'s series, when the
 * range falls in a rollup tier (none for raw: its points are the samples).
 * Bounded as `runQuery` is: MAX_QUERY_SERIES series, MAX_QUERY_POINTS buckets.
 */
export function runBands(db: Db, q: StoreQuery, now: number, retention: RetentionMs, cache?: DecodedChunkCache): { tier: Tier; series: BandSeries[] } {
  const tier = tierFor(q.start, now, retention);
  if (tier === 'raw') return { tier, series: [] };
  const rows = stmt(db, `SELECT id, labels FROM series WHERE name = ? ORDER BY id`).all(q.name) as IdRow[];
  const series: BandSeries[] = [];
  let budget = MAX_QUERY_POINTS;
  for (const row of rows) {
    const labels = parseLabels(row.labels);
    if (!matchesLabels(labels, q.labels)) continue;
    if (series.length >= MAX_QUERY_SERIES) throw bad('labels', q.labels, `a selection of at most ${MAX_QUERY_SERIES} series of ${q.name} (more match)`);
    const bands: [number, number, number][] = [];
    eachBucket(db, tier, row.id, q.start, q.end, cache, (t, _sum, _count, min, max) => void bands.push([t, min, max]));
    budget -= bands.length;
    if (budget < 0) throw bad('end', q.end, `a range giving at most ${MAX_QUERY_POINTS} buckets in all`);
    if (bands.length > 0) series.push({ labels, bands });
  }
  return { tier, series };
}

function rollupPoints(db: Db, tier: 'minute' | 'hour', id: number, q: StoreQuery, cache: DecodedChunkCache | undefined): Points {
  const out = new Points();
  if (q.step === undefined) {
    eachBucket(db, tier, id, q.start, q.end, cache, (t, sum, count) => out.push(t, sum / count));
    return out;
  }
  // Each step's point is the mean of the buckets starting in [T - w, T): sum of sums over sum of counts.
  const step = q.step;
  const w = Math.max(step, PERIOD_MS[tier]);
  const starts = new Points();
  const sums = new Points();
  eachBucket(db, tier, id, q.start - w, q.end, cache, (t, sum, count) => {
    starts.push(t, 0);
    sums.push(sum, count);
  });
  let lo = 0;
  for (let T = q.start; T <= q.end; T += step) {
    while (lo < starts.n && starts.t[lo]! < T - w) lo++;
    let sum = 0;
    let count = 0;
    for (let i = lo; i < starts.n && starts.t[i]! < T; i++) {
      sum += sums.t[i]!;
      count += sums.v[i]!;
    }
    if (count > 0) out.push(T, sum / count);
  }
  return out;
}

/** Pairs for callers that want `[t, v]` points. */
export function toPoints(r: ColumnResult): QueryResult {
  return { tier: r.tier, series: r.series.map((s) => ({ labels: s.labels, points: pairs(s, 0, s.t.length, new Array<[number, number]>(s.t.length)) })) };
}

/** Points converted per slice before the event loop gets a turn (a few ms of work). */
export const POINTS_PER_SLICE = 50_000;

/** `toPoints` in slices, yielding between them: a big answer never holds the event loop for long. */
export async function toPointsAsync(r: ColumnResult): Promise<QueryResult> {
  const out: QueryResult = { tier: r.tier, series: [] };
  let budget = POINTS_PER_SLICE;
  for (const s of r.series) {
    const points = new Array<[number, number]>(s.t.length);
    for (let i = 0; i < s.t.length; ) {
      const end = Math.min(s.t.length, i + budget);
      pairs(s, i, end, points);
      budget -= end - i;
      i = end;
      if (budget <= 0) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        budget = POINTS_PER_SLICE;
      }
    }
    out.series.push({ labels: s.labels, points });
  }
  return out;
}

function pairs(s: ColumnSeries, from: number, to: number, out: [number, number][]): [number, number][] {
  for (let i = from; i < to; i++) out[i] = [s.t[i]!, s.v[i]!];
  return out;
}
