/**
 * `echo-perf notify test` as installed (the built CLI, dist/cli/main.js): one
 * test notification per remote notifier to real receivers on 127.0.0.1, the
 * exit status and report, and secrets kept out of what it prints.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { TestResult } from '../../src/notify/center.js';
import type { WebhookPayload } from '../../src/notify/notification.js';
import { freePort } from '../helpers/prometheus.js';
import { tempDir } from '../helpers/tempTree.js';
import { startReceiver, type Receiver } from '../helpers/webhookReceiver.js';

// The built CLI, as `npx echo-perf` runs it (npm test builds first).
const BUILT = 'dist/cli/main.js';
const SECRET = 'S3CRET-tok-5f2a';

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI without blocking this process, so the receivers here can answer it; killed after 20 s. */
function cli(...args: string[]): Promise<Ran> {
  assert.ok(existsSync(BUILT), `${BUILT} is missing: run npm run build`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BUILT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(killer);
      resolve({ status, stdout, stderr });
    });
  });
}

function configFile(t: TestContext, notifiers: unknown[]): string {
  const file = join(tempDir(t, 'ep-notify-cli-'), 'echo-perf.json');
  writeFileSync(file, JSON.stringify({ notifiers }));
  return file;
}

/** A webhook notifier "good" to a real receiver and "down" to a port nothing listens on, both URLs carrying a token. */
async function twoWebhooks(t: TestContext): Promise<{ file: string; r: Receiver }> {
  const r = await startReceiver(t);
  const closed = await freePort();
  const file = configFile(t, [
    { type: 'webhook', name: 'good', url: `${r.url}?token=${SECRET}` },
    { type: 'webhook', name: 'down', url: `http://127.0.0.1:${closed}/hook?token=${SECRET}`, timeout: 5 },
  ]);
  return { file, r };
}

function noSecret(ran: Ran): void {
  assert.ok(!ran.stdout.includes(SECRET) && !ran.stderr.includes(SECRET), `the token was printed:\n${ran.stdout}${ran.stderr}`);
}

test('notify test: one good and one unreachable webhook: exit 1, both named, the receiver got a test notification, no token printed', { timeout: 30_000 }, async (t) => {
  const { file, r } = await twoWebhooks(t);
  const ran = await cli('notify', 'test', '--config', file);
  assert.equal(ran.status, 1, ran.stdout + ran.stderr);
  assert.match(ran.stdout, /^ok +good \(webhook → http:\/\/127\.0\.0\.1:\d+\/hook\?token=<secret>\) \d+ ms$/m);
  assert.match(ran.stdout, /^FAILED down \(webhook → http:\/\/127\.0\.0\.1:\d+\/hook\?token=<secret>\) \d+ ms: .*(ECONNREFUSED|refused)/m);
  noSecret(ran);
  assert.equal(r.got.length, 1);
  const p = r.got[0]!.body as WebhookPayload;
  assert.equal(p.receiver, 'good');
  assert.equal(p.status, 'firing');
  assert.equal(p.alerts[0]!.labels['alertname'], 'EchoPerfTestNotification');
  assert.match(p.alerts[0]!.annotations['summary'] ?? '', /test notification/i);
});

test('notify test --notifier NAME sends through that one only; an unknown name exits 2 listing the configured ones', { timeout: 30_000 }, async (t) => {
  const { file, r } = await twoWebhooks(t);
  const good = await cli('notify', 'test', '--config', file, '--notifier', 'good');
  assert.equal(good.status, 0, good.stdout + good.stderr);
  assert.match(good.stdout, /^ok +good /m);
  assert.doesNotMatch(good.stdout, /down/);
  assert.equal(r.got.length, 1);
  noSecret(good);

  const down = await cli('notify', 'test', '--config', file, '--notifier', 'down');
  assert.equal(down.status, 1, down.stdout + down.stderr);
  assert.match(down.stdout, /^FAILED down /m);
  assert.equal(r.got.length, 1, 'the good receiver heard nothing more');
  noSecret(down);

  const unknown = await cli('notify', 'test', '--config', file, '--notifier', 'nope');
  assert.equal(unknown.status, 2, unknown.stdout + unknown.stderr);
  assert.match(unknown.stderr, /--notifier: got "nope"; expected one of the configured notifiers \(good, down\)/);
  assert.equal(r.got.length, 1);
});

test('notify test --format json: one result per notifier, parseable, no token', { timeout: 30_000 }, async (t) => {
  const { file } = await twoWebhooks(t);
  const ran = await cli('notify', 'test', '--config', file, '--format', 'json');
  assert.equal(ran.status, 1, ran.stdout + ran.stderr);
  noSecret(ran);
  const results = JSON.parse(ran.stdout) as TestResult[];
  assert.deepEqual(
    results.map((x) => [x.name, x.type, x.ok]),
    [
      ['good', 'webhook', true],
      ['down', 'webhook', false],
    ],
  );
  assert.match(results[1]!.error ?? '', /ECONNREFUSED|refused/);
  assert.ok(results.every((x) => x.target.includes('token=<secret>') && typeof x.ms === 'number'));
});

test('notify test with no remote notifier configured exits 2 and says so', { timeout: 30_000 }, async (t) => {
  for (const notifiers of [[], [{ type: 'console' }]]) {
    const ran = await cli('notify', 'test', '--config', configFile(t, notifiers));
    assert.equal(ran.status, 2, ran.stdout + ran.stderr);
    assert.match(ran.stderr, /no remote notifier is configured in ".*echo-perf\.json"; add one under "notifiers"/);
    assert.equal(ran.stdout, '');
  }
});
