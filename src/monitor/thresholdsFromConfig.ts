/** @module monitor/thresholdsFromConfig  Config `alert_thresholds` + `degradation_detection` → PerformanceThresholds. */
import type { EchoPerfConfig } from '../config/index.js';
import { PerformanceThresholds, THRESHOLD_FIELD_BY_METRIC } from '../analyze/thresholds.js';

export function thresholdsFromConfig(c: Readonly<EchoPerfConfig>): PerformanceThresholds {
  const t = new PerformanceThresholds();
  for (const [metric, value] of Object.entries(c.alert_thresholds)) {
    const field = THRESHOLD_FIELD_BY_METRIC.get(metric);
    if (field !== undefined && typeof value === 'number') t[field] = value;
  }
  t.degradationWindowSize = c.degradation_detection.window_size;
  t.degradationThreshold = c.degradation_detection.threshold;
  return t;
}
