/**
 * @module config/rules/common
 * What every rule has, whatever its kind: a name, the series it watches (a
 * metric name and label matchers, as a PromQL selector would pick them), the
 * severity it raises, and Prometheus's `for` / `keep_firing_for` hold times
 * (prometheus.io/docs/prometheus/latest/configuration/alerting_rules/).
 */
import { z } from 'zod';

export const finite = z.number().refine(Number.isFinite, { message: 'expected a finite number' });
/** Durations in the config are seconds, like the rest of it. */
export const seconds = finite.min(0).max(400 * 86400);
export const positiveSeconds = finite.gt(0).max(400 * 86400);
export const severity = z.enum(['info', 'warning', 'critical']);
export const better = z.enum(['higher', 'lower']);

export const labelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'a label name matching [a-zA-Z_][a-zA-Z0-9_]*');
const metricName = z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'a metric name matching [a-zA-Z_:][a-zA-Z0-9_:]*').max(200);
/** A regex a whole value must match (anchored, as PromQL's =~ and relabelling), of at most `maxChars`; checked to compile. */
export function anchoredRegex(maxChars: number) {
  return z
    .string()
    .max(maxChars)
    .refine(
      (s) => {
        try {
          new RegExp(`^(?:${s})$`);
          return true;
        } catch {
          return false;
        }
      },
      { message: 'a valid regular expression' },
    );
}
export const labelRegex = anchoredRegex(256);

export const ruleName = z.string().regex(/^[a-zA-Z][a-zA-Z0-9_.:-]{0,127}$/, 'a name of 1-128 letters, digits, _ . : - starting with a letter');

/** Fields every rule kind has. */
export const commonRuleFields = {
  /** unique among rules; default `<kind>:<metric>` (a second rule of the same kind and metric must be named) */
  name: ruleName.optional(),
  /** the series watched: every series of this name that matches `match` and `match_re` */
  metric: metricName,
  /** label → exact value the series must have */
  match: z.record(labelName, z.string().max(1024)).optional(),
  /** label → regex the whole value must match */
  match_re: z.record(labelName, labelRegex).optional(),
  /** severity raised (threshold rules name it per level instead) */
  severity: severity.optional(),
  /** seconds the condition must hold before the alert fires (pending until then); Prometheus `for` */
  for: seconds.optional(),
  /** seconds the alert keeps firing after the condition stopped; Prometheus `keep_firing_for` */
  keep_firing_for: seconds.optional(),
  /** component the alert names; default the series' `component`/`engine` label, else the collector */
  component: z.string().min(1).max(128).optional(),
  enabled: z.boolean().default(true),
};
