/**
 * @module alert/labelSet
 * The label set silences and inhibition match an alert by, as Alertmanager
 * sees an alert: `alertname`, `severity`, `component`, `metric`, `kind`, then
 * the series' own labels (which cannot override the five above).
 */
import type { PerformanceAlert } from './alert.js';
import { alertName } from './alertName.js';

export type AlertLabels = Readonly<Record<string, string>>;

export function alertLabels(a: Pick<PerformanceAlert, 'kind' | 'metric' | 'metadata' | 'severity' | 'component' | 'labels'>): AlertLabels {
  // No prototype: a series label named `__proto__` or `constructor` is a plain key.
  const out = Object.create(null) as Record<string, string>;
  if (a.labels !== undefined) for (const [k, v] of Object.entries(a.labels)) if (typeof v === 'string') out[k] = v;
  out['alertname'] = alertName(a);
  out['severity'] = a.severity.toLowerCase();
  out['component'] = a.component;
  out['metric'] = a.metric;
  out['kind'] = a.kind;
  return out;
}
