/**
 * @module monitor/echoDash
 * Wires the echo.dash integration to a monitor: an alert file and an
 * `ECHO_DASH_ALERT:` log line per alert event, `performance_metrics.json` every
 * tick, and one WARNING on component `echo_dash` while the stats dir cannot be
 * written (the monitor goes on).
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { AlertSeverity } from '../core/severity.js';
import { EchoDashWriter } from '../notify/echoDash/index.js';
import { routedLocal } from '../notify/local.js';
import type { UnifiedPerformanceMonitor } from './unifiedMonitor.js';

export function attachEchoDash(monitor: UnifiedPerformanceMonitor, clock: Clock, logger: Logger): EchoDashWriter | undefined {
  const c = monitor.config.echo_dash;
  if (!c.enabled) return undefined;
  const writer = new EchoDashWriter({
    statsDir: c.stats_dir,
    teamMember: c.team_member,
    maxAlertFiles: c.max_alert_files,
    maxAlertAgeMs: c.max_alert_age_hours * 3_600_000,
    clock,
    logger,
    startedAt: clock.now(),
    onFailure: (message) =>
      monitor.raiseCondition('echo_dash', {
        severity: AlertSeverity.WARNING,
        component: 'echo_dash',
        metric: 'echo_dash_write_failed',
        value: 1,
        threshold: 0,
        message: `echo.dash stats dir ${c.stats_dir} cannot be written: ${message}`,
        metadata: { statsDir: c.stats_dir },
      }),
    onRecovery: () => monitor.clearCondition('echo_dash'),
  });
  const handler = routedLocal(monitor.config.notifiers, 'echo_dash', (alert) => {
    logger.info(writer.logLine(alert));
    writer.writeAlert(alert);
  });
  if (handler !== undefined) monitor.registerAlertHandler(handler);
  monitor.onTick((snapshot) => {
    writer.writeDashboard(snapshot, monitor.firingAlerts(), { monitoring: { status: 'running' } });
  });
  return writer;
}

/**
 * The last dashboard of a run: marked stopped, with no alert shown as firing —
 * nothing watches them any more, and a reader must not take a stale
 * "firing" for a live one. The count at the stop is kept for the record.
 */
export function markEchoDashStopped(writer: EchoDashWriter, monitor: UnifiedPerformanceMonitor, clock: Clock): void {
  const firing = monitor.firingAlerts().length;
  writer.writeDashboard(monitor.getCurrentMetrics(), [], { monitoring: { status: 'stopped', stopped_at: clock.now() / 1000, alerts_firing_at_stop: firing } });
}
