/**
 * @module analyze/targets
 * A scrape target that is down (its `up` is 0) raises a WARNING: the engine or
 * exporter behind it is unreachable or serving garbage, and its metrics are
 * absent rather than zero. It keeps firing for a minute after the target is
 * back (Prometheus's `keep_firing_for`), so an engine that restarts every few
 * seconds is one incident, not one per restart.
 */
import { AlertSeverity } from '../core/severity.js';
import type { Finding } from './finding.js';

export interface TargetHealth {
  name: string;
  url: string;
  health: 'unknown' | 'up' | 'down';
  lastError: string | undefined;
}

/** How long a down target's alert outlasts the outage by default (config `alerting.target_keep_firing_for`). */
export const TARGET_KEEP_FIRING_MS = 60_000;

export function evaluateTargets(targets: Iterable<TargetHealth>, keepFiringForMs = TARGET_KEEP_FIRING_MS): Finding[] {
  const out: Finding[] = [];
  for (const t of targets) {
    if (t.health !== 'down') continue;
    out.push({
      key: `target:${t.name}`,
      kind: 'target',
      severity: AlertSeverity.WARNING,
      component: t.name,
      metric: 'up',
      value: 0,
      threshold: 1,
      message: `Target ${t.name} is down (${t.url}): ${t.lastError ?? 'unknown error'}`,
      metadata: { url: t.url },
      keepFiringForMs,
    });
  }
  return out;
}
