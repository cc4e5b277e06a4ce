/**
 * @module collect/components/payload
 * Reads what a component sends (pushed or pulled): JSON `{ "metric": value, ...,
 * "timestamp"?, "labels"? }` or Prometheus text. Either every field is valid or
 * nothing is taken, and every bad field is named with its value (a bounded
 * preview) and what was expected. Sizes are checked before the work they bound.
 */
import { rangeExpectation } from '../../core/components.js';
import { EchoPerfError } from '../../core/errors.js';
import { parseExposition } from '../../core/exposition/index.js';
import { LABEL_NAME_RE, METRIC_NAME_RE } from '../../core/labels.js';
import type { Sample } from '../../core/types.js';
import { MAX_HIERARCHY_LEVELS, MAX_TREE_NODES } from '../../core/a000081.js';
import { expandHierarchy, HIERARCHY_EXPECTED, HIERARCHY_KEYS, TREE_EXPECTED } from './hierarchy.js';
import { checkJsonBounds, type JsonBounds } from './jsonBounds.js';
import { previewValue, truncateText as truncate } from '../../core/preview.js';
import { checkWindow, readTimestamp, type TimestampRejection, type TimeWindow } from './timestamps.js';

export interface FieldError {
  field: string;
  /** The value found, as a bounded preview. */
  value: unknown;
  expected: string;
}

export type PayloadResult =
  | { ok: true; samples: Sample[] }
  | {
      ok: false;
      /** At most MAX_LISTED_ERRORS; `omittedErrors` counts the rest. */
      errors: FieldError[];
      omittedErrors?: number;
      /** Samples refused for their timestamp, by reason (for self-metrics). */
      timestampRejected?: Partial<Record<TimestampRejection, number>>;
    };

export interface PayloadLimits {
  maxSamples: number;
  /** Most labels on a sample, Prometheus's label_limit (default 32). */
  maxLabels?: number;
  /** Accepted observation times; without it any positive time is taken. */
  window?: TimeWindow;
}

/**
 * What a JSON payload can use, so more is refused before JSON.parse: a tree of
 * `{children: [...]}` nodes nests twice per level inside the body object; values
 * are the metrics, labels, hierarchy counts and tree nodes (up to three per
 * node: its object, its children array, the comma before it).
 */
function jsonBounds(maxSamples: number): JsonBounds {
  return {
    maxDepth: 2 * MAX_HIERARCHY_LEVELS + 4,
    maxObjectMembers: maxSamples + HIERARCHY_KEYS.length + 2,
    maxValues: maxSamples + 3 * MAX_TREE_NODES + MAX_HIERARCHY_LEVELS + 64,
  };
}

/** Errors listed in one reply; past it they are counted. */
export const MAX_LISTED_ERRORS = 20;

/**
 * Most characters of series identity (metric names plus their labels, summed
 * over the samples; for text, of sample lines) in one payload. Every held
 * series is keyed by that text on each push and each tick, so it bounds their
 * work: 2,000 metrics sharing 32 labels of 400 characters took over 100 ms.
 */
export const MAX_SERIES_CHARS = 256 * 1024;
const DEFAULT_MAX_LABELS = 32;

/** How an error names a field whose key is the empty string. */
export const EMPTY_FIELD = '(empty key "")';

class Problems {
  readonly list: FieldError[] = [];
  omitted = 0;
  timestamp: Partial<Record<TimestampRejection, number>> | undefined;

  add(field: string, value: unknown, expected: string): void {
    // An empty key is a key too; named as nothing it would read as a missing field.
    if (this.list.length < MAX_LISTED_ERRORS) this.list.push({ field: field === '' ? EMPTY_FIELD : truncate(field), value: previewValue(value), expected });
    else this.omitted++;
  }

  timestampRejected(reason: TimestampRejection, samples: number): void {
    this.timestamp ??= {};
    this.timestamp[reason] = (this.timestamp[reason] ?? 0) + samples;
  }

  get count(): number {
    return this.list.length + this.omitted;
  }

  result(samples: Sample[]): PayloadResult {
    if (this.count === 0) return { ok: true, samples };
    return {
      ok: false,
      errors: this.list,
      ...(this.omitted > 0 ? { omittedErrors: this.omitted } : {}),
      ...(this.timestamp !== undefined ? { timestampRejected: this.timestamp } : {}),
    };
  }
}

