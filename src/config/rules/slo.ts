/**
 * @module config/rules/slo
 * A service-level objective on an engine's requests, from its histograms,
 * alerted on multi-window, multi-burn-rate error-budget burn (Google SRE
 * workbook, "Alerting on SLOs", table 5-8).
 */
import * as v from 'valibot';
import { refine, strictObject } from '../schemaParts.js';
import { finite, positiveSeconds, ruleName, severity } from './common.js';

const burnRate = strictObject({
  /** seconds of the long window */
  long: positiveSeconds,
  /** seconds of the short window (the workbook: 1/12 of the long one) */
  short: positiveSeconds,
  /** burn rate both windows must exceed */
  factor: v.pipe(finite, v.gtValue(0)),
  severity,
});

/** The workbook's defaults for a 30-day period: page on 14.4× (1 h, 5 min) and 6× (6 h, 30 min), ticket on 1× (3 d, 6 h). */
export const DEFAULT_BURN_RATES = [
  { long: 3600, short: 300, factor: 14.4, severity: 'critical' },
  { long: 21600, short: 1800, factor: 6, severity: 'critical' },
  { long: 259200, short: 21600, factor: 1, severity: 'warning' },
] as const;

export const sloRuleSchema = v.pipe(
  strictObject({
    kind: v.literal('slo'),
    name: v.optional(ruleName),
    /** the configured engine's name; default every engine */
    engine: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(128))),
    /** share of requests that must be good (0.99 = 99 %) */
    objective: v.optional(v.pipe(finite, v.gtValue(0), v.ltValue(1)), 0.99),
    /** a good request's time to first token is at most this many ms */
    ttft_ms: v.optional(v.pipe(finite, v.gtValue(0))),
    /** and its time per output token at most this many ms */
    tpot_ms: v.optional(v.pipe(finite, v.gtValue(0))),
    /** and its end-to-end latency at most this many ms */
    latency_ms: v.optional(v.pipe(finite, v.gtValue(0))),
    /** and it did not fail */
    errors: v.optional(v.boolean()),
    /** seconds of the SLO period the error budget is counted over */
    period: v.optional(positiveSeconds, 30 * 86400),
    burn_rates: v.optional(v.pipe(v.array(burnRate), v.minLength(1), v.maxLength(8)), [...DEFAULT_BURN_RATES]),
    enabled: v.optional(v.boolean(), true),
  }),
  refine((r, report) => {
    if (r.ttft_ms === undefined && r.tpot_ms === undefined && r.latency_ms === undefined && r.errors !== true) {
      report('at least one of ttft_ms, tpot_ms, latency_ms, errors: true', ['objective']);
    }
  }),
);
export type SloRuleConfig = v.InferOutput<typeof sloRuleSchema>;
