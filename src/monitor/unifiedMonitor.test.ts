import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ManualClock } from '../core/clock.js';
import { MemoryLogger } from '../core/logger.js';
import { EchoPerfError } from '../core/errors.js';
import { PerformanceThresholds } from '../analyze/thresholds.js';
import { UnifiedPerformanceMonitor, type MonitorOptions } from './unifiedMonitor.js';
import { createDefaultMonitor } from './factory.js';

function make(opts: Partial<MonitorOptions> = {}): { m: UnifiedPerformanceMonitor; clock: ManualClock; log: MemoryLogger } {
  const clock = new ManualClock(1_700_000_000_000);
  const log = new MemoryLogger();
  // The seed's immediate alerts: these tests are about the monitor, not the default rules' hold.
  const config = { alerting: { default_for: 0 }, ...(opts.config as object | undefined) };
  const m = new UnifiedPerformanceMonitor({ clock, logger: log, systemCollector: false, ...opts, config });
  return { m, clock, log };
}

test('PerformanceThresholds has the seed fields and defaults', () => {
  assert.deepEqual({ ...new PerformanceThresholds() }, {
    maxRequestLatency: 1000,
    maxSensoryMotorLatency: 100,
    maxCpuUsage: 85,
    maxMemoryUsage: 90,
    maxGpuUtilization: 95,
    minTokenThroughput: 50,
    minEvolutionConvergence: 0.7,
    minProprioceptiveAccuracy: 0.8,
    degradationWindowSize: 10,
    degradationThreshold: 0.15,
  });
});

test('start and stop are idempotent, warn on repeat, and stop leaves no timer behind', async () => {
  const { m, clock, log } = make();
  m.registerCollector('hang', () => new Promise(() => {}));
  m.startMonitoring();
  m.startMonitoring();
  assert.equal(m.isMonitoring, true);
  await clock.advance(1000); // a tick starts; the hanging collector holds a timeout timer
  assert.ok(clock.pendingTimers >= 2);
  m.stopMonitoring();
  m.stopMonitoring();
  assert.equal(m.isMonitoring, false);
  assert.equal(clock.pendingTimers, 0, 'no loop timer and no collector timeout left');
  assert.deepEqual(
    log.lines.filter((l) => l.level === 'warn').map((l) => l.msg),
    ['Monitoring already running', 'Monitoring is not running'],
  );
});

test('ticks run at a fixed rate; a collector that throws, hangs or returns garbage is contained', async () => {
  const { m, clock } = make({ config: { monitoring_interval: 1, log_level: 'silent' } });
  let goodCalls = 0;
  let hangCalls = 0;
  m.registerCollector('good', () => ({ custom_metric: ++goodCalls }));
  m.registerCollector('throws', () => {
    throw new Error('sensor unplugged');
  });
  m.registerCollector('rejects', async () => Promise.reject(new Error('async boom')));
  m.registerCollector('hangs', () => {
    hangCalls++;
    return new Promise(() => {});
  });
  m.registerCollector('garbage', () => ({ nan: NaN, str: 'fast' as unknown as number, nested: { a: 1 } as unknown as number, ok_one: 3 }));
  m.registerCollector('huge', () => Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i])));
  m.registerCollector('notAnObject', () => 'hello' as unknown as Record<string, number>);
  m.startMonitoring();
  await clock.advance(5000);
  m.stopMonitoring();

  assert.equal(goodCalls, 5, 'the good collector ran on every one of 5 ticks');
  assert.equal(m.metricsHistory.length, 5);
  const times = m.metricsHistory.toArray().map((s) => s.timestamp - 1_700_000_000_000);
  assert.deepEqual(times, [1000, 2000, 3000, 4000, 5000], 'ticks do not drift');
  assert.equal(m.getCurrentMetrics()!.componentMetrics['good']!['custom_metric'], 5);

  const st = m.collectorStatus();
  assert.equal(st['good']!.status, 'ok');
  assert.equal(st['throws']!.status, 'error');
  assert.match(st['throws']!.lastError!, /threw: sensor unplugged/);
  assert.match(st['rejects']!.lastError!, /async boom/);
  assert.equal(st['hangs']!.status, 'timeout');
  assert.equal(hangCalls, 1, 'a hung collector is not called again while its call is pending');
  assert.equal(st['garbage']!.status, 'error');
  assert.match(st['garbage']!.lastError!, /"nan": value: expected a finite number, got NaN/);
  assert.match(st['garbage']!.lastError!, /"str": value: expected a finite number, got string "fast"/);
  assert.match(st['garbage']!.lastError!, /"nested": value: expected a finite number, got object/);
  assert.equal(m.getCurrentMetrics()!.componentMetrics['garbage']!['ok_one'], 3, 'valid entries are kept');
  assert.match(st['huge']!.lastError!, /returned 5000 metrics; limit is 2000/);
  assert.match(st['notAnObject']!.lastError!, /expected an object \{metric: number\} or an array of samples, got string/);

  const self = m.selfSamples();
  const val = (name: string, collector: string): number | undefined =>
    self.find((s) => s.name === name && s.labels['collector'] === collector)?.v;
  assert.equal(val('echo_perf_collector_errors_total', 'throws'), 5);
  assert.equal(val('echo_perf_collector_timeouts_total', 'hangs'), 1);
  assert.equal(val('echo_perf_collector_skipped_total', 'hangs'), 4);
  assert.equal(val('echo_perf_collector_rejected_samples_total', 'huge'), 25_000);
});