export function parseComponentPayload(component: string, body: string, contentType: string, now: number, limits: PayloadLimits): PayloadResult {
  const ct = contentType.toLowerCase();
  if (ct.includes('text/plain') || ct.includes('openmetrics')) return fromExposition(component, body, contentType, now, limits);
  const tooBig = checkJsonBounds(body, jsonBounds(limits.maxSamples));
  if (tooBig !== undefined) {
    const p = new Problems();
    const hierarchy = tooBig.field === 'membrane_hierarchy' ? HIERARCHY_EXPECTED : tooBig.field === 'membrane_tree' ? TREE_EXPECTED : undefined;
    p.add(tooBig.field, tooBig.found, hierarchy ?? tooBig.expected);
    return p.result([]);
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (e) {
    const p = new Problems();
    p.add('(body)', body, `valid JSON: ${truncate((e as Error).message, 200)}`);
    return p.result([]);
  }
  return fromJson(component, json, now, limits);
}

export function fromJson(component: string, json: unknown, now: number, limits: PayloadLimits): PayloadResult {
  const p = new Problems();
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    p.add('(body)', json, 'a JSON object {"metric": number, ...}');
    return p.result([]);
  }
  // Counted before anything else touches the keys: a 1 MiB body holds ~100k of them.
  const keyCount = Object.keys(json).length;
  if (keyCount > limits.maxSamples + HIERARCHY_KEYS.length + 2) {
    p.add('(body)', `${keyCount} keys`, `at most ${limits.maxSamples} metrics (config max_samples_per_collector)`);
    return p.result([]);
  }
  const expanded = expandHierarchy(component, json);
  for (const e of expanded.problems) p.add(e.field, e.value, e.expected);
  const obj = expanded.result as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => k !== 'timestamp' && k !== 'labels');
  let t = now;
  if (Object.hasOwn(obj, 'timestamp')) {
    const r = readTimestamp(obj['timestamp'], limits.window);
    if (r.ok) t = r.ms;
    else {
      p.add('timestamp', obj['timestamp'], r.expected);
      p.timestampRejected(r.reason, keys.length);
    }
  }
  const labels = readLabels(obj, limits.maxLabels ?? DEFAULT_MAX_LABELS, p);
  if (keys.length > limits.maxSamples) {
    p.add('(body)', `${keys.length} metrics`, `at most ${limits.maxSamples} metrics (config max_samples_per_collector)`);
    return p.result([]);
  }
  const seriesChars = keys.reduce((n, k) => n + k.length, 0) + keys.length * labelChars(labels);
  if (seriesChars > MAX_SERIES_CHARS) {
    p.add('(body)', `${seriesChars} characters of metric names and labels`, `at most ${MAX_SERIES_CHARS} (each metric's name plus its labels, summed over the metrics)`);
    return p.result([]);
  }
  if (keys.length === 0 && p.count === 0) p.add('(body)', json, 'at least one metric');
  const samples: Sample[] = [];
  // Spread defines own properties, so even a `__proto__` key could not reach a prototype.
  const all = { ...labels, component };
  for (const k of keys) {
    const v = obj[k];
    if (!METRIC_NAME_RE.test(k)) p.add(k, v, 'a metric name matching [a-zA-Z_:][a-zA-Z0-9_:]*');
    else if (typeof v !== 'number' || !Number.isFinite(v)) p.add(k, v, 'a finite number');
    else {
      const expected = rangeExpectation(component, k, v);
      if (expected !== undefined) p.add(k, v, expected);
      else samples.push({ name: k, labels: all, t, v });
    }
  }
  return p.result(samples);
}

/** Characters a label set adds to each series key (`{k="v",...}`, the component label included). */
function labelChars(labels: Record<string, string>): number {
  let n = 24;
  for (const k of Object.keys(labels)) n += k.length + labels[k]!.length + 4;
  return n;
}

