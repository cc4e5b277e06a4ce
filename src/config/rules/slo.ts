/**
 * @module config/rules/slo
 * A service-level objective on an engine's requests, from its histograms,
 * alerted on multi-window, multi-burn-rate error-budget burn (Google SRE
 * workbook, "Alerting on SLOs", table 5-8).
 */
import { z } from 'zod';
import { finite, positiveSeconds, ruleName, severity } from './common.js';

const burnRate = z.strictObject({
  /** seconds of the long window */
  long: positiveSeconds,
  /** seconds of the short window (the workbook: 1/12 of the long one) */
  short: positiveSeconds,
  /** burn rate both windows must exceed */
  factor: finite.gt(0),
  severity,
});

/** The workbook's defaults for a 30-day period: page on 14.4× (1 h, 5 min) and 6× (6 h, 30 min), ticket on 1× (3 d, 6 h). */
export const DEFAULT_BURN_RATES = [
  { long: 3600, short: 300, factor: 14.4, severity: 'critical' },
  { long: 21600, short: 1800, factor: 6, severity: 'critical' },
  { long: 259200, short: 21600, factor: 1, severity: 'warning' },
] as const;

export const sloRuleSchema = z
  .strictObject({
    kind: z.literal('slo'),
    name: ruleName.optional(),
    /** the configured engine's name; default every engine */
    engine: z.string().min(1).max(128).optional(),
    /** share of requests that must be good (0.99 = 99 %) */
    objective: finite.gt(0).lt(1).default(0.99),
    /** a good request's time to first token is at most this many ms */
    ttft_ms: finite.gt(0).optional(),
    /** and its time per output token at most this many ms */
    tpot_ms: finite.gt(0).optional(),
    /** and its end-to-end latency at most this many ms */
    latency_ms: finite.gt(0).optional(),
    /** and it did not fail */
    errors: z.boolean().optional(),
    /** seconds of the SLO period the error budget is counted over */
    period: positiveSeconds.default(30 * 86400),
    burn_rates: z.array(burnRate).min(1).max(8).default([...DEFAULT_BURN_RATES]),
    enabled: z.boolean().default(true),
  })
  .refine((r) => r.ttft_ms !== undefined || r.tpot_ms !== undefined || r.latency_ms !== undefined || r.errors === true, {
    message: 'at least one of ttft_ms, tpot_ms, latency_ms, errors: true',
    path: ['objective'],
  });
export type SloRuleConfig = z.infer<typeof sloRuleSchema>;
