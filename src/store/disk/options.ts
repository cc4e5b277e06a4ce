/**
 * @module store/disk/options
 * Checks of what callers hand the persistent tier: options at open and the
 * alert set to save. Errors name the field, the value and what was expected.
 */
import { EchoPerfError } from '../../core/errors.js';
import type { DiskStoreOptions, PersistedAlert } from './types.js';

export const DEFAULT_FLUSH_INTERVAL_MS = 5000;
/** Alerts saved at most, and the size of one alert's JSON. */
export const MAX_SAVED_ALERTS = 10_000;
export const MAX_ALERT_JSON = 256 * 1024;

function show(v: unknown): string {
  let s: string;
  try {
    // JSON would show NaN and ±Infinity as null.
    s = typeof v === 'number' ? String(v) : (JSON.stringify(v) ?? String(v));
  } catch {
    s = String(v);
  }
  return s.length > 100 ? `${s.slice(0, 100)}…` : s;
}

function bad(field: string, value: unknown, expected: string): EchoPerfError {
  return new EchoPerfError('EP_ERR_ARGUMENT', `${field}: got ${show(value)}; expected ${expected}`, {
    details: [{ path: field, value: show(value), expected }],
  });
}

type Checked = Required<Omit<DiskStoreOptions, 'onHealth'>> & Pick<DiskStoreOptions, 'onHealth'>;

export function checkOptions(o: DiskStoreOptions): Checked {
  if (typeof o.dataDir !== 'string' || o.dataDir === '' || o.dataDir.includes('\0')) {
    throw bad('storage.data_dir', o.dataDir, 'a directory path');
  }
  const flush = o.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
  if (typeof flush !== 'number' || !(flush >= 10 && flush <= 3_600_000)) {
    throw bad('storage.flush_interval', flush, 'a flush interval in ms between 10 and 3600000');
  }
  const r = o.retention as unknown as Record<string, unknown> | undefined;
  for (const [k, name] of [
    ['rawMs', 'raw'],
    ['minuteMs', 'minute'],
    ['hourMs', 'hour'],
  ] as const) {
    const v = r?.[k];
    if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) throw bad(`storage.retention.${name}`, v, 'a retention in ms > 0');
  }
  const max = o.maxPendingSamples;
  if (!Number.isInteger(max) || max < 1 || max > 100_000_000) {
    throw bad('storage.max_pending_samples', max, 'an integer between 1 and 100000000');
  }
  const out: Checked = { ...o, flushIntervalMs: flush };
  return out;
}

/** The alert set as [fingerprint, JSON] pairs, checked. */
export function checkAlerts(active: readonly PersistedAlert[]): [string, string][] {
  if (!Array.isArray(active)) throw bad('alerts', active, 'an array of {fingerprint, record}');
  if (active.length > MAX_SAVED_ALERTS) throw bad('alerts.length', active.length, `at most ${MAX_SAVED_ALERTS} alerts`);
  const out: [string, string][] = [];
  for (let i = 0; i < active.length; i++) {
    const a = active[i] as Partial<PersistedAlert> | undefined;
    const fp = a?.fingerprint;
    if (typeof fp !== 'string' || fp === '' || fp.length > 512) throw bad(`alerts[${i}].fingerprint`, fp, 'a string of 1 to 512 characters');
    let json: string | undefined;
    try {
      json = JSON.stringify(a?.record);
    } catch (e) {
      throw bad(`alerts[${i}].record`, String(e), 'a JSON-serialisable value');
    }
    if (json === undefined) throw bad(`alerts[${i}].record`, a?.record, 'a JSON-serialisable value');
    if (json.length > MAX_ALERT_JSON) throw bad(`alerts[${i}].record`, `${json.length} characters of JSON`, `at most ${MAX_ALERT_JSON}`);
    out.push([fp, json]);
  }
  return out;
}

