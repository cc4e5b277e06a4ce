/** A firing CPU alert as the monitor makes one, for tests of what consumes alerts. */
import type { PerformanceAlert } from '../../src/alert/alert.js';

export function sampleAlert(timestamp: number, over: Partial<PerformanceAlert> = {}): PerformanceAlert {
  return {
    id: 'a1',
    fingerprint: 'threshold:system:cpu_usage',
    kind: 'threshold',
    severity: 'warning',
    component: 'system',
    metric: 'cpu_usage',
    currentValue: 93.5,
    threshold: 85,
    message: 'High CPU usage: 93.5%',
    timestamp,
    status: 'firing',
    endsAt: undefined,
    metadata: { op: 'max', worstValue: 93.5 },
    ...over,
  };
}
