/**
 * Silences as an operator meets them: a silenced alert fires but reaches no
 * handler until the silence ends; silences survive a restart (real SQLite in
 * a temp dir, a data dir of the previous schema migrated); the HTTP API on a
 * real server on 127.0.0.1 checks the token and refuses bad input; the built
 * CLI adds, lists and expires silences on a running agent.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ManualClock } from '../../src/core/clock.js';
import { MemoryLogger } from '../../src/core/logger.js';
import type { EchoPerfConfigInput } from '../../src/config/index.js';
import { IntegratedPerformanceSystem } from '../../src/monitor/integrated.js';
import { DB_FILE } from '../../src/store/disk/schema.js';
import { openTestStore } from '../helpers/diskStore.js';
import { tempDir } from '../helpers/tempTree.js';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const T0 = Date.UTC(2026, 10, 27, 12);

function agent(t: TestContext, dataDir: string, clock: ManualClock, config: EchoPerfConfigInput = {}, serve = false): IntegratedPerformanceSystem {
  const s = new IntegratedPerformanceSystem({
    config: { log_level: 'silent', degradation_detection: { enabled: false }, alerting: { default_for: 0 }, echo_dash: { enabled: false }, storage: { data_dir: dataDir, flush_interval: 1 }, server: { port: 0 }, ...config },
    clock,
    logger: new MemoryLogger(),
    consoleAlerts: false,
    serve,
    systemCollector: false,
    gpuCollector: false,
  });
  t.after(() => s.stop());
  return s;
}

test('a silenced alert fires without reaching handlers, is delivered when the silence ends, and the silence survives a restart', async (t) => {
  const dir = join(tempDir(t), 'data');
  const clock = new ManualClock(T0);
  const first = agent(t, dir, clock);
  const events: string[] = [];
  first.monitor.registerCollector('host', () => ({ cpu_usage: 99 }));
  first.monitor.registerAlertHandler((a) => void events.push(`${a.status}:${a.metric}`));
  const sil = first.monitor.silences.add({ matchers: 'alertname="HighCpuUsage"', duration: 60, createdBy: 'ops', comment: 'maintenance' });
  await first.start();
  await clock.advance(10_000);
  await first.monitor.flushAlerts();
  assert.equal(events.length, 0, 'silenced: no handler heard of it');
  const firing = first.monitor.firingAlerts();
  assert.equal(firing.length, 1, 'it still fires');
  assert.equal(firing[0]!.metadata['suppressed'], true);
  assert.deepEqual(firing[0]!.metadata['silencedBy'], [sil.id]);
  await first.stop();

  const second = agent(t, dir, clock);
  second.monitor.registerCollector('host', () => ({ cpu_usage: 99 }));
  second.monitor.registerAlertHandler((a) => void events.push(`${a.status}:${a.metric}`));
  await second.start();
  assert.deepEqual(second.monitor.silences.list().map((s) => [s.id, s.comment]), [[sil.id, 'maintenance']], 'the restart kept the silence');
  await clock.advance(20_000);
  await second.monitor.flushAlerts();
  assert.equal(events.length, 0, 'still silenced after the restart');
  await clock.advance(40_000);
  await second.monitor.flushAlerts();
  assert.deepEqual(events, ['firing:cpu_usage'], 'delivered once the silence ended while it still fires');
});

test('a data dir of schema 1 is migrated: its alerts kept, state saved and read back', async (t) => {
  const dir = tempDir(t);
  const a = openTestStore(t, dir);
  a.store.saveAlerts([{ fingerprint: 'f', record: { x: 1 } }]);
  await a.store.close();
  const db = new Database(join(dir, DB_FILE));
  db.exec('DROP TABLE state');
  db.pragma('user_version = 1');
  db.close();
  const b = openTestStore(t, dir);
  assert.deepEqual(b.store.loadAlerts(), [{ fingerprint: 'f', record: { x: 1 } }]);
  assert.deepEqual(b.store.loadState('rules'), []);
  b.store.setState('rules', [['r1', { mean: 2 }]]);
  assert.throws(() => b.store.setState('Bad Name', []), /namespace/);
  assert.throws(() => b.store.setState('rules', [['k', 1], ['k', 2]]), /keys that differ/);
  await b.store.close();
  const c = openTestStore(t, dir);
  assert.deepEqual(c.store.loadState('rules'), [['r1', { mean: 2 }]]);
  await c.store.close();
});

test('HTTP: silences listed, added and expired; writes need the token; bad input gets a 400 naming the field', async (t) => {
  const dir = join(tempDir(t), 'data');
  const clock = new ManualClock(T0);
  const s = agent(t, dir, clock, { server: { port: 0, push_token: 'tok-secret-1' } }, true);
  await s.start();
  const url = s.address!.url;
  const post = (body: unknown, token: string | undefined = 'tok-secret-1') =>
    fetch(`${url}/api/v1/silences`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  const good = { matchers: ['engine=~"vllm-.*"'], duration: 3600, createdBy: 'ops', comment: 'upgrade' };
  assert.equal((await post(good, '')).status, 401);
  const r = await post(good);
  assert.equal(r.status, 200);
  const { silenceID } = (await r.json()) as { silenceID: string };
  const am = await post({ ...good, matchers: [{ name: 'alertname', value: 'HighCpuUsage', isRegex: false, isEqual: true }] });
  assert.equal(am.status, 200);
  for (const [body, field] of [
    [{ ...good, matchers: ['a=~"(a+)+"'] }, 'quantified group'],
    [{ ...good, matchers: ['a=~".*.*.*x"'] }, 'fewer quantifiers'],
    [{ ...good, duration: 'soon' }, 'duration'],
    [{ ...good, createdBy: undefined }, 'createdBy'],
    [{ ...good, id: 'x' }, 'unknown field'],
    [[1], 'body'],
  ] as const) {
    const bad = await post(body);
    assert.equal(bad.status, 400, JSON.stringify(body));
    assert.match(((await bad.json()) as { error: string }).error, new RegExp(field));
  }
  const big = await post({ ...good, comment: 'x'.repeat(70_000) });
  assert.equal(big.status, 413);
  const listed = (await (await fetch(`${url}/api/v1/silences?state=active`)).json()) as { id: string }[];
  assert.equal(listed.length, 2);
  assert.equal((await fetch(`${url}/api/v1/silences?state=bogus`)).status, 400);
  assert.equal((await fetch(`${url}/api/v1/silences/${silenceID}`, { method: 'DELETE' })).status, 401);
  const del = await fetch(`${url}/api/v1/silences/${silenceID}`, { method: 'DELETE', headers: { authorization: 'Bearer tok-secret-1' } });
  assert.equal(((await del.json()) as { status: { state: string } }).status.state, 'expired');
  assert.equal((await fetch(`${url}/api/v1/silences/nope`, { method: 'DELETE', headers: { authorization: 'Bearer tok-secret-1' } })).status, 404);
  assert.deepEqual(await (await fetch(`${url}/api/v1/alerts`)).json(), []);
});

test('the built CLI adds, lists and expires silences on a running agent, and exits 2 when it cannot reach one', async (t) => {
  const dir = join(tempDir(t), 'data');
  const clock = new ManualClock(T0);
  const s = agent(t, dir, clock, {}, true);
  s.monitor.registerCollector('host', () => ({ cpu_usage: 99 }));
  await s.start();
  const url = s.address!.url;
  const cli = async (...args: string[]) => {
    return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const p = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      p.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  };
  const add = await cli('silence', 'add', 'alertname=HighCpuUsage', 'component="host"', '--duration', '2h', '--comment', 'noisy box', '--author', 'me', '--url', url);
  assert.equal(add.code, 0, add.stderr);
  const id = add.stdout.trim();
  assert.match(id, /^[0-9a-f-]{36}$/);
  await clock.advance(2000);
  assert.equal(s.monitor.firingAlerts()[0]?.metadata['suppressed'], true);
  const alerts = (await (await fetch(`${url}/api/v1/alerts`)).json()) as { status: { state: string; silencedBy: string[] } }[];
  assert.deepEqual(alerts.map((a) => a.status), [{ state: 'suppressed', silencedBy: [id], inhibitedBy: [] }]);
  assert.equal(((await (await fetch(`${url}/api/v1/alerts?state=suppressed&severity=warning`)).json()) as unknown[]).length, 1);
  assert.deepEqual(await (await fetch(`${url}/api/v1/alerts?state=active`)).json(), []);
  for (const [q, why] of [['state=zzz', /state: got "zzz"; expected active, suppressed/], ['severity=fatal', /severity: got "fatal"/], ['__proto__=1', /__proto__: unknown parameter/], ['state=active&state=suppressed', /state: got \["active","suppressed"\]/]] as const) {
    const r = await fetch(`${url}/api/v1/alerts?${q}`);
    assert.equal(r.status, 400, q);
    assert.match(((await r.json()) as { error: string }).error, why);
  }
  const list = await cli('silence', 'list', '--state', 'active', '--url', url);
  assert.equal(list.code, 0);
  assert.match(list.stdout, new RegExp(`${id}\\s+active\\s+alertname="HighCpuUsage" component="host"`));
  assert.match(list.stdout, /noisy box/);
  const exp = await cli('silence', 'expire', id, '--url', url);
  assert.equal(exp.code, 0);
  assert.equal(s.monitor.silences.get(id)!.status.state, 'expired');
  const badMatcher = await cli('silence', 'add', 'alertname', '--comment', 'x', '--url', url);
  assert.equal(badMatcher.code, 2);
  assert.match(badMatcher.stderr, /position 10.*expected an operator/);
  await s.stop();
  const down = await cli('silence', 'list', '--url', url);
  assert.equal(down.code, 2);
  assert.match(down.stderr, /cannot reach the agent/);
});
