import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const CLI = ['--import', 'tsx', 'src/cli/main.ts'];
const run = (...args: string[]) => spawnSync(process.execPath, [...CLI, ...args], { encoding: 'utf8', timeout: 30_000 });

test('config check: exit 0 on a good file, 2 with the field named on a bad one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ep-cli-'));
  const good = join(dir, 'good.json');
  writeFileSync(good, JSON.stringify({ monitoring_interval: 1.0, alert_thresholds: { cpu_usage: 85 } }));
  const ok = run('config', 'check', good);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /OK/);
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ alert_thresholds: { cpu_usge: 85 } }));
  const r = run('config', 'check', bad);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /alert_thresholds\.cpu_usge: .*did you mean "cpu_usage"/);
});

test('config schema prints a JSON Schema; unknown commands exit 2 with usage', () => {
  const r = run('config', 'schema');
  assert.equal(r.status, 0);
  const schema = JSON.parse(r.stdout) as { type: string; properties: object };
  assert.equal(schema.type, 'object');
  assert.ok('monitoring_interval' in schema.properties);
  const u = run('frobnicate');
  assert.equal(u.status, 2);
  assert.match(u.stderr, /unknown command "frobnicate"[\s\S]*usage: echo-perf/);
  const p = run('start', '--port', 'abc');
  assert.equal(p.status, 2);
  assert.match(p.stderr, /--port: got "abc"; expected an integer 0\.\.65535/);
});

test('start runs on this machine, prints a status line and alerts, and stops cleanly on SIGINT', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ep-cli-'));
  const cfg = join(dir, 'c.json');
  // A CPU threshold of 0 % makes the first tick alert, so the alert path is exercised for real.
  const stats = join(dir, 'echo_stats');
  writeFileSync(cfg, JSON.stringify({ monitoring_interval: 0.2, alert_thresholds: { cpu_usage: 0 }, echo_dash: { stats_dir: stats } }));
  const child = spawn(process.execPath, [...CLI, 'start', '--config', cfg, '--port', '0', '--data-dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await new Promise<void>((resolve) => {
    const check = (): void => {
      if (/cpu \d/.test(out) && /🚨 WARNING: High CPU usage/.test(out)) {
        child.stdout.off('data', check);
        resolve();
      }
    };
    child.stdout.on('data', check);
    child.on('exit', () => resolve());
  });
  child.kill('SIGINT');
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  clearTimeout(killer);
  assert.equal(code, 0, out);
  assert.match(out, /\d\d:\d\d:\d\d \| cpu [\d.]+% \| mem [\d.]+% \| disk [\d.]+%/);
  assert.match(out, /received SIGINT, stopping/);
  assert.match(out, /metrics at http:\/\/127\.0\.0\.1:\d+\/metrics/);
  assert.match(err, /ECHO_DASH_ALERT: warning:system:cpu_usage:[\d.]+/, 'the echo.dash log line is in the agent log');
  const files = readdirSync(stats);
  assert.ok(files.includes('performance_metrics.json'));
  assert.ok(files.some((f) => /^alert_\d+(_\d+)?\.json$/.test(f)));
  const dash = JSON.parse(readFileSync(join(stats, 'performance_metrics.json'), 'utf8')) as { system: { cpu_percent: number } };
  assert.equal(typeof dash.system.cpu_percent, 'number');
});
