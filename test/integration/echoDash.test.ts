import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { ManualClock } from '../../src/core/clock.js';
import { MemoryLogger } from '../../src/core/logger.js';
import { SNAPSHOT_FIELDS, type PerformanceMetrics } from '../../src/core/snapshot.js';
import { EchoDashWriter, type EchoDashWriterOptions } from '../../src/notify/echoDash/index.js';
import { tempDir } from '../helpers/tempTree.js';
import { sampleAlert } from '../helpers/alerts.js';

const T0 = 1_700_000_000_250; // ms; unix second 1700000000
const SEED_KEYS = ['timestamp', 'severity', 'component', 'metric', 'current_value', 'threshold', 'message', 'metadata', 'status'];


function make(statsDir: string, over: Partial<EchoDashWriterOptions> = {}) {
  const clock = new ManualClock(T0);
  const logger = new MemoryLogger();
  const writer = new EchoDashWriter({ statsDir, clock, logger, startedAt: T0 - 90_000, ...over });
  return { writer, clock, logger };
}


const readJson = (path: string): Record<string, unknown> => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
const alertFiles = (dir: string): string[] => readdirSync(dir).filter((f) => /^alert_.*\.json$/.test(f)).sort();

void test('alert files: the seed keys and values, one file per event, same-second events never overwrite', async (t) => {
  const dir = tempDir(t);
  const { writer, clock } = make(dir);
  writer.writeAlert(sampleAlert(T0));
  const firing = readJson(join(dir, 'alert_1700000000.json'));
  assert.deepEqual(Object.keys(firing), SEED_KEYS);
  assert.deepEqual(firing, {
    timestamp: 1_700_000_000.25,
    severity: 'warning',
    component: 'system',
    metric: 'cpu_usage',
    current_value: 93.5,
    threshold: 85,
    message: 'High CPU usage: 93.5%',
    metadata: { op: 'max', worstValue: 93.5 },
    status: 'firing',
  });

  // The resolution is a second event, stamped with the time the incident ended.
  writer.writeAlert(sampleAlert(T0, { status: 'resolved', endsAt: T0 + 5_500, currentValue: 40 }));
  const resolved = readJson(join(dir, 'alert_1700000005.json'));
  assert.equal(resolved['status'], 'resolved');
  assert.equal(resolved['timestamp'], 1_700_000_005.75);
  assert.equal(resolved['current_value'], 40);

  // Three events within one second of the ManualClock: three files, the first keeps the seed's name.
  await clock.advance(60_000);
  const at = clock.now();
  writer.writeAlert(sampleAlert(T0, { id: 'b', severity: 'critical', metric: 'gpu_utilization', timestamp: at }));
  writer.writeAlert(sampleAlert(T0, { id: 'c', metric: 'memory_usage', timestamp: at + 100 }));
  writer.writeAlert(sampleAlert(T0, { id: 'd', metric: 'disk_usage', timestamp: at + 700 }));
  const s = Math.floor(at / 1000);
  assert.deepEqual(alertFiles(dir), ['alert_1700000000.json', 'alert_1700000005.json', `alert_${s}.json`, `alert_${s}_1.json`, `alert_${s}_2.json`]);
  assert.equal(readJson(join(dir, `alert_${s}.json`))['severity'], 'critical');
  assert.equal(readJson(join(dir, `alert_${s}_1.json`))['metric'], 'memory_usage');
  assert.equal(readJson(join(dir, `alert_${s}_2.json`))['metric'], 'disk_usage');
  assert.deepEqual(writer.health(), { ok: true, statsDir: dir, alertFilesWritten: 5, dashboardWrites: 0, failuresTotal: 0, alertFilesRemoved: 0 });
});

void test('an alert file already on disk (an earlier run, another writer) is never overwritten', (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'alert_1700000000.json'), '{"mine":true}');
  const { writer } = make(dir);
  writer.writeAlert(sampleAlert(T0));
  assert.deepEqual(readJson(join(dir, 'alert_1700000000.json')), { mine: true });
  assert.equal(readJson(join(dir, 'alert_1700000000_1.json'))['metric'], 'cpu_usage');
});

