/**
 * @module notify/echoDash
 * The echo.dash integration (seed "Echo.dash Integration"): alert files and the
 * dashboard document in the stats directory, and the `ECHO_DASH_ALERT:` log line.
 * @example
 * const dash = new EchoDashWriter({ clock, logger, startedAt: clock.now(), onFailure: (m) => raise(m) });
 * for (const e of events) { logger.info(dash.logLine(e)); dash.writeAlert(e); }
 * dash.writeDashboard(snapshot, lifecycle.active());
 */
export { EchoDashWriter } from './writer.js';
export type { EchoDashHealth, EchoDashWriterOptions } from './writer.js';
export { buildDashboard, formatLogLine, RECENT_ALERTS, toAlertRecord } from './format.js';
export type { DashboardInput, EchoDashAlertRecord, EchoDashDashboard } from './format.js';
export { alertFileName, parseAlertFileName } from './alertFiles.js';
export type { AlertFileName } from './alertFiles.js';
