/**
 * @module config/rules/common
 * What every rule has, whatever its kind: a name, the series it watches (a
 * metric name and label matchers, as a PromQL selector would pick them), the
 * severity it raises, and Prometheus's `for` / `keep_firing_for` hold times
 * (prometheus.io/docs/prometheus/latest/configuration/alerting_rules/).
 */
import * as v from 'valibot';
import { finite, record } from '../schemaParts.js';

export { finite };
/** Durations in the config are seconds, like the rest of it. */
export const seconds = v.pipe(finite, v.minValue(0), v.maxValue(400 * 86400));
export const positiveSeconds = v.pipe(finite, v.gtValue(0), v.maxValue(400 * 86400));
export const severity = v.picklist(['info', 'warning', 'critical']);
export const better = v.picklist(['higher', 'lower']);

export const labelName = v.pipe(v.string(), v.regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'a label name matching [a-zA-Z_][a-zA-Z0-9_]*'));
const metricName = v.pipe(v.string(), v.regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'a metric name matching [a-zA-Z_:][a-zA-Z0-9_:]*'), v.maxLength(200));
/** A regex a whole value must match (anchored, as PromQL's =~ and relabelling), of at most `maxChars`; checked to compile. */
export function anchoredRegex(maxChars: number) {
  return v.pipe(
    v.string(),
    v.maxLength(maxChars),
    v.check((s) => {
      try {
        new RegExp(`^(?:${s})$`);
        return true;
      } catch {
        return false;
      }
    }, 'a valid regular expression'),
  );
}
export const labelRegex = anchoredRegex(256);

export const ruleName = v.pipe(v.string(), v.regex(/^[a-zA-Z][a-zA-Z0-9_.:-]{0,127}$/, 'a name of 1-128 letters, digits, _ . : - starting with a letter'));

/** Fields every rule kind has. */
export const commonRuleFields = {
  /** unique among rules; default `<kind>:<metric>` (a second rule of the same kind and metric must be named) */
  name: v.optional(ruleName),
  /** the series watched: every series of this name that matches `match` and `match_re` */
  metric: metricName,
  /** label → exact value the series must have */
  match: v.optional(record(labelName, v.pipe(v.string(), v.maxLength(1024)))),
  /** label → regex the whole value must match */
  match_re: v.optional(record(labelName, labelRegex)),
  /** severity raised (threshold rules name it per level instead) */
  severity: v.optional(severity),
  /** seconds the condition must hold before the alert fires (pending until then); Prometheus `for` */
  for: v.optional(seconds),
  /** seconds the alert keeps firing after the condition stopped; Prometheus `keep_firing_for` */
  keep_firing_for: v.optional(seconds),
  /** component the alert names; default the series' `component`/`engine` label, else the collector */
  component: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(128))),
  enabled: v.optional(v.boolean(), true),
};