void test('log line: ECHO_DASH_ALERT: <severity>:<component>:<metric>:<value>', (t) => {
  const { writer } = make(tempDir(t));
  assert.equal(writer.logLine(sampleAlert(T0)), 'ECHO_DASH_ALERT: warning:system:cpu_usage:93.5');
  const crit = sampleAlert(T0, { severity: 'critical', component: 'echo_self', metric: 'evolution_convergence', currentValue: 0.1 + 0.2 });
  assert.equal(writer.logLine(crit), 'ECHO_DASH_ALERT: critical:echo_self:evolution_convergence:0.30000000000000004');
  assert.equal(writer.logLine(sampleAlert(T0, { currentValue: 1e-7 })), 'ECHO_DASH_ALERT: warning:system:cpu_usage:1e-7');
  assert.equal(writer.logLine(sampleAlert(T0, { currentValue: 250 })), 'ECHO_DASH_ALERT: warning:system:cpu_usage:250');
});

function snapshot(values: Partial<Record<keyof typeof SNAPSHOT_FIELDS, number>>, componentMetrics: PerformanceMetrics['componentMetrics']): PerformanceMetrics {
  const s = { timestamp: T0, componentMetrics } as Record<string, unknown>;
  for (const f of Object.keys(SNAPSHOT_FIELDS)) s[f] = values[f as keyof typeof SNAPSHOT_FIELDS];
  return s as PerformanceMetrics;
}

void test('performance_metrics.json: the seed dashboard shape, snapshot values, null for absent, alert counts', async (t) => {
  const dir = tempDir(t);
  const { writer, clock } = make(dir);
  await clock.advance(10_000);
  const snap = snapshot(
    { cpuUsage: 42.5, memoryUsage: 61, tokenThroughput: 0, requestLatencyMs: 180, membraneLevel: 4, evolutionConvergence: 0.82 },
    {
      system: { cpu_usage: 42.5, load_average_1m: 1.5, load_average_5m: 0.75, load_average_15m: 0.25 },
      dtesn: { membrane_level: 4, cache_hit_ratio: 0.9, 'membrane_count{level="2"}': 1 },
    },
  );
  const firing = [
    ...Array.from({ length: 11 }, (_, i) => sampleAlert(T0, { id: `w${i}`, metric: `m${i}`, timestamp: T0 + i * 1000 })),
    sampleAlert(T0, { id: 'c', severity: 'critical', metric: 'proprioceptive_accuracy', component: 'embodied', timestamp: T0 + 500 }),
    sampleAlert(T0, { id: 'i', severity: 'info', timestamp: T0 - 1000 }),
  ];
  writer.writeDashboard(snap, firing, { monitoring: { interval_s: 1 }, alerts: 'must not replace the section' });
  const doc = readJson(join(dir, 'performance_metrics.json'));
  const { alerts, ...rest } = doc as { alerts: { recent: Record<string, unknown>[] } & Record<string, unknown> };
  assert.deepEqual(rest, {
    timestamp: 1_700_000_010.25,
    team_member: 'echo-perf',
    uptime: 100,
    system: { cpu_percent: 42.5, memory_percent: 61, disk_percent: null, load_average: [1.5, 0.75, 0.25] },
    process: {
      performance: { token_throughput: 0, request_latency_ms: 180, kv_cache_usage: null, gpu_utilization: null, gpu_memory_usage: null },
    },
    // The seed's fields first, then what the component reported besides.
    dtesn: { membrane_evolution_rate: null, reservoir_dynamics: null, membrane_level: 4, p_system_transitions: null, cache_hit_ratio: 0.9, 'membrane_count{level="2"}': 1 },
    echo_self: { evolution_convergence: 0.82, fitness_improvement: null, agent_performance: null },
    embodied: { sensory_motor_latency: null, proprioceptive_accuracy: null },
    monitoring: { interval_s: 1 },
  });
  assert.equal(alerts['count'], 13);
  assert.equal(alerts['critical_count'], 1);
  assert.equal(alerts['warning_count'], 11);
  assert.equal(alerts.recent.length, 10);
  assert.deepEqual(alerts.recent.map((a) => a['metric']), ['m10', 'm9', 'm8', 'm7', 'm6', 'm5', 'm4', 'm3', 'm2', 'm1']);
  assert.deepEqual(Object.keys(alerts.recent[0]!), SEED_KEYS);

  // No snapshot yet (first tick) and nothing firing: every metric null, never 0; no load_average.
  writer.writeDashboard(undefined, []);
  const empty = readJson(join(dir, 'performance_metrics.json')) as { system: object; alerts: object; dtesn: object };
  assert.deepEqual(empty.system, { cpu_percent: null, memory_percent: null, disk_percent: null });
  assert.deepEqual(empty.alerts, { count: 0, critical_count: 0, warning_count: 0, recent: [] });
  assert.ok(Object.values(empty.dtesn).every((v) => v === null));
  assert.equal(writer.health().dashboardWrites, 2);
});

