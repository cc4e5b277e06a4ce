/**
 * @module analyze/targets
 * A scrape target that is down (its `up` is 0) raises a WARNING: the engine or
 * exporter behind it is unreachable or serving garbage, and its metrics are
 * absent rather than zero.
 */
import { AlertSeverity } from '../core/severity.js';
import type { Finding } from './finding.js';

export interface TargetHealth {
  name: string;
  url: string;
  health: 'unknown' | 'up' | 'down';
  lastError: string | undefined;
}

export function evaluateTargets(targets: Iterable<TargetHealth>): Finding[] {
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
    });
  }
  return out;
}
