/**
 * @module collect/normalize
 * Turns whatever a user collector returned into samples, or says why not.
 * Garbage (NaN, strings, nested objects, too many keys) never reaches the
 * store: valid entries are kept, invalid ones are dropped and described.
 */
import { LABEL_NAME_RE, METRIC_NAME_RE } from '../core/labels.js';
import type { Sample } from '../core/types.js';

export interface NormalizeLimits {
  /** Most samples accepted from one collection; past it the whole result is rejected. */
  maxSamples: number;
  /** Most labels per sample (Prometheus's label_limit idea). */
  maxLabels: number;
}

export interface Normalized {
  samples: Sample[];
  /** One line per rejected entry (at most a few listed, then a count). */
  problems: string[];
  /** Number of entries rejected. */
  rejected: number;
}

const MAX_LISTED = 5;

/** Validates `result` from collector `component` and stamps samples with time `t` and label `component`. */
export function normalizeResult(component: string, result: unknown, t: number, limits: NormalizeLimits): Normalized {
  const out: Normalized = { samples: [], problems: [], rejected: 0 };
  const reject = (why: string): void => {
    out.rejected++;
    if (out.problems.length < MAX_LISTED) out.problems.push(why);
  };
  if (Array.isArray(result)) {
    if (result.length > limits.maxSamples) {
      return tooMany(out, result.length, limits.maxSamples);
    }
    for (let i = 0; i < result.length; i++) {
      const s: unknown = result[i];
      if (s === null || typeof s !== 'object') {
        reject(`[${i}]: expected a sample {name, value, labels?}, got ${typeName(s)}`);
        continue;
      }
      const { name, value, labels, timestamp } = s as Record<string, unknown>;
      const why = checkName(name) ?? checkValue(value) ?? checkLabels(labels, limits.maxLabels);
      if (why !== undefined) {
        reject(`[${i}]${typeof name === 'string' ? ` "${name}"` : ''}: ${why}`);
        continue;
      }
      const l: Record<string, string> = { ...(labels as Record<string, string> | undefined), component };
      // A sample may carry the time it was observed (pushed or pulled data); else the tick's time.
      const ts = typeof timestamp === 'number' && Number.isFinite(timestamp) ? timestamp : t;
      out.samples.push({ name: name as string, labels: l, t: ts, v: value as number });
    }
    return out;
  }
  if (result === null || typeof result !== 'object') {
    reject(`expected an object {metric: number} or an array of samples, got ${typeName(result)}`);
    return out;
  }
  const keys = Object.keys(result);
  if (keys.length > limits.maxSamples) return tooMany(out, keys.length, limits.maxSamples);
  const labels = { component };
  for (const k of keys) {
    const v = (result as Record<string, unknown>)[k];
    const why = checkName(k) ?? checkValue(v);
    if (why !== undefined) {
      reject(`"${k}": ${why}`);
      continue;
    }
    out.samples.push({ name: k, labels, t, v: v as number });
  }
  return out;
}

function tooMany(out: Normalized, n: number, limit: number): Normalized {
  out.rejected = n;
  out.problems.push(`returned ${n} metrics; limit is ${limit} (config max_samples_per_collector); all rejected`);
  return out;
}

function checkName(name: unknown): string | undefined {
  if (typeof name !== 'string') return `name: expected a string, got ${typeName(name)}`;
  if (!METRIC_NAME_RE.test(name)) return `name: expected a metric name matching [a-zA-Z_:][a-zA-Z0-9_:]*`;
  return undefined;
}

function checkValue(v: unknown): string | undefined {
  if (typeof v !== 'number') return `value: expected a finite number, got ${typeName(v)}`;
  if (!Number.isFinite(v)) return `value: expected a finite number, got ${String(v)}`;
  return undefined;
}

function checkLabels(labels: unknown, max: number): string | undefined {
  if (labels === undefined) return undefined;
  if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) {
    return `labels: expected an object of strings, got ${typeName(labels)}`;
  }
  const keys = Object.keys(labels);
  if (keys.length > max) return `labels: ${keys.length} labels; limit is ${max}`;
  for (const k of keys) {
    if (!LABEL_NAME_RE.test(k) || k.startsWith('__')) return `labels: invalid label name "${k}"`;
    if (k === 'component') return `labels: "component" is set by the monitor`;
    const v = (labels as Record<string, unknown>)[k];
    if (typeof v !== 'string') return `labels.${k}: expected a string, got ${typeName(v)}`;
  }
  return undefined;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? v.slice(0, 37) + '...' : v)}`;
  if (typeof v === 'object') return 'object';
  return typeof v;
}
