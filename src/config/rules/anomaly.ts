/** @module config/rules/anomaly  A streaming anomaly detector's scores, alerted on their rate. */
import { z } from 'zod';
import { commonRuleFields, finite } from './common.js';

export const anomalyRuleSchema = z.strictObject({
  kind: z.literal('anomaly'),
  ...commonRuleFields,
  /** a sample is anomalous when its score (0..1) is at least this */
  score: finite.gt(0).max(1).default(0.9),
  /** samples in the window the rate is taken over */
  window: z.number().int().min(1).max(100_000).default(30),
  /** fires when at least this share of the window is anomalous */
  rate: finite.gt(0).max(1).default(0.1),
});
export type AnomalyRuleConfig = z.infer<typeof anomalyRuleSchema>;
