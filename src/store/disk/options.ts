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
    s = typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
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
