/** @module config/rules/baseline  A learnt robust baseline and deviations from it. */
import * as v from 'valibot';
import { int, strictObject } from '../schemaParts.js';
import { commonRuleFields, finite, positiveSeconds } from './common.js';

export const baselineRuleSchema = strictObject({
  kind: v.literal('baseline'),
  ...commonRuleFields,
  /** which deviation counts: above the baseline, below it, or both */
  direction: v.optional(v.picklist(['above', 'below', 'both']), 'both'),
  /** samples learnt before the rule may fire */
  warmup: v.optional(v.pipe(int, v.minValue(10), v.maxValue(1_000_000)), 300),
  /** seconds for the baseline to move half-way to a new level (slow adaptation) */
  half_life: v.optional(positiveSeconds, 3600),
  /** deviation, in robust spreads (MAD-scaled), that counts */
  k: v.optional(v.pipe(finite, v.gtValue(0)), 4),
  /** and a relative change from the baseline at least this large (0.2 = 20 %) */
  min_change: v.optional(v.pipe(finite, v.minValue(0)), 0.2),
  /** consecutive deviating samples before the condition holds */
  samples: v.optional(v.pipe(int, v.minValue(1), v.maxValue(100_000)), 5),
});
export type BaselineRuleConfig = v.InferOutput<typeof baselineRuleSchema>;
