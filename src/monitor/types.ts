/** @module monitor/types  The shapes the monitor's API takes and returns. */
import type { GpuStatus } from './gpuStatus.js';
import type { NotifierStatus } from '../notify/center.js';
import type { RulesStatus } from './rulesStatus.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { PerformanceMetrics } from '../core/snapshot.js';
import type { Collector } from '../core/types.js';
import type { EchoPerfConfigInput } from '../config/index.js';
import type { CollectorStatus } from '../collect/runner.js';
import type { TargetStatus } from '../collect/scrape/index.js';
import type { Trend } from '../analyze/trend.js';
import type { ServingStatus } from '../analyze/slo/index.js';
import type { PerformanceAlert } from '../alert/alert.js';

export interface MonitorOptions {
  /** Path of a JSON config file in the seed's shape. */
  configPath?: string;
  /** A config object in the config file's shape (wins over configPath). */
  config?: EchoPerfConfigInput;
  /** Time source; tests pass a ManualClock. */
  clock?: Clock;
  logger?: Logger;
  /** Replaces the built-in host collector registered as `system` (false: none). */
  systemCollector?: Collector | false;
  /** Replaces the built-in GPU collector registered as `gpu` (false: none). */
  gpuCollector?: Collector | false;
  /**
   * Keep history on disk when config `storage.enabled` is not set. The agent
   * (`echo-perf start`) passes true; a library monitor stays memory-only unless
   * its config asks (`storage.enabled` or `storage.data_dir`).
   */
  persistByDefault?: boolean;
  /** Data dir, over config `storage.data_dir` (`echo-perf start --data-dir`). */
  dataDir?: string;
}

export interface CollectorSummary {
  status: CollectorStatus['status'];
  lastError: string | undefined;
  lastDurationMs: number | undefined;
  lastRunAt: number | undefined;
  lastSuccessAt: number | undefined;
  samples: number;
  errorsTotal: number;
  timeoutsTotal: number;
  /** The collector's own account of itself, when it gives one (e.g. the GPU collector: which tool, why unavailable). */
  detail?: unknown;
}

export interface PerformanceSummary {
  timestamp: number;
  monitoringActive: boolean;
  metricsCount: number;
  alertsCount: number;
  currentMetrics: PerformanceMetrics | undefined;
  recentAlerts: PerformanceAlert[];
  performanceTrends: Record<string, Trend>;
  collectors: Record<string, CollectorSummary>;
  /** Scrape targets by name: health (up/down), last error, last duration. */
  targets: Record<string, TargetStatus>;
  /** With engines configured, LLM serving: SLOs (objective, good share and budget left over the period, burn rates) and per engine goodput and tokens per joule. */
  llm?: ServingStatus;
  /** The per-series rules: counts, what each baseline learnt, pending alerts (bounded lists). */
  rules: RulesStatus;
  /** With remote notifiers configured: each one's target, outbox queue, sent / failed / retried and last error. */
  notifiers?: NotifierStatus[];
  /** When GPUs report: per GPU utilisation, memory, power against its cap, temperature, bound-by, engines served, throttle reasons, PCIe link. */
  gpus?: GpuStatus[];
}

/** A component's state as the integrated system reports it. */
export type ComponentState = 'active' | 'stale' | 'down' | 'disabled' | 'pending';

export type TickListener = (snapshot: PerformanceMetrics, events: readonly PerformanceAlert[]) => void;

/** Whether the collection loop is alive (GET /healthz). */
export interface TickHealth {
  ok: boolean;
  /** Why not ok. */
  reason?: string;
  monitoring: boolean;
  ticks: number;
  /** Clock time (ms) of the last completed tick. */
  lastTickAt: number | undefined;
  /** Seconds since the last completed tick (or since start, before the first). */
  lastTickAgeSeconds: number | undefined;
}
