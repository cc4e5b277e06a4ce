import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runScript } from '../../test/helpers/seriesDsl.js';

/** The seed's immediate alerts: the default rules' hold (`alerting.default_for`, 60 s) set to 0. */
const IMMEDIATE = { alerting: { default_for: 0 } };

test('a max-threshold breach that holds for many ticks is one WARNING incident, then resolved', async () => {
  const { events, monitor } = await runScript(`
    load 1s
    cpu_usage 50 95x5 50 50
    expect firing at 2s cpu_usage
    expect resolved at 7s cpu_usage
    expect nothing else
  `, IMMEDIATE);
  assert.equal(events.length, 2, 'handlers are called once on firing and once on resolution');
  const [firing, resolved] = events;
  assert.equal(firing!.alert.severity, 'warning');
  assert.equal(firing!.alert.status, 'firing');
  assert.equal(firing!.alert.component, 'dsl');
  assert.equal(firing!.alert.metric, 'cpu_usage');
  assert.equal(firing!.alert.threshold, 85);
  assert.equal(firing!.alert.currentValue, 95);
  assert.equal(resolved!.alert.id, firing!.alert.id, 'the resolution is the same alert');
  assert.equal(resolved!.alert.endsAt, 7000);
  assert.equal(monitor.alertsHistory.length, 1, 'one record per incident');
  assert.equal(monitor.alertsHistory.at(0)!.status, 'resolved');
});

test('min-thresholds raise CRITICAL below: token throughput, evolution convergence, proprioceptive accuracy', async () => {
  const { events } = await runScript(`
    load 1s
    token_throughput 100 10x3 100
    evolution_convergence 0.9 0.5 0.9 0.9 0.9
    proprioceptive_accuracy 0.95x3 0.7 0.7
    expect firing at 2s token_throughput
    expect resolved at 5s token_throughput
    expect firing at 2s evolution_convergence
    expect resolved at 3s evolution_convergence
    expect firing at 4s proprioceptive_accuracy
    expect nothing else
  `, IMMEDIATE);
  for (const e of events.filter((x) => x.alert.status === 'firing')) assert.equal(e.alert.severity, 'critical');
});

test('every seed max-threshold uses its seed default and WARNING', async () => {
  const { events } = await runScript(`
    load 1s
    request_latency_ms 999 1001
    sensory_motor_latency 99 101
    memory_usage 89 91
    gpu_utilization 94 96
    expect firing at 2s request_latency_ms
    expect firing at 2s sensory_motor_latency
    expect firing at 2s memory_usage
    expect firing at 2s gpu_utilization
    expect nothing else
  `, IMMEDIATE);
  assert.equal(events.length, 4);
  assert.ok(events.every((e) => e.alert.severity === 'warning'));
  assert.match(events.find((e) => e.alert.metric === 'request_latency_ms')!.alert.message, /^Request latency 1001 ms above 1000 ms \(warning\)$/);
});

test('config alert_thresholds move the thresholds', async () => {
  const { events } = await runScript(
    `
    load 1s
    cpu_usage 75 81
    token_throughput 80 70
    expect firing at 2s cpu_usage
    expect firing at 2s token_throughput
    expect nothing else
  `,
    { ...IMMEDIATE, alert_thresholds: { cpu_usage: 80, token_throughput: 75 } },
  );
  assert.equal(events.length, 2);
});

test('no collector for a metric means no alert on it: undefined is not 0', async () => {
  const { events, monitor } = await runScript(`
    load 1s
    cpu_usage 10 10 10
  `);
  assert.equal(events.length, 0);
  const m = monitor.getCurrentMetrics()!;
  assert.equal(m.tokenThroughput, undefined);
  assert.equal(m.requestLatencyMs, undefined);
  assert.equal(m.cpuUsage, 10);
});

test('trend: a steady decline past the degradation threshold raises one WARNING', async () => {
  const { events, monitor } = await runScript(`
    load 1s
    token_throughput 200-10x11
  `);
  const trend = events.filter((e) => e.alert.kind === 'trend');
  assert.equal(trend.length, 1);
  assert.equal(trend[0]!.alert.severity, 'warning');
  assert.equal(trend[0]!.alert.metric, 'token_throughput');
  assert.equal(trend[0]!.at, 10_000, 'fires once the window of 10 samples is full');
  assert.equal(trend[0]!.alert.message, 'Token throughput fell 45 % over 9 s (fit R² 1)', 'relative to the fitted start (200), not the mean');
  const trends = monitor.getPerformanceSummary().performanceTrends;
  assert.equal(trends['token_throughput']!.direction, 'degrading');
  assert.ok(Math.abs(trends['token_throughput']!.slope - -10) < 1e-9, 'slope is -10 per second');
});

test('trend: a flat noisy series does not alert', async () => {
  const { events } = await runScript(`
    load 1s
    token_throughput 100 102 99 101 100 98 102 100 101 99 100 101
  `);
  assert.equal(events.length, 0);
});

test('labelled series feed a field with their mean and alert on the worst one', async () => {
  const { ManualClock } = await import('../core/clock.js');
  const { UnifiedPerformanceMonitor } = await import('./unifiedMonitor.js');
  const clock = new ManualClock(0);
  const m = new UnifiedPerformanceMonitor({ config: { log_level: 'silent', ...IMMEDIATE }, clock, systemCollector: false });
  m.registerCollector('gpus', () => [
    { name: 'gpu_utilization', value: 50, labels: { gpu: '0' } },
    { name: 'gpu_utilization', value: 98, labels: { gpu: '1' } },
  ]);
  const snap = await m.collectNow();
  assert.equal(snap.gpuUtilization, 74);
  assert.deepEqual({ ...snap.componentMetrics['gpus'] }, { 'gpu_utilization{gpu="0"}': 50, 'gpu_utilization{gpu="1"}': 98 });
  const alerts = m.getRecentAlerts();
  assert.equal(alerts.length, 1);
  assert.equal(alerts[0]!.currentValue, 98);
});

test('trend: a swing inside noise is not a trend (R² below 0.5), a noisy but real decline is', async () => {
  // Noise around 100 whose fitted line falls 16 % by chance (slope-only, the seed's check, would fire; R² 0.11).
  const flat = '115 80 125 95 110 90 120 80 100 85';
  const noise = [0, 12, -10, 8, -12, 10, -8, 12, -6, -10];
  const falling = noise.map((n, i) => 160 - i * 8 + n / 2).join(' ');
  const a = await runScript(`load 1s\n token_throughput ${flat}`, { alert_thresholds: { token_throughput: 1 } });
  assert.equal(a.events.length, 0);
  const b = await runScript(`load 1s\n token_throughput ${falling}`, { alert_thresholds: { token_throughput: 1 } });
  assert.equal(b.events.filter((e) => e.alert.kind === 'trend').length, 1);
});

test('`expect nothing else` fails a script with an alert no expect line names; without it the extra passes', async () => {
  const script = `
    load 1s
    cpu_usage 50 95 50
    memory_usage 50 95 50
    expect firing at 2s cpu_usage
    expect resolved at 3s cpu_usage`;
  const { events } = await runScript(script, IMMEDIATE);
  assert.equal(events.length, 4, 'memory_usage fired and resolved too');
  await assert.rejects(runScript(`${script}\n    expect nothing else`, IMMEDIATE), /no `expect` line names/);
});
