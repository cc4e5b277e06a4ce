import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runScript } from '../../test/helpers/seriesDsl.js';
import { ManualClock } from '../core/clock.js';
import { UnifiedPerformanceMonitor } from './unifiedMonitor.js';

test('defaults: cpu_usage oscillating 84-88 % around 85 % for 2 min raises at most one alert', async () => {
  const wave = Array.from({ length: 120 }, (_, i) => [84, 86, 88, 86][i % 4]).join(' ');
  const { events } = await runScript(`load 1s\n cpu_usage ${wave}`);
  const cpu = events.filter((e) => e.alert.metric === 'cpu_usage');
  assert.ok(cpu.length <= 1, `got ${cpu.length} events: ${JSON.stringify(cpu.map((e) => [e.alert.status, e.at]))}`);
});

test('defaults: a breach holds 60 s before firing, and the resolution reads "back to … after …"', async () => {
  const { events } = await runScript(`load 1s\n cpu_usage 97x90 62x3`);
  assert.deepEqual(events.map((e) => [e.alert.status, e.at]), [['firing', 61_000], ['resolved', 91_000]], 'first sample at 1 s, firing 60 s later');
  assert.equal(events[0]!.alert.message, 'CPU usage 97 % above 85 % (warning)');
  assert.equal(events[1]!.alert.message, 'CPU usage back to 62 % (≤ 80.8 %) after 30 s');
  assert.equal(events[1]!.alert.metadata['firingMessage'], 'CPU usage 97 % above 85 % (warning)');
});

test('defaults: an engine TTFT p95 of 10 s raises a CRITICAL alert naming the engine; KV cache at 99.8 % too', async () => {
  const clock = new ManualClock(0);
  const m = new UnifiedPerformanceMonitor({ config: { log_level: 'silent' }, clock, systemCollector: false });
  m.registerCollector('vllm', () => [
    { name: 'ttft_ms_p95', value: 10_000, labels: { engine: 'vllm', model: 'm' } },
    { name: 'kv_cache_usage', value: 99.8, labels: { engine: 'vllm', model: 'm' } },
    { name: 'request_latency_ms', value: 8000, labels: { engine: 'vllm', model: 'm' } },
  ]);
  const events: { metric: string; severity: string; labels: unknown; status: string }[] = [];
  m.registerAlertHandler((a) => void events.push({ metric: a.metric, severity: a.severity, labels: a.labels, status: a.status }));
  m.startMonitoring();
  await clock.advance(70_000);
  m.stopMonitoring();
  await m.flushAlerts();
  const fired = events.filter((e) => e.status === 'firing').sort((a, b) => a.metric.localeCompare(b.metric));
  assert.deepEqual(fired, [
    { metric: 'kv_cache_usage', severity: 'critical', labels: { engine: 'vllm', model: 'm' }, status: 'firing' },
    { metric: 'ttft_ms_p95', severity: 'critical', labels: { engine: 'vllm', model: 'm' }, status: 'firing' },
  ], 'the end-to-end latency of a long generation is not held to the seed’s 1000 ms');
});

test('run-time thresholds: changing monitor.thresholds changes the rules at the next tick', async () => {
  const clock = new ManualClock(0);
  const m = new UnifiedPerformanceMonitor({ config: { log_level: 'silent', alerting: { default_for: 0 } }, clock, systemCollector: false });
  m.registerCollector('host', () => ({ cpu_usage: 70 }));
  await m.collectNow();
  assert.equal(m.getRecentAlerts().length, 0);
  m.thresholds.maxCpuUsage = 60;
  await clock.advance(1000);
  await m.collectNow();
  const alerts = m.getRecentAlerts();
  assert.deepEqual(alerts.map((a) => [a.metric, a.threshold, a.status]), [['cpu_usage', 60, 'firing']]);
});

test('rules config: a rule named like a default replaces it; enabled: false turns it off', async () => {
  const off = await runScript(`load 1s\n cpu_usage 99x5`, { alerting: { default_for: 0 }, rules: [{ kind: 'threshold', name: 'threshold:cpu_usage', metric: 'cpu_usage', enabled: false }] });
  assert.equal(off.events.length, 0);
  const moved = await runScript(`load 1s\n cpu_usage 95x3 99x2`, { rules: [{ kind: 'threshold', name: 'threshold:cpu_usage', metric: 'cpu_usage', above: { warning: 90, critical: 98 } }] });
  assert.deepEqual(
    moved.events.map((e) => [e.alert.status, e.alert.severity, e.alert.metadata['escalated']]),
    [
      ['firing', 'warning', undefined],
      ['firing', 'critical', true],
    ],
    'a config rule without `for` fires at once, and its escalation is told again',
  );
});
