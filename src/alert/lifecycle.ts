/**
 * @module alert/lifecycle
 * Turns findings into incidents. A condition that holds for many evaluations is
 * one alert: handlers hear of it once when it fires and once when it resolves,
 * as Prometheus's alerting rules and Alertmanager dedup by fingerprint.
 */
import { compareSeverity } from '../core/severity.js';
import type { Finding } from '../analyze/finding.js';
import type { PerformanceAlert } from './alert.js';

interface Active {
  alert: PerformanceAlert;
  worst: number;
}

export class AlertLifecycle {
  private readonly _active = new Map<string, Active>();
  private _seq = 0;

  /** Alerts firing now. */
  active(): PerformanceAlert[] {
    return [...this._active.values()].map((a) => a.alert);
  }

  /**
   * Takes back an incident that was firing before a restart: no event now;
   * the next evaluation updates it if its condition still holds, or resolves it.
   */
  restore(alert: PerformanceAlert): void {
    const worst = alert.metadata['worstValue'];
    this._active.set(alert.fingerprint, { alert, worst: typeof worst === 'number' ? worst : alert.currentValue });
  }

  /**
   * Applies one evaluation's findings at time `at`. Returns the events to deliver:
   * new incidents (status firing) and ended ones (status resolved). `onUpdate`
   * receives the refreshed record of every incident still firing.
   */
  apply(at: number, findings: readonly Finding[], onUpdate?: (a: PerformanceAlert) => void): PerformanceAlert[] {
    const events: PerformanceAlert[] = [];
    const seen = new Set<string>();
    for (const f of findings) {
      if (seen.has(f.key)) continue;
      seen.add(f.key);
      const cur = this._active.get(f.key);
      if (cur === undefined) {
        const alert: PerformanceAlert = {
          id: `${at.toString(36)}-${(++this._seq).toString(36)}`,
          fingerprint: f.key,
          kind: f.kind,
          severity: f.severity,
          component: f.component,
          metric: f.metric,
          currentValue: f.value,
          threshold: f.threshold,
          message: f.message,
          timestamp: at,
          status: 'firing',
          endsAt: undefined,
          metadata: { ...f.metadata, worstValue: f.value, lastEvaluatedAt: at },
          ...(f.labels !== undefined ? { labels: f.labels } : {}),
          ...(f.rule !== undefined ? { rule: f.rule } : {}),
        };
        this._active.set(f.key, { alert, worst: f.value });
        events.push(alert);
      } else {
        const worse = isWorse(f, cur.worst);
        const worst = worse ? f.value : cur.worst;
        cur.worst = worst;
        cur.alert = {
          ...cur.alert,
          currentValue: f.value,
          threshold: f.threshold,
          message: f.message,
          severity: compareSeverity(f.severity, cur.alert.severity) > 0 ? f.severity : cur.alert.severity,
          metadata: { ...cur.alert.metadata, ...f.metadata, worstValue: worst, lastEvaluatedAt: at },
        };
        onUpdate?.(cur.alert);
      }
    }
    for (const [key, a] of this._active) {
      if (seen.has(key)) continue;
      this._active.delete(key);
      const resolved: PerformanceAlert = { ...a.alert, status: 'resolved', endsAt: at };
      events.push(resolved);
    }
    return events;
  }
}

function isWorse(f: Finding, worst: number): boolean {
  const op = f.metadata['op'];
  if (op === 'min') return f.value < worst;
  if (op === 'max') return f.value > worst;
  return Math.abs(f.value) > Math.abs(worst);
}
