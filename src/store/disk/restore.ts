/**
 * @module store/disk/restore
 * What a restart reads back, synchronously at open: the newest samples of
 * each series (to refill the hot tier) and the alerts saved last.
 */
import { decodeChunk } from '../chunks/index.js';
import type { Logger } from '../../core/logger.js';
import { describeError } from '../../core/errors.js';
import type { SeriesDescriptor } from '../persistence.js';
import { stmt, type Db } from './schema.js';
import { descriptorOf, type SeriesRow } from './seriesRows.js';
import { MAX_SPAN_MS } from './tiers.js';
import type { PersistedAlert } from './types.js';

/** Alerts read back at most (the monitor keeps far fewer active). */
export const MAX_ALERTS = 10_000;

export interface RecentSeries {
  descriptor: SeriesDescriptor;
  t: Float64Array;
  v: Float64Array;
}

/** Samples with t > sinceMs, the newest `maxPerSeries` of each series, oldest first. */
export function readRecent(db: Db, sinceMs: number, maxPerSeries: number, logger: Logger): RecentSeries[] {
  const ids = stmt(db, `SELECT DISTINCT series_id FROM chunks_raw WHERE end_t > ? ORDER BY series_id`).all(sinceMs) as { series_id: number }[];
  const out: RecentSeries[] = [];
  for (const { series_id } of ids) {
    const row = stmt(db, `SELECT * FROM series WHERE id = ?`).get(series_id) as SeriesRow | undefined;
    if (row === undefined) continue;
    // Newest chunks first, stopping once enough samples are found.
    const chunks = stmt(db, `SELECT data FROM chunks_raw WHERE series_id = ? AND start_t > ? ORDER BY start_t DESC`).iterate(
      series_id,
      sinceMs - MAX_SPAN_MS.raw,
    ) as IterableIterator<{ data: Uint8Array }>;
    const parts: { t: Float64Array; v: Float64Array }[] = [];
    let n = 0;
    for (const d of readableChunks(chunks, row.key, logger)) {
      let lo = 0;
      while (lo < d.t.length && !(d.t[lo]! > sinceMs)) lo++;
      lo = Math.max(lo, d.t.length - (maxPerSeries - n));
      if (lo >= d.t.length) continue;
      parts.push({ t: d.t.subarray(lo), v: d.columns[0]!.subarray(lo) });
      n += d.t.length - lo;
      if (n >= maxPerSeries) break;
    }
    if (n === 0) continue;
    const t = new Float64Array(n);
    const v = new Float64Array(n);
    let at = 0;
    for (let i = parts.length - 1; i >= 0; i--) {
      t.set(parts[i]!.t, at);
      v.set(parts[i]!.v, at);
      at += parts[i]!.t.length;
    }
    out.push({ descriptor: descriptorOf(row), t, v });
  }
  return out;
}

/** One window of the raw tier: every series' samples in (since, until], oldest first. */
export interface RawWindow {
  series: RecentSeries[];
  /** Every stored sample at or before it (and after `since`) is in `series`; Infinity once the tier is read to its end. */
  until: number;
}

/**
 * Samples after `sinceMs` in one time window holding about `maxSamples`
 * (at least one per series), so a long backlog is read in bounded steps,
 * oldest first: each series gives its oldest `maxSamples / series` samples and
 * the window ends at the earliest last one of a series cut short.
 */
export function readWindow(db: Db, sinceMs: number, maxSamples: number, logger: Logger): RawWindow {
  const ids = stmt(db, `SELECT DISTINCT series_id FROM chunks_raw WHERE end_t > ? ORDER BY series_id`).all(sinceMs) as { series_id: number }[];
  const per = Math.max(1, Math.floor(maxSamples / Math.max(1, ids.length)));
  const got: { row: SeriesRow; t: Float64Array; v: Float64Array }[] = [];
  let until = Infinity;
  for (const { series_id } of ids) {
    const row = stmt(db, `SELECT * FROM series WHERE id = ?`).get(series_id) as SeriesRow | undefined;
    if (row === undefined) continue;
    const chunks = stmt(db, `SELECT data FROM chunks_raw WHERE series_id = ? AND start_t > ? AND end_t > ? ORDER BY start_t`).iterate(
      series_id,
      sinceMs - MAX_SPAN_MS.raw,
      sinceMs,
    ) as IterableIterator<{ data: Uint8Array }>;
    const t = new Float64Array(per);
    const v = new Float64Array(per);
    let n = 0;
    for (const d of readableChunks(chunks, row.key, logger)) {
      for (let i = 0; i < d.t.length && n < per; i++) {
        if (!(d.t[i]! > sinceMs)) continue;
        t[n] = d.t[i]!;
        v[n++] = d.columns[0]![i]!;
      }
      if (n >= per) break;
    }
    if (n === 0) continue;
    // Cut short: its next samples are later than this one, so the window ends here for every series.
    if (n === per && t[n - 1]! < until) until = t[n - 1]!;
    got.push({ row, t: t.subarray(0, n), v: v.subarray(0, n) });
  }
  const series: RecentSeries[] = [];
  for (const g of got) {
    let n = g.t.length;
    while (n > 0 && g.t[n - 1]! > until) n--;
    if (n > 0) series.push({ descriptor: descriptorOf(g.row), t: g.t.subarray(0, n), v: g.v.subarray(0, n) });
  }
  return { series, until };
}

/** The alert set written by the last flush before the previous stop or crash. */
export function readAlerts(db: Db, logger: Logger): PersistedAlert[] {
  const rows = stmt(db, `SELECT fingerprint, record FROM alerts ORDER BY fingerprint LIMIT ${MAX_ALERTS}`).all() as {
    fingerprint: string;
    record: string;
  }[];
  const out: PersistedAlert[] = [];
  for (const r of rows) {
    try {
      out.push({ fingerprint: r.fingerprint, record: JSON.parse(r.record) as unknown });
    } catch (e) {
      logger.warn(`store: skipping saved alert ${r.fingerprint.slice(0, 100)}: its record is not JSON (${describeError(e)})`);
    }
  }
  return out;
}

/** Rows read back per namespace at most (as many as one may save). */
export const MAX_STATE_ROWS_READ = 100_000;

/** The analysis state written by the last flush, by namespace: [key, parsed JSON] pairs. Unreadable rows are skipped. */
export function readState(db: Db, logger: Logger): Map<string, [string, unknown][]> {
  const out = new Map<string, [string, unknown][]>();
  const rows = stmt(db, `SELECT namespace, key, value FROM state ORDER BY namespace, key LIMIT ${16 * MAX_STATE_ROWS_READ}`).iterate() as IterableIterator<{
    namespace: string;
    key: string;
    value: string;
  }>;
  for (const r of rows) {
    let l = out.get(r.namespace);
    if (l === undefined) out.set(r.namespace, (l = []));
    if (l.length >= MAX_STATE_ROWS_READ) continue;
    try {
      l.push([r.key, JSON.parse(r.value) as unknown]);
    } catch (e) {
      logger.warn(`store: skipping saved state ${r.namespace.slice(0, 64)}/${r.key.slice(0, 100)}: not JSON (${describeError(e)})`);
    }
  }
  return out;
}

/** The chunks decoded, in the given order; an unreadable one is logged and skipped. */
function* readableChunks(chunks: Iterable<{ data: Uint8Array }>, key: string, logger: Logger): IterableIterator<ReturnType<typeof decodeChunk>> {
  for (const c of chunks) {
    try {
      yield decodeChunk(c.data);
    } catch (e) {
      logger.warn(`store: skipping an unreadable chunk of ${key}: ${describeError(e)}`);
    }
  }
}