// Runs in a worker thread: parses the dashboard and every alert file as fast as it can until told to stop.
const READER = `
const { readFileSync, readdirSync } = require('node:fs');
const { join } = require('node:path');
const { parentPort, workerData } = require('node:worker_threads');
const stop = new Int32Array(workerData.stop), dir = workerData.dir, errors = [];
let dashboardReads = 0, alertReads = 0, vanished = 0;
parentPort.postMessage('ready');
while (Atomics.load(stop, 0) === 0) {
  try { JSON.parse(readFileSync(join(dir, 'performance_metrics.json'), 'utf8')); dashboardReads++; }
  catch (e) { errors.push('performance_metrics.json: ' + e.message); }
  for (const f of readdirSync(dir)) {
    if (!/^alert_.*\\.json$/.test(f)) continue;
    let text;
    try { text = readFileSync(join(dir, f), 'utf8'); }
    catch (e) { if (e.code === 'ENOENT') { vanished++; continue; } errors.push(f + ': ' + e.message); continue; }
    try { JSON.parse(text); alertReads++; } catch (e) { errors.push(f + ': ' + e.message); }
  }
}
parentPort.postMessage({ dashboardReads, alertReads, vanished, errorCount: errors.length, errors: errors.slice(0, 5) });
`;

type ReaderResult = { dashboardReads: number; alertReads: number; vanished: number; errorCount: number; errors: string[] };

void test('a reader polling the stats dir never parses a half-written file', async (t) => {
  const dir = tempDir(t);
  const { writer, clock } = make(dir, { maxAlertFiles: 20, cleanupEveryWrites: 10 });
  writer.writeDashboard(undefined, []);
  writer.writeAlert(sampleAlert(T0));
  const stop = new SharedArrayBuffer(4);
  const worker = new Worker(READER, { eval: true, workerData: { dir, stop } });
  t.after(() => worker.terminate());
  await once(worker, 'message'); // 'ready'
  const done = once(worker, 'message') as Promise<[ReaderResult]>;

  // Rewrite both kinds of file for at least 1 s; sizes vary so a torn write could not parse.
  // 4000 writes, or fewer on a slow host (coverage on, a loaded CI machine): the cap is a
  // bound on the test's length, and 1000 rewrites still race the reader hundreds of times.
  const started = performance.now();
  let writes = 0;
  for (let i = 1; (writes < 4000 || performance.now() - started < 1000) && performance.now() - started < 30_000; i++) {
    const snap = snapshot({ cpuUsage: i % 100, tokenThroughput: i * 1.5 }, { dtesn: { [`k${i % 50}`]: i } });
    writer.writeDashboard(snap, [sampleAlert(T0, { id: String(i), message: 'x'.repeat(i % 3000) })], { pad: 'y'.repeat((i * 7919) % 20_000) });
    writer.writeAlert(sampleAlert(T0, { id: String(i), timestamp: clock.now() + i * 400, message: 'z'.repeat(i % 5000) }));
    writes += 2;
  }
  Atomics.store(new Int32Array(stop), 0, 1);
  const [r] = await done;
  assert.equal(r.errorCount, 0, `reader saw invalid JSON: ${r.errors.join('; ')}`);
  assert.ok(writes >= 1000, `writes: ${writes}`);
  assert.ok(r.dashboardReads > 100, `dashboard reads: ${r.dashboardReads}`);
  assert.ok(r.alertReads > 100, `alert file reads: ${r.alertReads}`);
  assert.ok(writer.health().ok);
  assert.ok(alertFiles(dir).length <= 20 + 10);
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temp files left behind');
});

void test('cleanup by count keeps the newest files', (t) => {
  const dir = tempDir(t);
  const { writer } = make(dir, { maxAlertFiles: 5, cleanupEveryWrites: 4 });
  for (let i = 0; i < 12; i++) writer.writeAlert(sampleAlert(T0, { timestamp: T0 + i * 1000 }));
  // Cleanup ran after writes 4, 8 and 12: exactly the 5 newest remain.
  assert.deepEqual(alertFiles(dir), [7, 8, 9, 10, 11].map((i) => `alert_${1_700_000_000 + i}.json`));
  assert.equal(writer.health().alertFilesRemoved, 7);
  writer.writeAlert(sampleAlert(T0, { timestamp: T0 + 12_000 }));
  assert.equal(alertFiles(dir).length, 6, 'between cleanups the count may exceed the cap by < cleanupEveryWrites');
  assert.equal(writer.cleanup(), 1);
  assert.deepEqual(alertFiles(dir)[0], 'alert_1700000008.json');
});

