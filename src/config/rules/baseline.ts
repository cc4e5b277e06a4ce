/** @module config/rules/baseline  A learnt robust baseline and deviations from it. */
import { z } from 'zod';
import { commonRuleFields, finite, positiveSeconds } from './common.js';

export const baselineRuleSchema = z.strictObject({
  kind: z.literal('baseline'),
  ...commonRuleFields,
  /** which deviation counts: above the baseline, below it, or both */
  direction: z.enum(['above', 'below', 'both']).default('both'),
  /** samples learnt before the rule may fire */
  warmup: z.number().int().min(10).max(1_000_000).default(300),
  /** seconds for the baseline to move half-way to a new level (slow adaptation) */
  half_life: positiveSeconds.default(3600),
  /** deviation, in robust spreads (MAD-scaled), that counts */
  k: finite.gt(0).default(4),
  /** and a relative change from the baseline at least this large (0.2 = 20 %) */
  min_change: finite.min(0).default(0.2),
  /** consecutive deviating samples before the condition holds */
  samples: z.number().int().min(1).max(100_000).default(5),
});
export type BaselineRuleConfig = z.infer<typeof baselineRuleSchema>;
