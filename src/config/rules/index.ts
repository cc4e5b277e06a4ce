/** @module config/rules  Config `rules: [...]`: one schema per kind, picked by `kind`. */
import * as v from 'valibot';
import { variant } from '../schemaParts.js';
import { anomalyRuleSchema } from './anomaly.js';
import { baselineRuleSchema } from './baseline.js';
import { forecastRuleSchema } from './forecast.js';
import { sloRuleSchema } from './slo.js';
import { thresholdRuleSchema } from './threshold.js';
import { trendRuleSchema } from './trend.js';

export const ruleSchema = variant(
  'kind',
  [thresholdRuleSchema, trendRuleSchema, baselineRuleSchema, anomalyRuleSchema, forecastRuleSchema, sloRuleSchema],
  "Invalid discriminator value. Expected 'threshold' | 'trend' | 'baseline' | 'anomaly' | 'forecast' | 'slo'",
);
export type RuleConfig = v.InferOutput<typeof ruleSchema>;
export const rulesSchema = v.pipe(v.array(ruleSchema), v.maxLength(1000));

export type { AnomalyRuleConfig } from './anomaly.js';
export type { BaselineRuleConfig } from './baseline.js';
export type { ForecastRuleConfig } from './forecast.js';
export type { SloRuleConfig } from './slo.js';
export type { ThresholdRuleConfig } from './threshold.js';
export type { TrendRuleConfig } from './trend.js';
export { DEFAULT_BURN_RATES } from './slo.js';
