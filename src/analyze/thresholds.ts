/**
 * @module analyze/thresholds
 * The seed's PerformanceThresholds and the threshold rule: max-thresholds raise
 * WARNING above, min-thresholds raise CRITICAL below, as the seed does.
 */
import { AlertSeverity } from '../core/severity.js';
import type { PerformanceMetrics, SnapshotField } from '../core/snapshot.js';
import type { Finding } from './finding.js';

/** The seed's thresholds, camelCased, with its defaults. */
export class PerformanceThresholds {
  /** ms */
  maxRequestLatency = 1000.0;
  /** ms */
  maxSensoryMotorLatency = 100.0;
  /** % */
  maxCpuUsage = 85.0;
  /** % */
  maxMemoryUsage = 90.0;
  /** % */
  maxGpuUtilization = 95.0;
  /** tokens/s */
  minTokenThroughput = 50.0;
  /** 0..1 */
  minEvolutionConvergence = 0.7;
  /** 0..1 */
  minProprioceptiveAccuracy = 0.8;
  /** samples in the trend regression window */
  degradationWindowSize = 10;
  /** relative change over the window counted as degradation (0.15 = 15 %) */
  degradationThreshold = 0.15;

  constructor(init?: Partial<PerformanceThresholds>) {
    if (init !== undefined) Object.assign(this, pickKnown(init));
  }
}

type ThresholdField = Exclude<keyof PerformanceThresholds, 'degradationWindowSize' | 'degradationThreshold'>;

export interface ThresholdRule {
  /** Metric name in snake_case (alert `metric`, config `alert_thresholds` key). */
  readonly metric: string;
  readonly field: SnapshotField;
  readonly threshold: ThresholdField;
  readonly op: 'max' | 'min';
  readonly severity: AlertSeverity;
  readonly title: string;
  readonly unit: string;
}

/** Every seed threshold, in the seed's direction and severity. */
export const THRESHOLD_RULES: readonly ThresholdRule[] = [
  { metric: 'request_latency_ms', field: 'requestLatencyMs', threshold: 'maxRequestLatency', op: 'max', severity: AlertSeverity.WARNING, title: 'High request latency', unit: 'ms' },
  { metric: 'sensory_motor_latency', field: 'sensoryMotorLatency', threshold: 'maxSensoryMotorLatency', op: 'max', severity: AlertSeverity.WARNING, title: 'High sensory-motor latency', unit: 'ms' },
  { metric: 'cpu_usage', field: 'cpuUsage', threshold: 'maxCpuUsage', op: 'max', severity: AlertSeverity.WARNING, title: 'High CPU usage', unit: '%' },
  { metric: 'memory_usage', field: 'memoryUsage', threshold: 'maxMemoryUsage', op: 'max', severity: AlertSeverity.WARNING, title: 'High memory usage', unit: '%' },
  { metric: 'gpu_utilization', field: 'gpuUtilization', threshold: 'maxGpuUtilization', op: 'max', severity: AlertSeverity.WARNING, title: 'High GPU utilization', unit: '%' },
  { metric: 'token_throughput', field: 'tokenThroughput', threshold: 'minTokenThroughput', op: 'min', severity: AlertSeverity.CRITICAL, title: 'Low token throughput', unit: ' tokens/s' },
  { metric: 'evolution_convergence', field: 'evolutionConvergence', threshold: 'minEvolutionConvergence', op: 'min', severity: AlertSeverity.CRITICAL, title: 'Low evolution convergence', unit: '' },
  { metric: 'proprioceptive_accuracy', field: 'proprioceptiveAccuracy', threshold: 'minProprioceptiveAccuracy', op: 'min', severity: AlertSeverity.CRITICAL, title: 'Low proprioceptive accuracy', unit: '' },
];

/** Config `alert_thresholds` key → PerformanceThresholds field. */
export const THRESHOLD_FIELD_BY_METRIC: ReadonlyMap<string, ThresholdField> = new Map(
  THRESHOLD_RULES.map((r) => [r.metric, r.threshold]),
);

/**
 * Evaluates every threshold against a snapshot. Pure: same inputs, same findings.
 * `alertValues` overrides the value compared for a field (e.g. the per-GPU maximum
 * where the snapshot shows the mean); `sources` names the component that reported each field.
 */
export function evaluateThresholds(
  snap: PerformanceMetrics,
  t: PerformanceThresholds,
  sources: Partial<Record<SnapshotField, string>>,
  alertValues: Partial<Record<SnapshotField, number>> = {},
): Finding[] {
  const out: Finding[] = [];
  for (const r of THRESHOLD_RULES) {
    const v = alertValues[r.field] ?? snap[r.field];
    const limit = t[r.threshold];
    if (v === undefined || !Number.isFinite(limit)) continue;
    const breached = r.op === 'max' ? v > limit : v < limit;
    if (!breached) continue;
    const component = sources[r.field] ?? 'unknown';
    out.push({
      key: `threshold:${r.metric}:${component}`,
      kind: 'threshold',
      severity: r.severity,
      component,
      metric: r.metric,
      value: v,
      threshold: limit,
      message: `${r.title}: ${fmt(v)}${r.unit} ${r.op === 'max' ? '>' : '<'} ${fmt(limit)}${r.unit}`,
      metadata: { rule: 'threshold', op: r.op },
    });
  }
  return out;
}

export function fmt(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 10 ? v.toFixed(1) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3);
}

function pickKnown(init: Partial<PerformanceThresholds>): Partial<PerformanceThresholds> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(init)) if (typeof v === 'number') out[k] = v;
  return out;
}
