/**
 * @module monitor/integrated
 * The seed's IntegratedPerformanceSystem: a default monitor plus the component
 * integrations around it. Unlike the seed's Python version, the config path is
 * read and validated.
 */
import { writeJsonAtomic } from '../core/atomicFile.js';
import type { PerformanceMetrics } from '../core/snapshot.js';
import type { MonitorOptions, PerformanceSummary, CollectorSummary } from './unifiedMonitor.js';
import type { UnifiedPerformanceMonitor } from './unifiedMonitor.js';
import { createDefaultMonitor } from './factory.js';

export type ComponentState = 'active' | 'stale' | 'down' | 'disabled' | 'pending';

export interface ComprehensiveStatus {
  systemStatus: { running: boolean; startedAt: number | undefined; uptimeSeconds: number; monitorInterval: number };
  performanceSummary: PerformanceSummary;
  dashboardData: { current: PerformanceMetrics | undefined; firingAlerts: number };
  componentStatus: Record<string, { state: ComponentState; collector: CollectorSummary }>;
}

export class IntegratedPerformanceSystem {
  readonly monitor: UnifiedPerformanceMonitor;
  private _startedAt: number | undefined;

  constructor(options: MonitorOptions = {}) {
    this.monitor = createDefaultMonitor(options);
  }

  start(): void {
    if (this.monitor.isMonitoring) return this.monitor.startMonitoring(); // logs the warning
    this._startedAt = Date.now();
    this.monitor.startMonitoring();
  }

  stop(): void {
    this.monitor.stopMonitoring();
  }

  getComprehensiveStatus(): ComprehensiveStatus {
    const summary = this.monitor.getPerformanceSummary();
    const componentStatus: ComprehensiveStatus['componentStatus'] = {};
    for (const [name, c] of Object.entries(summary.collectors)) {
      const state: ComponentState = c.status === 'ok' ? 'active' : c.status === 'pending' ? 'pending' : 'down';
      componentStatus[name] = { state, collector: c };
    }
    return {
      systemStatus: {
        running: this.monitor.isMonitoring,
        startedAt: this._startedAt,
        uptimeSeconds: this._startedAt === undefined ? 0 : (Date.now() - this._startedAt) / 1000,
        monitorInterval: this.monitor.monitorInterval,
      },
      performanceSummary: summary,
      dashboardData: {
        current: summary.currentMetrics,
        firingAlerts: summary.recentAlerts.filter((a) => a.status === 'firing').length,
      },
      componentStatus,
    };
  }

  /** Writes the comprehensive status, full metrics history and alerts as one JSON report. */
  exportPerformanceReport(path: string): void {
    writeJsonAtomic(path, {
      generatedAt: new Date().toISOString(),
      status: this.getComprehensiveStatus(),
      metricsHistory: this.monitor.metricsHistory.toArray(),
      alertsHistory: this.monitor.alertsHistory.toArray(),
    });
  }
}

/** The seed's `create_integrated_system(config_path)`. */
export function createIntegratedSystem(configPath?: string, options: Omit<MonitorOptions, 'configPath'> = {}): IntegratedPerformanceSystem {
  return new IntegratedPerformanceSystem(configPath === undefined ? options : { ...options, configPath });
}
