/** @module config/rules/trend  A least-squares fit degrading over a window (the seed's degradation detection). */
import { z } from 'zod';
import { better, commonRuleFields, finite, positiveSeconds } from './common.js';

export const trendRuleSchema = z
  .strictObject({
    kind: z.literal('trend'),
    ...commonRuleFields,
    /** which direction is good: a trend the other way is a degradation (needed unless enabled is false) */
    better: better.optional(),
    /** samples in the fit (the seed's degradation window_size) */
    window: z.number().int().min(3).max(100_000).optional(),
    /** or: seconds of samples in the fit */
    window_seconds: positiveSeconds.optional(),
    /** fitted change across the window relative to the fitted start that counts (the seed's 0.15) */
    threshold: finite.gt(0).default(0.15),
    /** share of the variance the line must explain (R²) before its change counts */
    min_r2: finite.min(0).max(1).default(0.5),
  })
  .refine((r) => !(r.window !== undefined && r.window_seconds !== undefined), { message: 'window or window_seconds, not both', path: ['window'] })
  // `{ name, kind, metric, enabled: false }` alone turns off the rule of that name (a default one).
  .refine((r) => r.better !== undefined || !r.enabled, { message: 'higher or lower (which direction is good)', path: ['better'] });
export type TrendRuleConfig = z.infer<typeof trendRuleSchema>;