void test('cleanup by age: runs within a minute of clock time, and never removes the newest file', async (t) => {
  const dir = tempDir(t);
  // Files from an earlier run: old ones go at construction; files that are not alert files stay.
  for (const f of ['alert_1000.json', 'alert_1000_1.json', 'alert_1699999999.json', 'notes.txt', 'alert_x.json']) writeFileSync(join(dir, f), '{}');
  const { writer, clock } = make(dir, { maxAlertAgeMs: 3_600_000 });
  assert.deepEqual(readdirSync(dir).sort(), ['alert_1699999999.json', 'alert_x.json', 'notes.txt']);
  writer.writeAlert(sampleAlert(T0, { timestamp: T0 + 600_000 }));
  writer.writeAlert(sampleAlert(T0, { timestamp: T0 + 1_200_000 }));
  await clock.advance(3 * 3_600_000);
  assert.equal(alertFiles(dir).length, 4, 'cleanup waits for a write to notice the minute has passed');
  writer.writeDashboard(undefined, []); // the per-tick write runs the once-a-minute cleanup
  assert.deepEqual(alertFiles(dir), ['alert_1700001200.json', 'alert_x.json']);
});

void test('an unwritable stats dir: no throw, health says why, onFailure once per episode', (t) => {
  const root = tempDir(t);
  const blocker = join(root, 'blocker');
  writeFileSync(blocker, 'a regular file');
  const statsDir = join(blocker, 'stats'); // below a regular file: mkdir fails with ENOTDIR
  const failures: string[] = [];
  let recoveries = 0;
  const { writer, logger } = make(statsDir, { onFailure: (m) => failures.push(m), onRecovery: () => recoveries++ });
  const h = writer.health();
  assert.equal(h.ok, false);
  assert.match(h.ok ? '' : h.error, /ENOTDIR/);
  for (let i = 0; i < 50; i++) {
    writer.writeAlert(sampleAlert(T0, { timestamp: T0 + i }));
    writer.writeDashboard(undefined, []);
  }
  assert.equal(failures.length, 1);
  assert.match(failures[0]!, new RegExp(`echo.dash stats dir ${statsDir}: .*ENOTDIR`));
  assert.equal(writer.health().failuresTotal, 101);
  assert.equal(logger.lines.filter((l) => l.level === 'warn').length, 1, 'logged once per episode');

  // The directory becomes possible: the next write creates it, succeeds and re-arms.
  rmSync(blocker);
  writer.writeDashboard(undefined, []);
  assert.ok(writer.health().ok);
  assert.ok(existsSync(join(statsDir, 'performance_metrics.json')));
  assert.equal(recoveries, 1);

  // It breaks again: a second episode, reported once more.
  rmSync(blocker, { recursive: true });
  writeFileSync(blocker, 'a regular file again');
  for (let i = 0; i < 20; i++) writer.writeAlert(sampleAlert(T0, { timestamp: T0 + i }));
  assert.equal(failures.length, 2);
  assert.equal(writer.health().ok, false);
});

void test('a stats dir removed while running is recreated; a throwing callback stays contained', (t) => {
  const root = tempDir(t);
  const statsDir = join(root, 'stats');
  const throwing = (): void => {
    throw new Error('handler bug');
  };
  const { writer } = make(statsDir, { onFailure: throwing });
  rmSync(statsDir, { recursive: true });
  writer.writeAlert(sampleAlert(T0));
  assert.ok(existsSync(join(statsDir, 'alert_1700000000.json')));
  assert.equal(writer.health().failuresTotal, 0);
  const broken = make(join(root, 'x', 'f'), { onFailure: throwing });
  rmSync(join(root, 'x', 'f'), { recursive: true });
  writeFileSync(join(root, 'x', 'f'), 'file, not dir');
  assert.doesNotThrow(() => broken.writer.writeDashboard(undefined, []));
  assert.equal(broken.writer.health().ok, false);
  assert.ok(broken.logger.lines.some((l) => l.level === 'error' && /onFailure callback threw: handler bug/.test(l.msg)));
});
