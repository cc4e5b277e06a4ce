/**
 * @module analyze/rules
 * Every rule of one evaluation, in one place: the seed's thresholds and trend,
 * component schema thresholds, staleness, and scrape targets that are down.
 * Pure: same inputs, same findings.
 */
import type { PerformanceMetrics, SnapshotField } from '../core/snapshot.js';
import type { Sample } from '../core/types.js';
import type { Finding } from './finding.js';
import { evaluateComponentThresholds } from './componentThresholds.js';
import { evaluateStaleness, type Freshness } from './staleness.js';
import { evaluateTargets, type TargetHealth } from './targets.js';
import { evaluateThresholds, THRESHOLD_RULES, type PerformanceThresholds } from './thresholds.js';
import { evaluateTrends } from './trend.js';
import type { SnapshotView } from './snapshot/build.js';

export interface RuleInputs {
  at: number;
  view: SnapshotView;
  samples: readonly Sample[];
  history: readonly PerformanceMetrics[];
  thresholds: PerformanceThresholds;
  trendsEnabled: boolean;
  lastSeen: ReadonlyMap<string, number>;
  intervalMs: number;
  staleAfterIntervals: number;
  targets: Iterable<TargetHealth>;
}

export function evaluateRules(r: RuleInputs): { findings: Finding[]; freshness: Map<string, Freshness> } {
  const alertValues: Partial<Record<SnapshotField, number>> = {};
  for (const rule of THRESHOLD_RULES) {
    const v = rule.op === 'max' ? r.view.maxValues[rule.field] : r.view.minValues[rule.field];
    if (v !== undefined) alertValues[rule.field] = v;
  }
  const findings = evaluateThresholds(r.view.snapshot, r.thresholds, r.view.sources, alertValues);
  if (r.trendsEnabled) {
    const t = r.thresholds;
    findings.push(...evaluateTrends(r.history, t.degradationWindowSize, t.degradationThreshold, r.view.sources));
  }
  findings.push(...evaluateComponentThresholds(r.samples));
  const stale = evaluateStaleness(r.lastSeen, r.at, r.intervalMs, r.staleAfterIntervals);
  findings.push(...stale.findings);
  findings.push(...evaluateTargets(r.targets));
  return { findings, freshness: stale.state };
}
