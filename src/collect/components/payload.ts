/**
 * @module collect/components/payload
 * Reads what a component sends (pushed or pulled): JSON `{ "metric": value, ...,
 * "timestamp"?, "labels"? }` or Prometheus text. Either every field is valid or
 * nothing is taken, and every bad field is named with its value and what was
 * expected.
 */
import { rangeExpectation } from '../../core/components.js';
import { EchoPerfError } from '../../core/errors.js';
import { parseExposition } from '../../core/exposition/index.js';
import { LABEL_NAME_RE, METRIC_NAME_RE } from '../../core/labels.js';
import type { Sample } from '../../core/types.js';
import { expandHierarchy } from './hierarchy.js';

export interface FieldError {
  field: string;
  value: unknown;
  expected: string;
}

export type PayloadResult = { ok: true; samples: Sample[] } | { ok: false; errors: FieldError[] };

export interface PayloadLimits {
  maxSamples: number;
}

/** Unix seconds (what Python's time.time() gives) or milliseconds → ms. */
function toMs(ts: number): number {
  return ts < 1e11 ? ts * 1000 : ts;
}

export function parseComponentPayload(component: string, body: string, contentType: string, now: number, limits: PayloadLimits): PayloadResult {
  const ct = contentType.toLowerCase();
  if (ct.includes('text/plain') || ct.includes('openmetrics')) return fromExposition(component, body, contentType, now, limits);
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (e) {
    return { ok: false, errors: [{ field: '(body)', value: body.slice(0, 80), expected: `valid JSON: ${(e as Error).message}` }] };
  }
  return fromJson(component, json, now, limits);
}

export function fromJson(component: string, json: unknown, now: number, limits: PayloadLimits): PayloadResult {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    return { ok: false, errors: [{ field: '(body)', value: json, expected: 'a JSON object {"metric": number, ...}' }] };
  }
  const errors: FieldError[] = [];
  const expanded = expandHierarchy(component, json);
  errors.push(...expanded.problems);
  const obj = expanded.result as Record<string, unknown>;
  let t = now;
  if ('timestamp' in obj) {
    const ts = obj['timestamp'];
    if (typeof ts !== 'number' || !Number.isFinite(ts) || ts <= 0) errors.push({ field: 'timestamp', value: ts, expected: 'unix time in seconds or milliseconds' });
    else t = toMs(ts);
  }
  const labels: Record<string, string> = {};
  if ('labels' in obj) {
    const l = obj['labels'];
    if (l === null || typeof l !== 'object' || Array.isArray(l)) errors.push({ field: 'labels', value: l, expected: 'an object of label name to string value' });
    else {
      for (const [k, v] of Object.entries(l)) {
        if (!LABEL_NAME_RE.test(k) || k.startsWith('__') || k === 'component') errors.push({ field: `labels.${k}`, value: v, expected: 'a label name matching [a-zA-Z_][a-zA-Z0-9_]* (not "component")' });
        else if (typeof v !== 'string') errors.push({ field: `labels.${k}`, value: v, expected: 'a string' });
        else labels[k] = v;
      }
    }
  }
  const samples: Sample[] = [];
  const all = { ...labels, component };
  const keys = Object.keys(obj).filter((k) => k !== 'timestamp' && k !== 'labels');
  if (keys.length > limits.maxSamples) {
    errors.push({ field: '(body)', value: `${keys.length} metrics`, expected: `at most ${limits.maxSamples} metrics` });
    return { ok: false, errors };
  }
  if (keys.length === 0 && errors.length === 0) errors.push({ field: '(body)', value: json, expected: 'at least one metric' });
  for (const k of keys) {
    const v = obj[k];
    if (!METRIC_NAME_RE.test(k)) errors.push({ field: k, value: v, expected: 'a metric name matching [a-zA-Z_:][a-zA-Z0-9_:]*' });
    else if (typeof v !== 'number' || !Number.isFinite(v)) errors.push({ field: k, value: v, expected: 'a finite number' });
    else {
      const expected = rangeExpectation(component, k, v);
      if (expected !== undefined) errors.push({ field: k, value: v, expected });
      else samples.push({ name: k, labels: all, t, v });
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, samples };
}

function fromExposition(component: string, body: string, contentType: string, now: number, limits: PayloadLimits): PayloadResult {
  let families;
  try {
    families = parseExposition(body, contentType);
  } catch (e) {
    const msg = e instanceof EchoPerfError ? e.message : String(e);
    return { ok: false, errors: [{ field: '(body)', value: body.slice(0, 80), expected: `Prometheus text: ${msg}` }] };
  }
  const errors: FieldError[] = [];
  const samples: Sample[] = [];
  for (const f of families) {
    for (const s of f.samples) {
      if (!Number.isFinite(s.value)) {
        errors.push({ field: s.name, value: String(s.value), expected: 'a finite number' });
        continue;
      }
      const expected = rangeExpectation(component, s.name, s.value);
      if (expected !== undefined) {
        errors.push({ field: s.name, value: s.value, expected });
        continue;
      }
      const { component: clash, ...rest } = s.labels;
      samples.push({ name: s.name, labels: { ...rest, ...(clash !== undefined ? { exported_component: clash } : {}), component }, t: s.timestamp ?? now, v: s.value });
    }
  }
  if (samples.length > limits.maxSamples) errors.push({ field: '(body)', value: `${samples.length} samples`, expected: `at most ${limits.maxSamples} samples` });
  if (samples.length === 0 && errors.length === 0) errors.push({ field: '(body)', value: body.slice(0, 80), expected: 'at least one sample' });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, samples };
}
