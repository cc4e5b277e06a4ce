/**
 * @module analyze/rules/kinds
 * Rule kind → the factory of its per-series evaluators. A kind with no
 * factory here is skipped by the engine (and listed as "kind not available");
 * `slo` rules are not per-series (they are evaluated on engine histograms
 * elsewhere) and never appear here.
 */
import type { RuleConfig } from '../../config/rules/index.js';
import type { EvaluatorFactory } from './evaluator.js';
import { createThresholdEvaluator } from './threshold.js';
import { createTrendEvaluator } from './trend.js';

export type SeriesRuleConfig = Exclude<RuleConfig, { kind: 'slo' }>;
export type SeriesRuleKind = SeriesRuleConfig['kind'];

export type KindRegistry = { readonly [K in SeriesRuleKind]?: EvaluatorFactory<Extract<SeriesRuleConfig, { kind: K }>> };

export const KINDS: KindRegistry = {
  threshold: createThresholdEvaluator,
  trend: createTrendEvaluator,
};

export function factoryOf(kinds: KindRegistry, spec: SeriesRuleConfig): EvaluatorFactory<SeriesRuleConfig> | undefined {
  return kinds[spec.kind] as EvaluatorFactory<SeriesRuleConfig> | undefined;
}
