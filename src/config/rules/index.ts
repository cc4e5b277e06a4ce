/** @module config/rules  Config `rules: [...]`: one schema per kind, picked by `kind`. */
import { z } from 'zod';
import { anomalyRuleSchema } from './anomaly.js';
import { baselineRuleSchema } from './baseline.js';
import { forecastRuleSchema } from './forecast.js';
import { sloRuleSchema } from './slo.js';
import { thresholdRuleSchema } from './threshold.js';
import { trendRuleSchema } from './trend.js';

export const ruleSchema = z.discriminatedUnion('kind', [thresholdRuleSchema, trendRuleSchema, baselineRuleSchema, anomalyRuleSchema, forecastRuleSchema, sloRuleSchema]);
export type RuleConfig = z.infer<typeof ruleSchema>;
export const rulesSchema = z.array(ruleSchema).max(1000);

export type { AnomalyRuleConfig } from './anomaly.js';
export type { BaselineRuleConfig } from './baseline.js';
export type { ForecastRuleConfig } from './forecast.js';
export type { SloRuleConfig } from './slo.js';
export type { ThresholdRuleConfig } from './threshold.js';
export type { TrendRuleConfig } from './trend.js';
export { DEFAULT_BURN_RATES } from './slo.js';
