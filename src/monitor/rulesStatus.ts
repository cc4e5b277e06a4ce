/**
 * @module monitor/rulesStatus
 * The `rules` part of the status (GET /api/v1/status, getComprehensiveStatus):
 * how many rules and evaluators run, what was skipped, what each baseline has
 * learnt and which alerts are pending. Lists are bounded; the count of what
 * was left out is said.
 */
import type { PerformanceAlert } from '../alert/alert.js';
import { describeBaseline, type BaselineStateName } from '../analyze/rules/baseline.js';
import type { RuleEngine } from '../analyze/rules/engine.js';

/** Entries per list at most: status is read by people and dashboards, not for bulk export. */
export const MAX_STATUS_ENTRIES = 200;

export interface BaselineStatus {
  readonly rule: string;
  readonly series: string;
  readonly state: BaselineStateName;
  readonly learnt: number;
  readonly warmup: number;
  readonly centre?: number;
  readonly spread?: number;
}

export interface PendingAlertStatus {
  readonly fingerprint: string;
  readonly rule: string | undefined;
  readonly severity: string;
  readonly component: string;
  readonly metric: string;
  readonly labels: Readonly<Record<string, string>> | undefined;
  readonly message: string;
  /** When the condition started holding (ms since epoch). */
  readonly since: number;
  /** Seconds it must hold before it fires. */
  readonly forSeconds: number | undefined;
}

export interface RulesStatus {
  readonly rules: number;
  /** Active rules per kind. */
  readonly byKind: Readonly<Record<string, number>>;
  readonly evaluators: number;
  /** Series not watched because a bound was reached (since start). */
  readonly skippedSeries: number;
  /** Kinds of configured rules that have no evaluator here (their rules do nothing). */
  readonly kindsNotAvailable: readonly string[];
  readonly baselines: readonly BaselineStatus[];
  /** Baseline series past MAX_STATUS_ENTRIES, not listed. */
  readonly baselinesNotListed: number;
  readonly pending: readonly PendingAlertStatus[];
  readonly pendingNotListed: number;
}

export function rulesStatus(engine: RuleEngine, pending: readonly PerformanceAlert[], max = MAX_STATUS_ENTRIES): RulesStatus {
  const c = engine.counts();
  const byKind: Record<string, number> = Object.create(null) as Record<string, number>;
  const missing = new Set<string>();
  for (const r of engine.rules) {
    byKind[r.kind] = (byKind[r.kind] ?? 0) + 1;
    if (!engine.available(r)) missing.add(r.kind);
  }
  const baselines: BaselineStatus[] = [];
  let more = 0;
  // Bounded by the engine's own evaluator limit; only baselines are described.
  for (const e of engine.evaluators()) {
    const d = describeBaseline(e.evaluator);
    if (d === undefined) continue;
    if (baselines.length >= max) {
      more++;
      continue;
    }
    baselines.push({ rule: e.rule.name, series: e.series, ...d });
  }
  const holds = new Map(engine.rules.map((r) => [r.name, r.forMs]));
  const listed = pending.slice(0, max).map(
    (a): PendingAlertStatus => ({
      fingerprint: a.fingerprint,
      rule: a.rule,
      severity: a.severity,
      component: a.component,
      metric: a.metric,
      labels: a.labels,
      message: a.message,
      since: a.timestamp,
      forSeconds: a.rule === undefined ? undefined : (holds.get(a.rule) ?? 0) / 1000,
    }),
  );
  return {
    rules: c.rules,
    byKind: { ...byKind },
    evaluators: c.evaluators,
    skippedSeries: c.skippedSeries,
    kindsNotAvailable: [...missing],
    baselines,
    baselinesNotListed: more,
    pending: listed,
    pendingNotListed: pending.length - listed.length,
  };
}
