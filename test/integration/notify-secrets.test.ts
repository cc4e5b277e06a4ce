/**
 * Secrets of notifiers never leave the config: the built agent runs with a
 * webhook (userinfo, a token query, an Authorization header, an HMAC key), a
 * Slack URL, an SMTP password and a command's environment, all pointed at
 * receivers that are down so every failure is logged; then its stdout, its
 * log file at debug level, /api/v1/status, /metrics, the echo.dash files and
 * the outbox database are searched for each secret.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { until } from '../helpers/processes.js';
import { tempDir } from '../helpers/tempTree.js';

const BUILT = 'dist/cli/main.js';
const SECRETS = ['UserPw7f3a', 'QueryTok91bd', 'HeaderTokc04e', 'HmacKey5e2d88', 'SlackKeyd7c1', 'SmtpPw2b9e', 'CmdEnv6a4f'];

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

test('no notifier secret appears in output, logs, status, metrics, echo.dash files or the outbox', { timeout: 60_000 }, async (t) => {
  assert.ok(existsSync(BUILT), `${BUILT} is missing: run npm run build`);
  const dir = tempDir(t, 'ep-notify-secrets-');
  const down = await closedPort();
  const stats = join(dir, 'stats');
  const data = join(dir, 'data');
  const log = join(dir, 'agent.log');
  const cfg = join(dir, 'c.json');
  const retry = { initial_backoff: 0.1, max_backoff: 0.2 };
  writeFileSync(
    cfg,
    JSON.stringify({
      monitoring_interval: 0.2,
      gpu: { enabled: false },
      alert_thresholds: { cpu_usage: 0 },
      alerting: { default_for: 0 },
      echo_dash: { stats_dir: stats },
      notifiers: [
        {
          type: 'webhook',
          url: `http://ops:${SECRETS[0]}@127.0.0.1:${down}/hook?token=${SECRETS[1]}`,
          headers: { Authorization: `Bearer ${SECRETS[2]}` },
          secret: SECRETS[3],
          group_wait: 0,
          retry,
        },
        { type: 'slack', url: `http://127.0.0.1:${down}/services/T000/B000/${SECRETS[4]}`, group_wait: 0, retry },
        { type: 'email', min_severity: 'info', to: ['oncall@example.org'], from: 'agent@example.org', smtp: { host: '127.0.0.1', port: down, username: 'agent', password: SECRETS[5] }, group_wait: 0, retry },
        { type: 'command', argv: ['/nonexistent/page-oncall'], env: { PAGER_TOKEN: SECRETS[6] }, group_wait: 0, retry },
      ],
    }),
  );
  const child = spawn(process.execPath, [BUILT, 'start', '--port', '0', '--config', cfg, '--data-dir', data, '--log-level', 'debug', '--log-file', log], { stdio: ['ignore', 'pipe', 'pipe'] });
  const killer = setTimeout(() => child.kill('SIGKILL'), 45_000);
  t.after(() => {
    clearTimeout(killer);
    child.kill('SIGKILL');
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  await until(() => /metrics at (http:\/\/[^ ]+)\/metrics/.test(stdout), 'the agent to serve', 20_000);
  const base = /metrics at (http:\/\/[^ ]+)\/metrics/.exec(stdout)![1]!;
  // Every notifier has failed (logged, counted, shown in status).
  let status: { notifiers?: { name: string; retried: number; failed: number; lastError?: string; target: string }[] } | undefined;
  await until(
    async () => {
      status = (await (await fetch(`${base}/api/v1/status`)).json()) as typeof status;
      const ns = status?.notifiers ?? [];
      // The command is refused for good at once (no such file): failed, not retried; the others retry.
      return ns.length === 4 && ns.every((n) => n.retried + n.failed >= 1) && ns.find((n) => n.name === 'webhook')!.retried >= 2;
    },
    'every notifier to fail',
    30_000,
    100,
  );
  const notifiers = status!.notifiers!;
  assert.match(notifiers.find((n) => n.name === 'webhook')!.lastError!, /ECONNREFUSED/);
  assert.match(notifiers.find((n) => n.name === 'slack')!.target, /\/services\/<secret>$/);
  assert.match(notifiers.find((n) => n.name === 'command')!.lastError!, /ENOENT/);
  const statusText = JSON.stringify(status);
  const metrics = await (await fetch(`${base}/metrics`)).text();
  assert.match(metrics, /echo_perf_notification_retries_total\{notifier="webhook",type="webhook"\} [1-9]/);
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  const logText = readFileSync(log, 'utf8');
  assert.match(logText, /not delivered/, 'the failures were logged');
  const places: [string, string][] = [
    ['stdout', stdout],
    ['stderr', stderr],
    ['log file', logText],
    ['/api/v1/status', statusText],
    ['/metrics', metrics],
    ...[...filesUnder(stats), ...filesUnder(data)].map((f): [string, string] => [f, readFileSync(f).toString('latin1')]),
  ];
  assert.ok(places.some(([p]) => p.endsWith('notify.sqlite')), 'the outbox was searched');
  for (const [where, text] of places) for (const s of SECRETS) assert.ok(!text.includes(s), `${s} found in ${where}`);
});
