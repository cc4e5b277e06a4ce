/** @module core/labels  Series identity: a stable key for a name plus a label set. */
import type { Labels } from './types.js';

/**
 * A stable key for a series: the name then the labels sorted by name, in the
 * exposition format's own spelling so it is readable in errors and logs.
 * @example seriesKey('cpu_usage', { core: '0' }) === 'cpu_usage{core="0"}'
 */
export function seriesKey(name: string, labels: Labels): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return name;
  keys.sort();
  let out = name + '{';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (i > 0) out += ',';
    out += k + '="' + escapeLabelValue(labels[k]!) + '"';
  }
  return out + '}';
}

/** Escapes a label value as text format 0.0.4 requires: backslash, double quote, newline. */
export function escapeLabelValue(v: string): string {
  if (!/[\\"\n]/.test(v)) return v;
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** True when every label in `match` has the same value in `labels`. */
export function matchesLabels(labels: Labels, match: Labels | undefined): boolean {
  if (match === undefined) return true;
  for (const k in match) if (labels[k] !== match[k]) return false;
  return true;
}

/** Metric and label names as Prometheus accepts them (text format 0.0.4). */
export const METRIC_NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
export const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Sets a label on a plain object. Plain objects keep V8's fast properties
 * (null-prototype ones do not, and label sets are read per sample); a label
 * named `__proto__` is defined as an own property, never set as the prototype.
 */
export function setLabel(out: Record<string, string>, name: string, value: string): void {
  if (name === '__proto__') Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
  else out[name] = value;
}