/** Alert events waiting for a commit at most (on each side of the writer thread); past it the oldest are dropped and counted. */
export const MAX_PENDING_ALERT_EVENTS = 10_000;

/** An alert event as the monitor hands it: the incident record at time `t`. */
export interface AlertEventInput {
  /** When the event happened (ms since the epoch). */
  t: number;
  /** The incident record (a PerformanceAlert), with `id`, `fingerprint` and `status`. */
  record: unknown;
}

/** One alert event as the row the writer appends, checked. */
export function checkAlertEvent(e: AlertEventInput): [number, string, string, string, string] {
  const t = e?.t;
  if (typeof t !== 'number' || !Number.isFinite(t) || t < 0 || t >= 2 ** 53) throw bad('alertEvent.t', t, 'ms since the epoch');
  const r = (typeof e.record === 'object' && e.record !== null ? e.record : {}) as Record<string, unknown>;
  const id = r['id'];
  if (typeof id !== 'string' || id === '' || id.length > 512) throw bad('alertEvent.record.id', id, 'a string of 1 to 512 characters');
  const fp = r['fingerprint'];
  if (typeof fp !== 'string' || fp === '' || fp.length > 512) throw bad('alertEvent.record.fingerprint', fp, 'a string of 1 to 512 characters');
  const status = r['status'];
  if (status !== 'firing' && status !== 'resolved') throw bad('alertEvent.record.status', status, '"firing" or "resolved"');
  let json: string | undefined;
  try {
    json = JSON.stringify(e.record);
  } catch (err) {
    throw bad('alertEvent.record', String(err), 'a JSON-serialisable value');
  }
  if (json === undefined) throw bad('alertEvent.record', e.record, 'a JSON-serialisable value');
  if (json.length > MAX_ALERT_JSON) throw bad('alertEvent.record', `${json.length} characters of JSON`, `at most ${MAX_ALERT_JSON}`);
  return [t, id, fp, status, json];
}

/** State namespaces at most, rows per namespace, and the size of one row's JSON. */
export const MAX_STATE_NAMESPACES = 16;
export const MAX_STATE_ROWS = 100_000;
export const MAX_STATE_JSON = 256 * 1024;
const NAMESPACE = /^[a-z][a-z0-9_]{0,63}$/;

/** A namespace's state as [key, JSON] pairs, checked. */
export function checkState(namespace: string, entries: readonly (readonly [string, unknown])[]): [string, string][] {
  if (typeof namespace !== 'string' || !NAMESPACE.test(namespace)) throw bad('namespace', namespace, 'a name of lowercase letters, digits and _ (at most 64), such as "silences"');
  if (!Array.isArray(entries)) throw bad(`state.${namespace}`, entries, 'an array of [key, value] pairs');
  if (entries.length > MAX_STATE_ROWS) throw bad(`state.${namespace}.length`, entries.length, `at most ${MAX_STATE_ROWS} entries`);
  const out: [string, string][] = [];
  const seen = new Set<string>();
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i] as unknown;
    const key = Array.isArray(e) ? (e[0] as unknown) : undefined;
    if (typeof key !== 'string' || key === '' || key.length > 512) throw bad(`state.${namespace}[${i}][0]`, key, 'a key of 1 to 512 characters');
    if (seen.has(key)) throw bad(`state.${namespace}[${i}][0]`, key, 'keys that differ');
    seen.add(key);
    let json: string | undefined;
    try {
      json = JSON.stringify((e as unknown[])[1]);
    } catch (err) {
      throw bad(`state.${namespace}[${i}][1]`, String(err), 'a JSON-serialisable value');
    }
    if (json === undefined) throw bad(`state.${namespace}[${i}][1]`, (e as unknown[])[1], 'a JSON-serialisable value');
    if (json.length > MAX_STATE_JSON) throw bad(`state.${namespace}[${i}][1]`, `${json.length} characters of JSON`, `at most ${MAX_STATE_JSON}`);
    out.push([key, json]);
  }
  return out;
}
