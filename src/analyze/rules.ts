/**
 * @module analyze/rules
 * The rules of one evaluation that are not per-series rule kinds: component
 * schema thresholds, staleness, and scrape targets that are down. (Threshold,
 * trend and the other kinds run in the rule engine, analyze/rules/engine.ts.)
 * Pure: same inputs, same findings.
 */
import type { Sample } from '../core/types.js';
import type { Finding } from './finding.js';
import { evaluateComponentThresholds } from './componentThresholds.js';
import { evaluateStaleness, type Freshness } from './staleness.js';
import { evaluateTargets, type TargetHealth } from './targets.js';

export interface RuleInputs {
  at: number;
  samples: readonly Sample[];
  lastSeen: ReadonlyMap<string, number>;
  intervalMs: number;
  staleAfterIntervals: number;
  targets: Iterable<TargetHealth>;
  /** ms a down target's alert keeps firing after it is back. */
  targetKeepFiringForMs: number;
}

export function evaluateRules(r: RuleInputs): { findings: Finding[]; freshness: Map<string, Freshness> } {
  const findings = evaluateComponentThresholds(r.samples);
  const stale = evaluateStaleness(r.lastSeen, r.at, r.intervalMs, r.staleAfterIntervals);
  findings.push(...stale.findings);
  findings.push(...evaluateTargets(r.targets, r.targetKeepFiringForMs));
  return { findings, freshness: stale.state };
}
