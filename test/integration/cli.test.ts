import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const CLI = ['--import', 'tsx', 'src/cli/main.ts'];
const run = (...args: string[]) => spawnSync(process.execPath, [...CLI, ...args], { encoding: 'utf8', timeout: 30_000 });
// The built CLI, as `npx echo-perf` runs it (npm test builds first).
const BUILT = 'dist/cli/main.js';
const built = (...args: string[]) => {
  assert.ok(existsSync(BUILT), `${BUILT} is missing: run npm run build`);
  return spawnSync(process.execPath, [BUILT, ...args], { encoding: 'utf8', timeout: 30_000 });
};

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
  writeFileSync(cfg, JSON.stringify({ monitoring_interval: 0.2, alert_thresholds: { cpu_usage: 0 }, alerting: { default_for: 0 }, echo_dash: { stats_dir: stats } }));
  // Its own state dir: a firing alert kept by an earlier run would come back without a new notification.
  const child = spawn(process.execPath, [...CLI, 'start', '--config', cfg, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, XDG_STATE_HOME: join(dir, 'state') } });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await new Promise<void>((resolve) => {
    const check = (): void => {
      if (/cpu \d/.test(out) && /🚨 WARNING: CPU usage [\d.]+ % above 0 % \(warning\)/.test(out)) {
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

test('every command and subcommand answers --help and -h with its own usage, exit 0', () => {
  const commands: [string[], RegExp][] = [
    [[], /^usage: echo-perf <command>/],
    [['help'], /^usage: echo-perf help /],
    [['start'], /^usage: echo-perf start /],
    [['demo'], /^usage: echo-perf demo /],
    [['config'], /^usage: echo-perf config check FILE\n\s+echo-perf config schema/],
    [['config', 'check'], /^usage: echo-perf config check FILE\n\nValidates/],
    [['config', 'schema'], /^usage: echo-perf config schema\n\nPrints/],
    [['simulate'], /^usage: echo-perf simulate engine --flavor F \[options\]\n\s+echo-perf simulate component/],
    [['simulate', 'engine'], /^usage: echo-perf simulate engine --flavor F \[--port N\]/],
    [['simulate', 'component'], /^usage: echo-perf simulate component dtesn/],
  ];
  for (const [cmd, usage] of commands) {
    for (const flag of ['--help', '-h']) {
      // Help wins over arguments that would otherwise be refused.
      const args = [...cmd, flag, ...(cmd.length > 0 ? ['--no-such-option'] : [])];
      const r = built(...args);
      assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stdout, usage, args.join(' '));
      assert.equal(r.stderr, '', args.join(' '));
    }
  }
  const list = built('help');
  assert.equal(list.status, 0);
  assert.match(list.stdout, /^usage: echo-perf <command>/);
  const viaHelp = built('help', 'config', 'check');
  assert.equal(viaHelp.status, 0);
  assert.equal(viaHelp.stdout, built('config', 'check', '--help').stdout);
  const unknown = built('help', 'frobnicate');
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /help: unknown command "frobnicate"/);
});

test('--version and -V print the version in package.json, exit 0', () => {
  const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
  for (const flag of ['--version', '-V']) {
    const r = built(flag);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `${version}\n`);
  }
  assert.match(built('--help').stdout, /echo-perf --version/);
});

test('start takes --data-dir and says so in its usage; an empty one is refused naming the flag', () => {
  assert.match(built('start', '--help').stdout, /--data-dir DIR/);
  const r = built('start', '--data-dir', '');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--data-dir: got ""; expected a directory path/);
});

test('config check refuses what start refuses: a non-loopback server.host without server.push_token', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ep-cli-'));
  const open = join(dir, 'open.json');
  writeFileSync(open, JSON.stringify({ server: { host: '0.0.0.0', port: 0 } }));
  const r = built('config', 'check', open);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /- server\.push_token: got nothing; expected a token of 8-512 visible ASCII characters, because server\.host "0\.0\.0\.0" is not a loopback address/);
  const withToken = join(dir, 'token.json');
  writeFileSync(withToken, JSON.stringify({ server: { host: '0.0.0.0', port: 0, push_token: 's3cret-token' } }));
  assert.equal(built('config', 'check', withToken).status, 0);
  // start with the same file fails the same way, before binding anything.
  const s = built('start', '--config', open);
  assert.equal(s.status, 2);
  assert.match(s.stderr, /server\.push_token: got nothing/);
});

test('start --host beyond loopback without a token names --host and server.push_token', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ep-cli-'));
  const cfg = join(dir, 'c.json');
  writeFileSync(cfg, JSON.stringify({ server: { port: 0 }, echo_dash: { enabled: false } }));
  const r = built('start', '--config', cfg, '--host', '0.0.0.0');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--host: got "0\.0\.0\.0", not a loopback address; binding it requires server\.push_token in the config file/);
  assert.doesNotMatch(r.stderr, /token option/);
});

test('simulate component: a --url without a scheme is refused, naming the flag, the value and what is expected', () => {
  for (const url of ['127.0.0.1:9464', 'localhost:9464', 'ftp://127.0.0.1:9464']) {
    const r = built('simulate', 'component', 'dtesn', '--url', url, '--count', '1');
    assert.equal(r.status, 2, url);
    assert.match(r.stderr, new RegExp(`--url: got "${url.replace(/\./g, '\\.')}"; expected an http:// or https:// URL`), url);
    assert.equal(r.stdout, '', 'nothing was pushed');
  }
  const long = built('simulate', 'component', 'dtesn', '--url', 'x'.repeat(5000));
  assert.equal(long.status, 2);
  assert.ok(long.stderr.length < 2000, 'the value is truncated');
});

test('simulate component: a failed push says why (connection refused), not only "fetch failed"', async () => {
  // A port that was free a moment ago: nothing listens there, so connect() is refused.
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const r = built('simulate', 'component', 'dtesn', '--url', `http://127.0.0.1:${port}`, '--count', '1');
  assert.equal(r.status, 1);
  assert.match(r.stdout, new RegExp(`push 0: fetch failed: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}`));
});
