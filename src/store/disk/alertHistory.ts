/**
 * @module store/disk/alertHistory
 * Reads of the `alert_events` table: the alert events of a time range, and
 * the incidents open across a moment (fired before it, resolved after it).
 * Rows whose record is not JSON are skipped: the file is hostile until read.
 */
import { EchoPerfError } from '../../core/errors.js';
import { stmt, type Db } from './schema.js';
import type { StoredAlertEvent } from './types.js';

/** Events one read returns at most. */
export const MAX_ALERT_EVENTS_READ = 100_000;

type Row = { t: number; id: string; fingerprint: string; status: string; record: string };

/** ±Infinity is a valid open bound (SQLite compares it with INTEGER columns as expected); NaN is not. */
function time(field: string, v: unknown): number {
  if (typeof v !== 'number' || Number.isNaN(v)) {
    throw new EchoPerfError('EP_ERR_ARGUMENT', `alertEvents ${field}: got ${String(v).slice(0, 100)}; expected ms since the epoch`);
  }
  return v;
}

function checkLimit(limit: unknown): number {
  if (!Number.isInteger(limit) || (limit as number) < 1 || (limit as number) > MAX_ALERT_EVENTS_READ) {
    throw new EchoPerfError('EP_ERR_ARGUMENT', `alertEvents limit: got ${String(limit).slice(0, 100)}; expected an integer in [1, ${MAX_ALERT_EVENTS_READ}]`);
  }
  return limit as number;
}

function parse(rows: Iterable<Row>): StoredAlertEvent[] {
  const out: StoredAlertEvent[] = [];
  for (const r of rows) {
    let record: unknown;
    try {
      record = JSON.parse(r.record) as unknown;
    } catch {
      continue;
    }
    out.push({ t: r.t, id: r.id, fingerprint: r.fingerprint, status: r.status, record });
  }
  return out;
}

/** Events with from <= t <= to, oldest first, at most `limit` (the oldest ones). */
export function readAlertEvents(db: Db, from: number, to: number, limit: number): StoredAlertEvent[] {
  const lo = time('from', from);
  const hi = time('to', to);
  const n = checkLimit(limit);
  const rows = stmt(db, `SELECT t, id, fingerprint, status, record FROM alert_events WHERE t >= ? AND t <= ? ORDER BY t, seq LIMIT ?`).all(lo, hi, n) as Row[];
  return parse(rows);
}

/**
 * The resolved events after `at` of incidents that started at or before it:
 * those open across `at`, whose firing event may be older than any range read.
 */
export function readResolvedAcross(db: Db, at: number, limit: number): StoredAlertEvent[] {
  const t = time('at', at);
  const n = checkLimit(limit);
  const rows = stmt(
    db,
    `SELECT t, id, fingerprint, status, record FROM alert_events
     WHERE t > ? AND status = 'resolved' AND json_valid(record) AND json_extract(record, '$.timestamp') <= ? ORDER BY t, seq LIMIT ?`,
  ).all(t, t, n) as Row[];
  return parse(rows);
}
