/** @module monitor/factory  The seed's `create_default_monitor`. */
import { consoleAlertHandler } from '../notify/console.js';
import { UnifiedPerformanceMonitor, type MonitorOptions } from './unifiedMonitor.js';

/**
 * A monitor with the embedded defaults (or the given config) and a console
 * alert handler printing `🚨 WARNING: <message>`.
 * @example
 * const monitor = createDefaultMonitor();
 * monitor.startMonitoring();
 */
export function createDefaultMonitor(options: MonitorOptions = {}): UnifiedPerformanceMonitor {
  const monitor = new UnifiedPerformanceMonitor(options);
  monitor.registerAlertHandler(consoleAlertHandler());
  return monitor;
}