test('the timeout defaults to 80% of the interval and follows monitorInterval changes', async () => {
  const { m, clock } = make({ config: { monitoring_interval: 2, log_level: 'silent' } });
  let settledAt: number | undefined;
  m.registerCollector('slow', () => new Promise<Record<string, number>>(() => {}));
  m.onTick((s) => (settledAt ??= s.timestamp));
  m.startMonitoring();
  await clock.advance(2000 + 1599);
  assert.equal(settledAt, undefined, 'still waiting at 1.599 s');
  await clock.advance(1);
  assert.equal(settledAt, 1_700_000_002_000, 'tick completed when the 1.6 s timeout hit');
  m.monitorInterval = 0.5;
  await clock.advance(2000);
  m.stopMonitoring();
  assert.equal(m.metricsHistory.length, 5, 'one tick at 2s, then four at the new 0.5 s rate');
});

test('an alert handler that throws or never settles does not delay the loop', async () => {
  const { m, clock, log } = make();
  const seen: string[] = [];
  m.registerAlertHandler(() => {
    throw new Error('pager down');
  });
  m.registerAlertHandler(() => new Promise(() => {}));
  m.registerAlertHandler((a) => void seen.push(`${a.metric}:${a.status}`));
  m.registerCollector('c', () => ({ cpu_usage: 99 }));
  m.startMonitoring();
  await clock.advance(3000);
  m.componentCollectors.set('c', () => ({ cpu_usage: 1 }));
  await clock.advance(1000);
  m.stopMonitoring();
  await new Promise((r) => setImmediate(r));
  assert.equal(m.metricsHistory.length, 4);
  assert.deepEqual(seen, ['cpu_usage:firing', 'cpu_usage:resolved']);
  assert.ok(log.lines.some((l) => l.level === 'error' && /alert handler failed on cpu_usage \(firing\): pager down/.test(l.msg)));
  assert.equal(m.selfSamples().find((s) => s.name === 'echo_perf_alert_handler_errors_total')!.v, 2);
});

test('getCurrentMetrics is undefined before the first tick, then the latest snapshot', async () => {
  const { m } = make();
  assert.equal(m.getCurrentMetrics(), undefined);
  m.registerCollector('engine', () => ({ token_throughput: 120, request_latency_ms: 300, kv_cache_usage: 40 }));
  const s = await m.collectNow();
  assert.equal(s.tokenThroughput, 120);
  assert.equal(s.requestLatencyMs, 300);
  assert.equal(s.kvCacheUsage, 40);
  assert.equal(s.cpuUsage, undefined);
  assert.equal(m.getCurrentMetrics(), s);
});

test('metricsHistory is bounded and its maxlen can change at run time', async () => {
  const { m } = make({ config: { max_metrics_history: 5, log_level: 'silent' } });
  let i = 0;
  m.registerCollector('c', () => ({ n: ++i }));
  for (let k = 0; k < 8; k++) await m.collectNow();
  assert.equal(m.metricsHistory.length, 5);
  assert.equal(m.metricsHistory.maxlen, 5);
  m.metricsHistory.maxlen = 3;
  assert.deepEqual(m.metricsHistory.toArray().map((s) => s.componentMetrics['c']!['n']), [6, 7, 8]);
  await m.collectNow();
  assert.deepEqual(m.metricsHistory.toArray().map((s) => s.componentMetrics['c']!['n']), [7, 8, 9]);
  assert.throws(() => (m.metricsHistory.maxlen = 0), /maxlen: got 0; expected an integer >= 1/);
});

test('getRecentAlerts(hours) keeps incidents that started in the window or still fire', async () => {
  const { m, clock } = make();
  let cpu = 99;
  m.registerCollector('c', () => ({ cpu_usage: cpu, memory_usage: 10 }));
  m.startMonitoring();
  await clock.advance(1000); // cpu fires
  cpu = 10;
  await clock.advance(1000); // cpu resolves
  m.stopMonitoring();
  assert.equal(m.getRecentAlerts(1).length, 1);
  await clock.advance(2 * 3_600_000);
  assert.equal(m.getRecentAlerts(1).length, 0);
  assert.equal(m.getRecentAlerts(3).length, 1);
  assert.throws(() => m.getRecentAlerts(-1), EchoPerfError);
});

