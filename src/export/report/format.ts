/**
 * @module export/report/format
 * Numbers, times and label sets as the report's tables and charts print them.
 */
import type { Labels } from '../../core/types.js';

/** Up to 4 significant digits, thousands separated, without exponent for everyday magnitudes. */
export function fmt(v: number | undefined): string {
  if (v === undefined || Number.isNaN(v)) return '–';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e12)) return v.toExponential(3);
  return Number(v.toPrecision(4)).toLocaleString('en-US', { maximumFractionDigits: 6 });
}

export function withUnit(v: number | undefined, unit: string | undefined): string {
  return unit === undefined || unit === '' ? fmt(v) : `${fmt(v)} ${unit}`;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** `12m 5s`, `3h 2m`, `2d 4h`: two units at most. */
export function span(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d > 0) return h > 0 ? `${d}d ${h}h` : `${d}d`;
  if (h > 0) return m > 0 ? `${h}h ${m}m` : `${h}h`;
  if (m > 0) return sec > 0 ? `${m}m ${sec}s` : `${m}m`;
  return `${sec}s`;
}

/** `{k="v", …}` in label-name order, or '' for none; values as JSON strings so quotes stay visible. */
export function labelSet(l: Labels): string {
  const keys = Object.keys(l).sort();
  return keys.length === 0 ? '' : `{${keys.map((k) => `${k}=${JSON.stringify(l[k])}`).join(', ')}}`;
}
