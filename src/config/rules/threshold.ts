/** @module config/rules/threshold  A level crossed, with levels per severity and hysteresis. */
import { z } from 'zod';
import { commonRuleFields, finite, positiveSeconds } from './common.js';

/** A number means one WARNING level. */
const levels = z.union([
  finite,
  z
    .strictObject({ info: finite.optional(), warning: finite.optional(), critical: finite.optional() })
    .refine((l) => l.info !== undefined || l.warning !== undefined || l.critical !== undefined, { message: 'at least one of info, warning, critical' }),
]);

export const thresholdRuleSchema = z
  .strictObject({
    kind: z.literal('threshold'),
    ...commonRuleFields,
    /** fires when the value is above the level(s) */
    above: levels.optional(),
    /** fires when the value is below the level(s) */
    below: levels.optional(),
    /**
     * hysteresis: once firing, the condition holds until the value is back past this level
     * (at or under it for `above`, at or over it for `below`); default: the lowest level itself
     */
    clear: finite.optional(),
    /**
     * seconds: compare the counter's increase over this window instead of its value
     * (Prometheus `increase(metric[window])`, counter resets handled, not extrapolated)
     */
    increase: positiveSeconds.optional(),
    /**
     * seconds: a series with no new sample for this long no longer holds the condition (for series a
     * source writes only while something holds, like gpu_throttle_active; Prometheus gets the same
     * from the staleness marker a scrape writes when a series disappears)
     */
    stale_after: positiveSeconds.optional(),
  })
  .refine((r) => (r.above === undefined) !== (r.below === undefined) || (!r.enabled && r.above === undefined && r.below === undefined), {
    // `{ name, kind, metric, enabled: false }` alone turns off the rule of that name (a default one).
    message: 'exactly one of above or below',
    path: ['above'],
  });
export type ThresholdRuleConfig = z.infer<typeof thresholdRuleSchema>;
