/** @module config/rules/anomaly  A streaming anomaly detector's scores, alerted on their rate. */
import * as v from 'valibot';
import { int, strictObject } from '../schemaParts.js';
import { commonRuleFields, finite } from './common.js';

export const anomalyRuleSchema = strictObject({
  kind: v.literal('anomaly'),
  ...commonRuleFields,
  /** a sample is anomalous when its score (0..1) is at least this */
  score: v.optional(v.pipe(finite, v.gtValue(0), v.maxValue(1)), 0.9),
  /** samples in the window the rate is taken over */
  window: v.optional(v.pipe(int, v.minValue(1), v.maxValue(100_000)), 30),
  /** fires when at least this share of the window is anomalous */
  rate: v.optional(v.pipe(finite, v.gtValue(0), v.maxValue(1)), 0.1),
});
export type AnomalyRuleConfig = v.InferOutput<typeof anomalyRuleSchema>;
