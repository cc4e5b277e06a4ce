/**
 * @module monitor/apiParams
 * Query-string parameters of the read API, checked one by one: each bad value
 * is a 400 naming the parameter, a bounded echo of the value and what was
 * expected. Times follow Prometheus's HTTP API (RFC 3339 or unix seconds,
 * prometheus.io/docs/prometheus/latest/querying/api/#format-overview) plus
 * `now` and `-1h` relative to now; steps are seconds or a duration (`15s`).
 */
import { parseDuration, parseTime } from '../core/duration.js';
import { truncateText } from '../core/preview.js';
import { HttpError } from '../server/index.js';

/** Query strings as fastify parses them: a repeated parameter is an array. */
export type RawQuery = Record<string, unknown>;

/** Label names as Prometheus's data model allows them. */
const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Labels one query may pin (the store's own bound on a query's labels). */
export const MAX_QUERY_LABELS = 64;
/** Longest metric name or match text accepted. */
export const MAX_NAME_CHARS = 1024;

export function badParam(name: string, value: unknown, expected: string): HttpError {
  const shown = typeof value === 'string' ? JSON.stringify(truncateText(value)) : truncateText(JSON.stringify(value) ?? String(value));
  return new HttpError(400, `${name}: got ${shown}; expected ${expected}`);
}

/** Refuses any parameter not in `allowed`, naming it and the ones that are. */
export function onlyParams(q: RawQuery, allowed: readonly string[]): void {
  for (const k of Object.keys(q)) {
    if (!allowed.includes(k)) {
      throw new HttpError(400, `${JSON.stringify(truncateText(k))}: unknown parameter; expected ${allowed.length === 0 ? 'none' : allowed.join(', ')}`);
    }
  }
}

/** A parameter given at most once, as a string; undefined when absent. */
export function single(q: RawQuery, name: string): string | undefined {
  if (!Object.hasOwn(q, name)) return undefined;
  const v = q[name];
  if (typeof v !== 'string') throw badParam(name, v, 'one value (the parameter was repeated)');
  return v;
}

/** The metric name: required, 1 to 1024 characters. */
export function metricParam(q: RawQuery): string {
  const v = single(q, 'metric');
  if (v === undefined || v === '') throw badParam('metric', v ?? null, 'a metric name (e.g. cpu_usage or echo_perf_cpu_usage_ratio)');
  if (v.length > MAX_NAME_CHARS) throw badParam('metric', v, `a metric name of at most ${MAX_NAME_CHARS} characters`);
  return v;
}

/** `label=k=v`, repeatable: exact label values, in an object without a prototype so any name is plain data. */
export function labelParams(q: RawQuery): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  if (!Object.hasOwn(q, 'label')) return out;
  const raw = q['label'];
  const list: unknown[] = Array.isArray(raw) ? raw : [raw];
  if (list.length > MAX_QUERY_LABELS) throw badParam('label', `${list.length} values`, `at most ${MAX_QUERY_LABELS} labels`);
  for (const item of list) {
    if (typeof item !== 'string') throw badParam('label', item, 'name=value');
    const eq = item.indexOf('=');
    if (eq <= 0) throw badParam('label', item, 'name=value (a label name, "=", then its value)');
    const name = item.slice(0, eq);
    const value = item.slice(eq + 1);
    if (!LABEL_NAME.test(name) || name.length > MAX_NAME_CHARS) throw badParam('label', item, 'name=value with a label name matching [A-Za-z_][A-Za-z0-9_]*');
    if (Object.hasOwn(out, name) && out[name] !== value) throw badParam('label', item, `one value per label name (${truncateText(name)} was given twice)`);
    out[name] = value;
  }
  return out;
}

/** `start`/`end`: RFC 3339, unix seconds, `now`, or `-<duration>` before now; undefined when absent. */
export function timeParam(q: RawQuery, name: string, now: number): number | undefined {
  const v = single(q, name);
  if (v === undefined) return undefined;
  const expected = 'an RFC 3339 time, unix seconds, "now" or a duration before now such as "-1h"';
  if (v === 'now') return now;
  if (v.startsWith('-')) {
    const ms = parseDuration(v.slice(1));
    if (ms === undefined) throw badParam(name, v, expected);
    return now - ms;
  }
  const t = parseTime(v);
  if (t === undefined) throw badParam(name, v, expected);
  return t;
}

/** `step`: seconds (fractions allowed, as Prometheus takes them) or a duration; > 0. */
export function stepParam(q: RawQuery): number | undefined {
  const v = single(q, 'step');
  if (v === undefined) return undefined;
  const expected = 'a step > 0: seconds (e.g. 15) or a duration (e.g. 15s, 1m)';
  if (/^\d{1,12}(\.\d{1,9})?$/.test(v)) {
    const ms = Math.round(Number(v) * 1000);
    if (ms <= 0) throw badParam('step', v, expected);
    return ms;
  }
  const ms = parseDuration(v);
  if (ms === undefined) throw badParam('step', v, expected);
  return ms;
}
