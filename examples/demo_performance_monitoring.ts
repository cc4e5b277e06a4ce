/**
 * The seed's demo_performance_monitoring.py, in TypeScript: embed a monitor,
 * add custom collectors (an engine, DTESN, Echo-Self) and alert handlers as the
 * seed's README shows, run it, then print the summary and save the metrics.
 *
 *   npx tsx examples/demo_performance_monitoring.ts [seconds=6] [out=./demo_metrics.json]
 */
import { AlertSeverity, createDefaultMonitor, type PerformanceAlert } from 'echo-perf';

const seconds = Number(process.argv[2] ?? 6);
const out = process.argv[3] ?? 'demo_metrics.json';

// A few seconds of demo: alerts fire at once (`default_for: 0`) instead of after the default rules' 60 s hold.
const monitor = createDefaultMonitor({ config: { monitoring_interval: 0.5, log_level: 'warn', alerting: { default_for: 0 } } });

// Thresholds, as the seed's "Configuration" section customises them.
monitor.thresholds.maxRequestLatency = 500;
monitor.thresholds.minTokenThroughput = 75;

// An engine whose throughput decays: first a trend alert, then the min-threshold alert.
let step = 0;
monitor.registerCollector('aphrodite', () => {
  step++;
  return {
    token_throughput: Math.max(10, 160 - step * 12),
    request_latency_ms: 180 + step * 40,
    kv_cache_usage: Math.min(99, 40 + step * 4),
  };
});
monitor.registerCollector('dtesn', () => ({ membrane_evolution_rate: 118 + Math.sin(step) * 5, reservoir_dynamics: 0.52, p_system_transitions: 480 }));
monitor.registerCollector('echo_self', () => ({ evolution_convergence: 0.9 - step * 0.02, fitness_improvement: 0.01, agent_performance: 0.84 }));

// Custom alert handlers, as in the seed's "Custom Alert Handlers".
const counts: Record<string, number> = { info: 0, warning: 0, critical: 0 };
monitor.registerAlertHandler((alert: PerformanceAlert) => {
  if (alert.status !== 'firing') return;
  counts[alert.severity]!++;
  if (alert.severity === AlertSeverity.CRITICAL) console.log(`   ↳ urgent: paging on-call for ${alert.component}/${alert.metric}`);
});

console.log(`Collectors: ${[...monitor.componentCollectors.keys()].join(', ')}`);
monitor.startMonitoring();
const keepAlive = setInterval(() => {}, 1000);
await new Promise((r) => setTimeout(r, seconds * 1000));
monitor.stopMonitoring();
clearInterval(keepAlive);
await monitor.flushAlerts();

const m = monitor.getCurrentMetrics();
console.log(`CPU Usage: ${m?.cpuUsage?.toFixed(1)}%`);
console.log(`Token Throughput: ${m?.tokenThroughput?.toFixed(1)} tokens/s`);
const summary = monitor.getPerformanceSummary();
console.log(`Monitored ${summary.metricsCount} snapshots; ${summary.alertsCount} alert incidents`);
console.log(`Alerts by severity: ${JSON.stringify(counts)}`);
for (const [metric, t] of Object.entries(summary.performanceTrends)) console.log(`Trend ${metric}: ${t.direction} (${(t.relativeChange * 100).toFixed(1)}% over ${t.samples} samples)`);
monitor.saveMetricsToFile(out);
console.log(`Metrics saved to ${out}`);
