/**
 * @module alert/log
 * The alert log: incidents from findings (alert/lifecycle.ts), the bounded
 * history of incident records (the seed's `alerts_history`: one record per
 * incident, updated while it fires), the recent alerts, the firing ones as
 * Prometheus's `ALERTS` series, and a restore after a restart.
 */
import type { Logger } from '../core/logger.js';
import type { Sample } from '../core/types.js';
import type { Finding, Recovery } from '../analyze/finding.js';
import { BoundedHistory } from '../store/history.js';
import type { PerformanceAlert } from './alert.js';
import { alertName } from './alertName.js';
import { AlertLifecycle, type LifecycleOptions } from './lifecycle.js';
import { checkAlertRecord } from './record.js';

export interface RestoreResult {
  /** Records taken back (firing ones are firing again, without a new event). */
  restored: number;
  /** Why each refused record was refused: which field, what value, what was expected. */
  problems: string[];
}

export class AlertLog {
  /** One record per incident, newest last. */
  readonly history: BoundedHistory<PerformanceAlert>;
  private readonly _lifecycle: AlertLifecycle;

  constructor(
    maxlen: number,
    private readonly _logger: Logger,
    options: LifecycleOptions = {},
  ) {
    this.history = new BoundedHistory(maxlen);
    this._lifecycle = new AlertLifecycle(options);
  }

  /**
   * Applies one evaluation's findings and recoveries; returns the events to
   * deliver (new incidents, escalated or repeated ones, resolved ones).
   */
  apply(at: number, findings: readonly Finding[], recoveries: readonly Recovery[] = []): PerformanceAlert[] {
    const events = this._lifecycle.apply(at, findings, recoveries, (updated) => {
      this.history.replaceLast((a) => a.id === updated.id, updated);
    });
    for (const e of events) {
      // An escalation or a repeat is the same incident: its record is updated, not added.
      if (!this.history.replaceLast((a) => a.id === e.id, e)) this.history.push(e);
      this._logger.info(`alert ${e.status}: [${e.severity}] ${e.component}/${e.metric}: ${e.message}`);
    }
    return events;
  }

  /** Alerts firing now. */
  firing(): PerformanceAlert[] {
    return this._lifecycle.active();
  }

  /** Alerts whose condition holds, waiting out their hold time (`for`). */
  pending(): PerformanceAlert[] {
    return this._lifecycle.pending();
  }

  /** Incidents that started at or after `since` (ms), plus any still firing. */
  since(since: number): PerformanceAlert[] {
    return this.history.toArray().filter((a) => a.timestamp >= since || a.status === 'firing');
  }

  /**
   * Brings back incident records kept before a restart, oldest first. Firing
   * ones fire again without notifying anyone (their handlers heard of them);
   * they resolve, with an event, at the first evaluation their condition no
   * longer holds. Call before the first tick. Bad records are skipped, each
   * with the reason.
   */
  restore(records: readonly unknown[]): RestoreResult {
    const problems: string[] = [];
    let restored = 0;
    const firing = new Set(this._lifecycle.active().map((a) => a.fingerprint));
    // Only as many as the history keeps: older records would be dropped at once.
    const from = Math.max(0, records.length - this.history.maxlen);
    for (let i = from; i < records.length; i++) {
      const checked = checkAlertRecord(records[i], `records[${i}]`);
      if (typeof checked === 'string') {
        problems.push(checked);
        continue;
      }
      if (checked.status === 'firing') {
        if (firing.has(checked.fingerprint)) {
          problems.push(`records[${i}].fingerprint: got ${JSON.stringify(checked.fingerprint.slice(0, 100))}; expected one firing incident per fingerprint`);
          continue;
        }
        firing.add(checked.fingerprint);
        this._lifecycle.restore(checked);
      }
      this.history.push(checked);
      restored++;
    }
    return { restored, problems };
  }

  /** `ALERTS{alertname, alertstate="firing"|"pending", severity, component, metric} 1` per firing or pending alert (Prometheus rules/alerting.go). */
  series(at: number): Sample[] {
    const one = (a: PerformanceAlert, alertstate: string): Sample => ({
      name: 'ALERTS',
      labels: { alertname: alertName(a), alertstate, severity: a.severity.toLowerCase(), component: a.component, metric: a.metric },
      t: at,
      v: 1,
    });
    return [...this.firing().map((a) => one(a, 'firing')), ...this.pending().map((a) => one(a, 'pending'))];
  }
}
