/** @module monitor/factory  The seed's `create_default_monitor`. */
import { consoleAlertHandler } from '../notify/console.js';
import { routedLocal } from '../notify/local.js';
import { UnifiedPerformanceMonitor, type MonitorOptions } from './unifiedMonitor.js';

/**
 * A monitor with the embedded defaults (or the given config) and a console
 * alert handler printing `🚨 WARNING: <message>` (config `notifiers` can route or turn it off: `{type: 'console', …}`).
 * @example
 * const monitor = createDefaultMonitor();
 * monitor.startMonitoring();
 */
export function createDefaultMonitor(options: MonitorOptions = {}): UnifiedPerformanceMonitor {
  const monitor = new UnifiedPerformanceMonitor(options);
  const handler = routedLocal(monitor.config.notifiers, 'console', consoleAlertHandler());
  if (handler !== undefined) monitor.registerAlertHandler(handler);
  return monitor;
}
