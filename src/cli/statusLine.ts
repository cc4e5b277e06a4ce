/** @module cli/statusLine  The compact live line `echo-perf start` prints. */
import type { PerformanceMetrics } from '../core/snapshot.js';
import type { CollectorSummary } from '../monitor/unifiedMonitor.js';

const pct = (v: number | undefined): string => (v === undefined ? '–' : `${v.toFixed(1)}%`);
const num = (v: number | undefined, digits = 1): string => (v === undefined ? '–' : v.toFixed(digits));

export function formatStatusLine(
  m: PerformanceMetrics,
  firing: number,
  collectors: Record<string, CollectorSummary>,
): string {
  const sys = m.componentMetrics['system'] ?? {};
  const names = Object.keys(collectors);
  const ok = names.filter((n) => collectors[n]!.status === 'ok').length;
  const parts = [
    new Date(m.timestamp).toISOString().slice(11, 19),
    `cpu ${pct(m.cpuUsage)}`,
    `mem ${pct(m.memoryUsage)}`,
    `disk ${pct(m.diskUsage)}`,
    `load ${num(sys['load_average_1m'], 2)}`,
  ];
  if (m.gpuUtilization !== undefined) parts.push(`gpu ${pct(m.gpuUtilization)}`);
  if (m.tokenThroughput !== undefined) parts.push(`tok/s ${num(m.tokenThroughput)}`);
  if (m.requestLatencyMs !== undefined) parts.push(`lat ${num(m.requestLatencyMs, 0)}ms`);
  if (m.kvCacheUsage !== undefined) parts.push(`kv ${pct(m.kvCacheUsage)}`);
  parts.push(`alerts ${firing} firing`, `collectors ${ok}/${names.length} ok`);
  return parts.join(' | ');
}