test('getPerformanceSummary has the seed keys and per-collector status', async () => {
  const { m } = make();
  m.registerCollector('c', () => ({ cpu_usage: 20 }));
  m.registerCollector('bad', () => {
    throw new Error('nope');
  });
  await m.collectNow();
  const s = m.getPerformanceSummary();
  assert.deepEqual(Object.keys(s).sort(), [
    'alertsCount', 'collectors', 'currentMetrics', 'metricsCount', 'monitoringActive', 'performanceTrends', 'recentAlerts', 'rules', 'targets', 'timestamp',
  ]);
  assert.equal(s.metricsCount, 1);
  assert.equal(s.monitoringActive, false);
  assert.equal(s.collectors['c']!.status, 'ok');
  assert.equal(s.collectors['bad']!.status, 'error');
  assert.equal(s.collectors['bad']!.lastError, 'threw: nope');
  assert.equal(typeof s.collectors['c']!.lastDurationMs, 'number');
});

test('saveMetricsToFile writes the seed shape { timestamp, metrics, alerts }', async () => {
  const { m } = make();
  m.registerCollector('c', () => ({ cpu_usage: 99 }));
  await m.collectNow();
  const path = join(mkdtempSync(join(tmpdir(), 'ep-')), 'metrics.json');
  m.saveMetricsToFile(path);
  const body = JSON.parse(readFileSync(path, 'utf8')) as { timestamp: number; metrics: { cpuUsage: number }[]; alerts: { metric: string }[] };
  assert.equal(body.timestamp, 1_700_000_000_000);
  assert.equal(body.metrics.length, 1);
  assert.equal(body.metrics[0]!.cpuUsage, 99);
  assert.equal(body.alerts[0]!.metric, 'cpu_usage');
});

test('registerCollector validates its arguments; the built-in collectors are "system" and "gpu", and replaceable', async () => {
  const { m } = make();
  assert.throws(() => m.registerCollector('', () => ({})), /name: got ""; expected a non-empty string/);
  assert.throws(() => m.registerCollector('x', 42 as never), /collector: got number; expected a function/);
  const withSystem = new UnifiedPerformanceMonitor({ clock: new ManualClock(0), logger: new MemoryLogger() });
  assert.deepEqual([...withSystem.componentCollectors.keys()], ['system', 'gpu']);
  withSystem.registerCollector('system', () => ({ cpu_usage: 42 }));
  assert.equal((await withSystem.collectNow()).cpuUsage, 42);
  withSystem.componentCollectors.delete('system');
  assert.equal((await withSystem.collectNow()).cpuUsage, undefined);
});

test('config: from an object or a file; a bad file names the field', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ep-'));
  const good = join(dir, 'good.json');
  writeFileSync(good, JSON.stringify({ monitoring_interval: 2.5, alert_thresholds: { cpu_usage: 70 }, degradation_detection: { window_size: 20, threshold: 0.3 } }));
  const m = new UnifiedPerformanceMonitor({ configPath: good, clock: new ManualClock(0), systemCollector: false, logger: new MemoryLogger() });
  assert.equal(m.monitorInterval, 2.5);
  assert.equal(m.thresholds.maxCpuUsage, 70);
  assert.equal(m.thresholds.degradationWindowSize, 20);
  assert.equal(m.thresholds.degradationThreshold, 0.3);
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ monitoring_interval: 'fast' }));
  assert.throws(
    () => new UnifiedPerformanceMonitor({ configPath: bad }),
    (e: unknown) => e instanceof EchoPerfError && e.code === 'EP_ERR_CONFIG_INVALID' && /monitoring_interval: got "fast" \(string\); expected a number/.test(e.message),
  );
});

test('createDefaultMonitor prints each alert to the console as the seed does', async () => {
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) =>
    typeof chunk === 'string' && chunk.includes('🚨') ? (lines.push(chunk), true) : write(chunk as string, ...(rest as [])));
  try {
    const m = createDefaultMonitor({ clock: new ManualClock(0), systemCollector: false, logger: new MemoryLogger(), config: { alerting: { default_for: 0 } } });
    m.registerCollector('c', () => ({ cpu_usage: 97.25 }));
    await m.collectNow();
    await m.flushAlerts();
  } finally {
    process.stdout.write = write;
  }
  assert.deepEqual(lines, ['🚨 WARNING: CPU usage 97.3 % above 85 % (warning)\n']);
});
