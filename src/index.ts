/**
 * echo-perf: a real-time performance monitor for AI inference stacks.
 * @module echo-perf
 * @example
 * import { createDefaultMonitor } from 'echo-perf';
 * const monitor = createDefaultMonitor();
 * monitor.startMonitoring();
 */
export { UnifiedPerformanceMonitor } from './monitor/unifiedMonitor.js';
export type { MonitorOptions, PerformanceSummary, CollectorSummary, TickListener } from './monitor/unifiedMonitor.js';
export { createDefaultMonitor } from './monitor/factory.js';
export { IntegratedPerformanceSystem, createIntegratedSystem } from './monitor/integrated.js';
export type { ComprehensiveStatus, IntegratedOptions } from './monitor/integrated.js';
export type { ComponentState } from './monitor/unifiedMonitor.js';
export { PerformanceThresholds, THRESHOLD_RULES } from './analyze/thresholds.js';
export type { Trend } from './analyze/trend.js';
export { AlertSeverity } from './core/severity.js';
export type { PerformanceAlert, AlertStatus } from './alert/alert.js';
export type { AlertGroup, AlertGroupHandler, AlertHandler } from './notify/dispatch.js';
export { consoleAlertHandler, formatAlertLine } from './notify/console.js';
export { ManualClock, SystemClock } from './core/clock.js';
export type { Clock, Timer } from './core/clock.js';
export { EchoPerfError, TimeoutError, ErrorCodes } from './core/errors.js';
export type { ErrorCode } from './core/errors.js';
export { MemoryLogger, createStreamLogger, silentLogger } from './core/logger.js';
export type { Logger, LogLevel } from './core/logger.js';
export { SNAPSHOT_FIELDS } from './core/snapshot.js';
export type { PerformanceMetrics, SnapshotField } from './core/snapshot.js';
export type { Sample, Labels, Collector, CollectorFn, CollectorResult, CollectedSample, MetricType } from './core/types.js';
export { parseExposition, parseExpositionAsync, formatExposition, readExposition, negotiateFormat, contentTypeFor } from './core/exposition/index.js';
export type {
  MetricFamily,
  ExpositionSample,
  Exemplar,
  ExpositionFormat,
  ExpositionVisitor,
  ParseOptions,
  ParseLimits,
} from './core/exposition/index.js';
export { parseConfig, loadConfigFile, configJsonSchema } from './config/index.js';
export type { EchoPerfConfig, EchoPerfConfigInput } from './config/index.js';
export { BoundedHistory } from './store/history.js';
export { createSystemCollector } from './collect/system/index.js';
export type { MetricQuery, MetricQueryResult } from './monitor/query.js';
export { rateRange, quantileRange, stepTimes } from './analyze/query.js';
export type { RangeSeries } from './analyze/query.js';
