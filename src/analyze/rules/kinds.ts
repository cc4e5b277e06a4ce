/**
 * @module analyze/rules/kinds
 * Rule kind → the factory of its per-series evaluators (every per-series
 * kind has one; a registry passed to the engine without some skips them);
 * `slo` rules are not per-series (they are evaluated on engine histograms
 * elsewhere) and never appear here.
 */
import type { RuleConfig } from '../../config/rules/index.js';
import type { EvaluatorFactory } from './evaluator.js';
import { createAnomalyEvaluator } from './anomaly.js';
import { createBaselineEvaluator } from './baseline.js';
import { createForecastEvaluator } from './forecast.js';
import { createThresholdEvaluator } from './threshold.js';
import { createTrendEvaluator } from './trend.js';

export type SeriesRuleConfig = Exclude<RuleConfig, { kind: 'slo' }>;
export type SeriesRuleKind = SeriesRuleConfig['kind'];

export type KindRegistry = { readonly [K in SeriesRuleKind]?: EvaluatorFactory<Extract<SeriesRuleConfig, { kind: K }>> };

export const KINDS: KindRegistry = {
  threshold: createThresholdEvaluator,
  trend: createTrendEvaluator,
  baseline: createBaselineEvaluator,
  anomaly: createAnomalyEvaluator,
  forecast: createForecastEvaluator,
};

export function factoryOf(kinds: KindRegistry, spec: SeriesRuleConfig): EvaluatorFactory<SeriesRuleConfig> | undefined {
  return kinds[spec.kind] as EvaluatorFactory<SeriesRuleConfig> | undefined;
}
