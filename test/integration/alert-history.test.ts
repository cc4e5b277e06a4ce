/**
 * The alert history in the data dir, as a user meets it: a real monitor
 * records every incident (a silenced one too) as it fires and resolves, the
 * history outlives a restart and a kill -9 up to the last flush, and
 * `echo-perf report` over the data dir shows resolved incidents with their
 * start, end and duration.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ManualClock } from '../../src/core/clock.js';
import { MemoryLogger } from '../../src/core/logger.js';
import { IntegratedPerformanceSystem } from '../../src/monitor/integrated.js';
import { DiskReader } from '../../src/store/disk/index.js';
import { tempDir } from '../helpers/tempTree.js';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const WRITER = fileURLToPath(new URL('../fixtures/store/alert-event-writer.ts', import.meta.url));
const T0 = Date.UTC(2026, 10, 27, 12);

function agent(t: TestContext, dataDir: string, clock: ManualClock): IntegratedPerformanceSystem {
  const s = new IntegratedPerformanceSystem({
    config: { log_level: 'silent', degradation_detection: { enabled: false }, alerting: { default_for: 0 }, echo_dash: { enabled: false }, storage: { data_dir: dataDir, flush_interval: 1 } },
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

function report(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [CLI, 'report', ...args], { encoding: 'utf8', timeout: 60_000 });
}

test('every incident, silenced or not, goes to the history; it outlives a restart; the report shows resolved ones with their duration', async (t) => {
  const dir = join(tempDir(t), 'data');
  const clock = new ManualClock(T0);
  let cpu = 99;
  const first = agent(t, dir, clock);
  const heard: string[] = [];
  first.monitor.registerCollector('host', () => ({ cpu_usage: cpu }));
  first.monitor.registerAlertHandler((a) => void heard.push(`${a.status}:${a.metric}`));
  first.monitor.silences.add({ matchers: 'alertname="HighCpuUsage"', duration: 3600, createdBy: 'ops', comment: 'maintenance' });
  await first.start();
  await clock.advance(30_000);
  cpu = 10;
  await clock.advance(5_000);
  await first.monitor.flushAlerts();
  assert.deepEqual(heard, [], 'silenced: no handler heard of it');
  await first.stop();

  // A restart: a second incident that is still firing when it stops.
  const second = agent(t, dir, clock);
  second.monitor.registerCollector('host', () => ({ cpu_usage: cpu }));
  await second.start();
  await clock.advance(5_000);
  cpu = 98;
  await clock.advance(10_000);
  await second.stop();

  const reader = DiskReader.open(dir, { now: () => clock.now() });
  t.after(() => reader.close());
  const events = reader.alertEvents(T0, clock.now()).filter((e) => e.fingerprint.includes('cpu_usage'));
  assert.deepEqual(events.map((e) => e.status), ['firing', 'resolved', 'firing'], JSON.stringify(events.map((e) => [e.t - T0, e.status])));
  const [fired, resolved, again] = events as [typeof events[0], typeof events[0], typeof events[0]];
  assert.equal(fired.id, resolved.id, 'one incident');
  assert.notEqual(again.id, fired.id, 'a new incident after the restart');
  const startsAt = (fired.record as { timestamp: number }).timestamp;
  const endsAt = (resolved.record as { endsAt: number }).endsAt;
  assert.equal(resolved.t, endsAt);
  assert.ok(startsAt >= T0 && endsAt - startsAt >= 30_000 && endsAt - startsAt <= 32_000, `${startsAt - T0} → ${endsAt - T0}`);

  const out = tempDir(t);
  const secs = (ms: number): string => String(ms / 1000);
  const r = report('--data-dir', dir, '--start', secs(T0), '--end', secs(clock.now()), '--out', join(out, 'r.html'));
  assert.equal(r.status, 0, r.stderr);
  const html = readFileSync(join(out, 'r.html'), 'utf8');
  const alerts = html.slice(html.indexOf('<section id="alerts">'), html.indexOf('</section>', html.indexOf('<section id="alerts">')));
  const rows = alerts.split('<tr>').filter((row) => row.includes('cpu_usage') || row.includes('HighCpuUsage'));
  assert.equal(rows.length, 2, alerts);
  const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
  const resolvedRow = rows.find((row) => row.includes('<td class="resolved">resolved</td>'));
  assert.ok(resolvedRow !== undefined, alerts);
  const dur = `${Math.round((endsAt - startsAt) / 1000)}s`;
  assert.ok(resolvedRow.includes(`<td class="n">${dur}</td>`), `duration ${dur} in ${resolvedRow}`);
  assert.ok(resolvedRow.includes(iso(startsAt).slice(0, 16)) && resolvedRow.includes(iso(endsAt).slice(0, 16)), resolvedRow);
  assert.ok(rows.some((row) => row.includes('<td class="firing">firing</td>')), 'the incident still firing at the last flush');
  assert.doesNotMatch(alerts, /keeps the alerts firing/, 'no caveat about resolved alerts missing');

  const j = report('--data-dir', dir, '--start', secs(T0), '--end', secs(T0 + 20_000), '--out', join(out, 'r.json'));
  assert.equal(j.status, 0, j.stderr);
  const doc = JSON.parse(readFileSync(join(out, 'r.json'), 'utf8')) as { alerts: { status: string; startsAt: string; endsAt: string | null; durationSeconds: number | null }[] };
  // The range ends while the first incident fires: it shows, with the end it had later.
  assert.deepEqual(doc.alerts.map((a) => [a.status, a.startsAt, a.endsAt, a.durationSeconds]), [['resolved', new Date(startsAt).toISOString(), new Date(endsAt).toISOString(), (endsAt - startsAt) / 1000]]);
});

/** Runs the writer until it has reported `flushes` flushes, kills it with SIGKILL at a random moment, and returns the last k it reported flushed. */
async function runAndKill(dir: string, run: string, flushes: number): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dir, run], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<NodeJS.Signals | null>((r) => child.once('exit', (_code, signal) => r(signal)));
  const timeout = setTimeout(() => child.kill('SIGKILL'), 60_000);
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.split('\n').filter((l) => l.startsWith('flushed ')).length >= flushes) {
          setTimeout(() => child.kill('SIGKILL'), Math.floor(Math.random() * 20));
          resolve();
        }
      });
      void exited.then(() => reject(new Error(`the writer exited before ${flushes} flushes:\n${out}\n${err}`)));
    });
    assert.equal(await exited, 'SIGKILL');
  } finally {
    clearTimeout(timeout);
    child.kill('SIGKILL');
  }
  const lines = out.split('\n').filter((l) => l.startsWith('flushed '));
  return Number(lines.at(-1)!.slice('flushed '.length));
}

test('kill -9 twice while recording alert events: every event up to the last flush is there, in order, once', { timeout: 120_000 }, async (t) => {
  const dir = tempDir(t);
  const last: Record<string, number> = {};
  for (const run of ['r0', 'r1']) last[run] = await runAndKill(dir, run, 3);
  const reader = DiskReader.open(dir);
  t.after(() => reader.close());
  const ids = reader.alertEvents(-Infinity, Infinity, 100_000).map((e) => e.id);
  assert.equal(new Set(ids).size, ids.length, 'no duplicate');
  for (const run of ['r0', 'r1']) {
    const ks = ids.filter((id) => id.startsWith(`${run}-`)).map((id) => Number(id.slice(run.length + 1)));
    assert.deepEqual(ks, Array.from({ length: ks.length }, (_, i) => i), `${run}: from 0 on, in order, no gap`);
    assert.ok(ks.length - 1 >= last[run]!, `${run}: ${ks.length - 1} stored, ${last[run]} flushed`);
  }
  assert.ok(ids.indexOf('r1-0') > ids.indexOf('r0-0'), 'the second run after the first');
});
