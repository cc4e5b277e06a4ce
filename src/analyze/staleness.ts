/**
 * @module analyze/staleness
 * A component that stops reporting is stale after N intervals (INFO), and
 * still stale after 2N (WARNING). Both resolve when data comes back.
 */
import { AlertSeverity } from '../core/severity.js';
import type { Finding } from './finding.js';
import { fmt } from './thresholds.js';

export type Freshness = 'active' | 'stale';

export function evaluateStaleness(lastSeen: ReadonlyMap<string, number>, at: number, intervalMs: number, n: number): { findings: Finding[]; state: Map<string, Freshness> } {
  const findings: Finding[] = [];
  const state = new Map<string, Freshness>();
  for (const [component, t] of lastSeen) {
    const age = at - t;
    const stale = age >= n * intervalMs;
    state.set(component, stale ? 'stale' : 'active');
    if (!stale) continue;
    const ageS = age / 1000;
    const limitS = (n * intervalMs) / 1000;
    const base = { kind: 'staleness' as const, component, metric: 'component_stale', value: ageS, metadata: { lastDataAt: t, intervals: n } };
    findings.push({
      ...base,
      key: `stale:info:${component}`,
      severity: AlertSeverity.INFO,
      threshold: limitS,
      message: `Component ${component} is stale: no data for ${fmt(ageS)}s (${n} intervals)`,
    });
    if (age >= 2 * n * intervalMs) {
      findings.push({
        ...base,
        key: `stale:warning:${component}`,
        severity: AlertSeverity.WARNING,
        threshold: 2 * limitS,
        message: `Component ${component} still stale: no data for ${fmt(ageS)}s (${2 * n} intervals)`,
      });
    }
  }
  return { findings, state };
}
