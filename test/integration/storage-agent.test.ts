/**
 * History that lasts, as a user of the agent meets it: a restart brings back
 * the history and the alerts still firing (not notified again); a second agent
 * on the data dir is refused; `kill -9` of the real agent, again and again,
 * leaves a data dir that opens cleanly with history continuous up to each
 * kill's last flush; a full disk raises CRITICAL on component `store` and
 * clears by itself; `echo-perf query` reads it all while an agent runs.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ManualClock } from '../../src/core/clock.js';
import { EchoPerfError } from '../../src/core/errors.js';
import { MemoryLogger } from '../../src/core/logger.js';
import type { EchoPerfConfigInput } from '../../src/config/index.js';
import { IntegratedPerformanceSystem } from '../../src/monitor/integrated.js';
import { tempDir } from '../helpers/tempTree.js';
import { fill, mountTmpfs } from '../helpers/tmpfs.js';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const T0 = Date.UTC(2026, 10, 27, 12);

function agent(t: TestContext, dataDir: string, clock: ManualClock, config: EchoPerfConfigInput = {}): IntegratedPerformanceSystem {
  const s = new IntegratedPerformanceSystem({
    config: { log_level: 'silent', degradation_detection: { enabled: false }, alerting: { default_for: 0 }, echo_dash: { enabled: false }, storage: { data_dir: dataDir, flush_interval: 1 }, ...config },
    clock,
    logger: new MemoryLogger(),
    consoleAlerts: false,
    serve: false,
    systemCollector: false,
    gpuCollector: false,
  });
  t.after(() => s.stop());
  return s;
}

test('a restart brings back history and firing alerts, which are not notified again; a second agent on the dir is refused', async (t) => {
  const dir = join(tempDir(t), 'data');
  const clock = new ManualClock(T0);
  let cpu = 99;
  const first = agent(t, dir, clock);
  const events1: string[] = [];
  first.monitor.registerCollector('host', () => ({ cpu_usage: cpu }));
  first.monitor.registerAlertHandler((a) => void events1.push(`${a.status}:${a.metric}`));
  await first.start();
  await clock.advance(10_000);
  await first.monitor.flushAlerts();
  assert.deepEqual(events1, ['firing:cpu_usage']);

  const intruder = agent(t, dir, clock);
  await assert.rejects(intruder.start(), (e: unknown) => e instanceof EchoPerfError && e.code === 'EP_ERR_STORE_LOCKED' && e.message.includes(dir));
  await first.stop();

  const second = agent(t, dir, clock);
  const events2: string[] = [];
  second.monitor.registerCollector('host', () => ({ cpu_usage: cpu }));
  second.monitor.registerAlertHandler((a) => void events2.push(`${a.status}:${a.metric}`));
  await second.start();
  assert.deepEqual(second.monitor.firingAlerts().map((a) => a.metric), ['cpu_usage'], 'restored');
  await clock.advance(3_000);
  await second.monitor.flushAlerts();
  assert.deepEqual(events2, [], 'still firing: not notified again');
  cpu = 10;
  await clock.advance(1_000);
  await second.monitor.flushAlerts();
  assert.deepEqual(events2, ['resolved:cpu_usage'], 'and resolved once when it ends');

  const r = await second.monitor.query({ metric: 'cpu_usage', start: T0, end: clock.now() });
  assert.equal(r.tier, 'raw');
  const times = r.series[0]!.points.map(([ts]) => (ts - T0) / 1000);
  assert.deepEqual(times, Array.from({ length: 14 }, (_, i) => i + 1), 'the first run\'s ten ticks, then the second\'s four');
  const ratio = await second.monitor.query({ metric: 'echo_perf_cpu_usage_ratio', start: T0, end: clock.now() });
  assert.equal(ratio.series[0]!.points[0]![1], 0.99, 'a /metrics name comes in its own unit');
});

test('a library monitor keeps nothing on disk unless its config asks', async (t) => {
  const home = tempDir(t);
  const prev = process.env['XDG_STATE_HOME'];
  process.env['XDG_STATE_HOME'] = home;
  t.after(() => (prev === undefined ? delete process.env['XDG_STATE_HOME'] : (process.env['XDG_STATE_HOME'] = prev)));
  const s = new IntegratedPerformanceSystem({ config: { log_level: 'silent', echo_dash: { enabled: false } }, clock: new ManualClock(T0), serve: false, systemCollector: false, gpuCollector: false, logger: new MemoryLogger(), consoleAlerts: false });
  s.monitor.registerCollector('c', () => ({ m: 1 }));
  await s.start();
  const r = await s.monitor.query({ metric: 'm', start: T0 - 1000, end: T0 + 1000 });
  assert.equal(r.tier, 'memory');
  await s.stop();
  assert.equal(existsSync(join(home, 'echo-perf')), false);
});

function startAgent(dataDir: string, config: string): ChildProcess {
  return spawn(process.execPath, ['--no-memory-reducer', CLI, 'start', '--config', config, '--port', '0', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
}

function query(dataDir: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [CLI, 'query', '--data-dir', dataDir, ...args], { encoding: 'utf8', timeout: 30_000 });
}

async function until(what: string, fn: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('kill -9 of the agent five times in a row: the dir opens each time, history is continuous and in order', { timeout: 120_000 }, async (t) => {
  const root = tempDir(t);
  const dataDir = join(root, 'data');
  const config = join(root, 'c.json');
  writeFileSync(config, JSON.stringify({ monitoring_interval: 0.2, log_level: 'warn', gpu: { enabled: false }, echo_dash: { enabled: false }, storage: { flush_interval: 0.3 } }));
  const kills: number[] = [];
  for (let run = 0; run < 5; run++) {
    const child = startAgent(dataDir, config);
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    t.after(() => child.kill('SIGKILL'));
    // Running, and written at least once by this run (the lock is ours and a flush happened).
    await until(`run ${run} to write history`, () => {
      const q = query(dataDir, '--metric', 'echo_perf_ticks_total', '--since', '10m', '--format', 'json');
      if (q.status !== 0) return false;
      const pts = (JSON.parse(q.stdout) as { series: { points: [number, number][] }[] }).series[0]?.points ?? [];
      return pts.length > 0 && pts[pts.length - 1]![0] > (kills[kills.length - 1] ?? 0) + 500;
    });
    await new Promise((r) => setTimeout(r, 300 + run * 137)); // mid-write, at a different moment each time
    kills.push(Date.now());
    child.kill('SIGKILL');
    await exited;
    assert.doesNotMatch(err, /EP_ERR|Error/, err);
  }
  const q = query(dataDir, '--metric', 'cpu_usage', '--since', '10m', '--format', 'json');
  assert.equal(q.status, 0, q.stderr);
  const points = (JSON.parse(q.stdout) as { series: { points: [number, number][] }[] }).series[0]!.points;
  const times = points.map(([ts]) => ts);
  assert.deepEqual(times, [...times].sort((a, b) => a - b), 'in time order');
  assert.equal(new Set(times).size, times.length, 'no duplicate');
  // Every run left samples: one or more points between each pair of kills.
  for (let i = 1; i < kills.length; i++) assert.ok(times.some((ts) => ts > kills[i - 1]! && ts < kills[i]!), `run ${i} is in the history`);
});

test('a full disk raises CRITICAL on component store, the agent keeps running, and it clears once space is back', { timeout: 60_000 }, async (t) => {
  const mnt = mountTmpfs(t, '4m');
  if (mnt === undefined) return;
  const clock = new ManualClock(T0);
  const s = agent(t, join(mnt, 'data'), clock, { storage: { data_dir: join(mnt, 'data'), flush_interval: 1 } });
  const events: string[] = [];
  let n = 0;
  s.monitor.registerCollector('wide', () => Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`m${i}`, ++n * 1.37 + i])));
  s.monitor.registerAlertHandler((a) => void events.push(`${a.status}:${a.component}:${a.severity}`));
  await s.start();
  await clock.advance(3_000);
  const filler = fill(mnt);
  // The writer thread answers in real time: on a loaded machine (CI beside other jobs) a second's
  // worth of 50 ms waits was not always enough for it to meet the full disk, so the bound is real time.
  const firingBy = Date.now() + 30_000;
  while (!events.includes('firing:store:critical') && Date.now() < firingBy) {
    await clock.advance(1_000);
    await new Promise((r) => setTimeout(r, 50));
    await s.monitor.flushAlerts();
  }
  assert.ok(events.includes('firing:store:critical'), events.join(', '));
  assert.equal(s.monitor.isMonitoring, true);
  const ticksBefore = s.monitor.tickHealth().ticks;
  await clock.advance(2_000);
  assert.ok(s.monitor.tickHealth().ticks > ticksBefore, 'ticks go on');
  rmSync(filler);
  const resolvedBy = Date.now() + 20_000;
  while (!events.includes('resolved:store:critical') && Date.now() < resolvedBy) {
    await clock.advance(1_000);
    await new Promise((r) => setTimeout(r, 50));
    await s.monitor.flushAlerts();
  }
  assert.deepEqual(events.filter((e) => e.includes(':store:')), ['firing:store:critical', 'resolved:store:critical']);
});