/** The `labels` object of a JSON payload, checked; problems go to `p`. */
function readLabels(obj: Record<string, unknown>, maxLabels: number, p: Problems): Record<string, string> {
  const labels = Object.create(null) as Record<string, string>;
  if (!Object.hasOwn(obj, 'labels')) return labels;
  const l = obj['labels'];
  if (l === null || typeof l !== 'object' || Array.isArray(l)) {
    p.add('labels', l, 'an object of label name to string value');
    return labels;
  }
  const names = Object.keys(l);
  if (names.length > maxLabels) {
    p.add('labels', `${names.length} labels`, `at most ${maxLabels} labels`);
    return labels;
  }
  for (const k of names) {
    const v = (l as Record<string, unknown>)[k];
    if (!LABEL_NAME_RE.test(k) || k.startsWith('__') || k === 'component') p.add(`labels.${k}`, v, 'a label name matching [a-zA-Z_][a-zA-Z0-9_]* (not "component", not starting "__")');
    else if (typeof v !== 'string') p.add(`labels.${k}`, v, 'a string');
    else labels[k] = v;
  }
  return labels;
}

function fromExposition(component: string, body: string, contentType: string, now: number, limits: PayloadLimits): PayloadResult {
  const p = new Problems();
  // Parsing costs time per line: a page with more sample lines than could be taken is refused unread.
  const lines = sampleLines(body, limits.maxSamples);
  if (lines.count > limits.maxSamples) {
    p.add('(body)', `more than ${limits.maxSamples} sample lines`, `at most ${limits.maxSamples} samples (config max_samples_per_collector)`);
    return p.result([]);
  }
  if (lines.chars > MAX_SERIES_CHARS) {
    p.add('(body)', `${lines.chars} characters of sample lines`, `at most ${MAX_SERIES_CHARS} characters of sample lines (names, labels and values)`);
    return p.result([]);
  }
  let families;
  try {
    families = parseExposition(body, contentType);
  } catch (e) {
    const msg = e instanceof EchoPerfError ? e.message : String(e);
    p.add('(body)', body, `Prometheus text: ${truncate(msg, 200)}`);
    return p.result([]);
  }
  const maxLabels = limits.maxLabels ?? DEFAULT_MAX_LABELS;
  const samples: Sample[] = [];
  for (const f of families) {
    for (const s of f.samples) {
      if (!Number.isFinite(s.value)) {
        p.add(s.name, String(s.value), 'a finite number');
        continue;
      }
      const expected = rangeExpectation(component, s.name, s.value);
      if (expected !== undefined) {
        p.add(s.name, s.value, expected);
        continue;
      }
      const names = Object.keys(s.labels);
      const badLabel = names.length > maxLabels ? `${names.length} labels` : names.find((n) => n.startsWith('__'));
      if (badLabel !== undefined) {
        p.add(s.name, badLabel, `at most ${maxLabels} labels, none starting "__"`);
        continue;
      }
      let t = now;
      if (s.timestamp !== undefined) {
        const r = checkWindow(s.timestamp, limits.window);
        if (!r.ok) {
          if (p.timestamp?.[r.reason] === undefined) p.add('timestamp', s.timestamp, `${r.expected} (sample ${truncate(s.name)})`);
          p.timestampRejected(r.reason, 1);
          continue;
        }
        t = r.ms;
      }
      const { component: clash, ...rest } = s.labels;
      samples.push({ name: s.name, labels: { ...rest, ...(clash !== undefined ? { exported_component: clash } : {}), component }, t, v: s.value });
    }
  }
  if (samples.length > limits.maxSamples) p.add('(body)', `${samples.length} samples`, `at most ${limits.maxSamples} samples`);
  if (samples.length === 0 && p.count === 0) p.add('(body)', body, 'at least one sample');
  return p.result(samples);
}

/** Non-empty lines not starting with `#` and their characters, counted up to `limit + 1` lines. */
function sampleLines(body: string, limit: number): { count: number; chars: number } {
  let count = 0;
  let chars = 0;
  let i = 0;
  while (i < body.length && count <= limit) {
    let end = body.indexOf('\n', i);
    if (end === -1) end = body.length;
    let j = i;
    while (j < end && (body.charCodeAt(j) === 32 || body.charCodeAt(j) === 9)) j++;
    if (j < end && body.charCodeAt(j) !== 35 /* # */ && !(end - j === 1 && body.charCodeAt(j) === 13)) {
      count++;
      chars += end - j;
    }
    i = end + 1;
  }
  return { count, chars };
}
