/**
 * @module alert/alertName
 * The `alertname` of an alert, as Prometheus rules and Alertmanager key alerts
 * by it: a stable CamelCase name per condition (`HighCpuUsage`,
 * `LowTokenThroughput`, `TokenThroughputDegrading`, `ComponentStale`,
 * `TargetDown`, `EngineStalled`, `EchoDashWriteFailed`), the same for every
 * incident of the condition.
 */
import type { PerformanceAlert } from './alert.js';

export function alertName(a: Pick<PerformanceAlert, 'kind' | 'metric' | 'metadata'>): string {
  // The unit is the metric's business, not the condition's: HighRequestLatency, not HighRequestLatencyMs.
  const metric = camel(a.metric.replace(UNIT_SUFFIX, ''));
  switch (a.kind) {
    case 'threshold':
    case 'component': {
      const op = a.metadata['op'];
      return op === 'min' ? `Low${metric}` : op === 'max' ? `High${metric}` : metric;
    }
    case 'trend':
      return `${metric}Degrading`;
    case 'baseline':
      return `${metric}OffBaseline`;
    case 'anomaly':
      return `${metric}Anomalous`;
    case 'forecast':
      return `${metric}ForecastBreach`;
    case 'slo':
      return `${metric}ErrorBudgetBurn`;
    case 'staleness':
      return 'ComponentStale';
    case 'target':
      return 'TargetDown';
    case 'engine':
      return metric;
  }
}

const UNIT_SUFFIX = /_(ms|ns|us|s|seconds|bytes|percent)$/;

/** `token_throughput` → `TokenThroughput`; anything but letters and digits separates words. */
function camel(s: string): string {
  let out = '';
  for (const w of s.split(/[^A-Za-z0-9]+/)) if (w !== '') out += w[0]!.toUpperCase() + w.slice(1);
  return out === '' ? 'Alert' : out;
}
