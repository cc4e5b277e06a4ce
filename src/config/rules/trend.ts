/** @module config/rules/trend  A least-squares fit degrading over a window (the seed's degradation detection). */
import * as v from 'valibot';
import { int, refine, strictObject } from '../schemaParts.js';
import { better, commonRuleFields, finite, positiveSeconds } from './common.js';

export const trendRuleSchema = v.pipe(
  strictObject({
    kind: v.literal('trend'),
    ...commonRuleFields,
    /** which direction is good: a trend the other way is a degradation (needed unless enabled is false) */
    better: v.optional(better),
    /** samples in the fit (the seed's degradation window_size) */
    window: v.optional(v.pipe(int, v.minValue(3), v.maxValue(100_000))),
    /** or: seconds of samples in the fit */
    window_seconds: v.optional(positiveSeconds),
    /** fitted change across the window relative to the fitted start that counts (the seed's 0.15) */
    threshold: v.optional(v.pipe(finite, v.gtValue(0)), 0.15),
    /** share of the variance the line must explain (R²) before its change counts */
    min_r2: v.optional(v.pipe(finite, v.minValue(0), v.maxValue(1)), 0.5),
  }),
  refine((r, report) => {
    if (r.window !== undefined && r.window_seconds !== undefined) report('window or window_seconds, not both', ['window']);
    // `{ name, kind, metric, enabled: false }` alone turns off the rule of that name (a default one).
    if (r.better === undefined && r.enabled) report('higher or lower (which direction is good)', ['better']);
  }),
);
export type TrendRuleConfig = v.InferOutput<typeof trendRuleSchema>;
