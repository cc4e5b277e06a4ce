import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { tempDir } from '../helpers/tempTree.js';

// The built CLI, as `npx echo-perf` runs it (npm test builds first).
const BUILT = 'dist/cli/main.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface LogLine {
  level: number;
  level_name: string;
  msg: string;
  name: string;
  stage?: string;
}

/** A config that keeps the agent's files in `dir` and nothing slow on. */
function config(t: TestContext, extra: Record<string, unknown> = {}): { dir: string; cfg: string } {
  const dir = tempDir(t, 'ep-logs-');
  const cfg = join(dir, 'c.json');
  writeFileSync(cfg, JSON.stringify({ monitoring_interval: 0.2, gpu: { enabled: false }, echo_dash: { enabled: false }, ...extra }));
  return { dir, cfg };
}

/** Runs `start` until it says it is monitoring, then SIGTERM; resolves with its exit code and output. */
async function startThenStop(args: string[], env: Record<string, string | undefined>): Promise<Run> {
  assert.ok(existsSync(BUILT), `${BUILT} is missing: run npm run build`);
  const childEnv = { ...process.env, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
  const child = spawn(process.execPath, [BUILT, 'start', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv });
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  // The line start prints once its SIGTERM handler is in place (a status line may come before it).
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    const before = /Ctrl-C to stop/.test(stdout);
    stdout += d;
    if (!before && /Ctrl-C to stop/.test(stdout)) child.kill('SIGTERM');
  });
  const code = await exited;
  clearTimeout(killer);
  return { code, stdout, stderr };
}

const jsonLines = (text: string): LogLine[] =>
  text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine);

test('start logs JSON lines to stderr; --log-level debug wins over ECHO_PERF_LOG and shows stage bindings', async (t) => {
  const { dir, cfg } = config(t, { log_level: 'error' });
  const r = await startThenStop(['--config', cfg, '--data-dir', join(dir, 'data'), '--log-level', 'debug'], { ECHO_PERF_LOG: 'error' });
  assert.equal(r.code, 0, r.stderr);
  const lines = jsonLines(r.stderr);
  const first = lines[0]!;
  assert.equal(first.msg, 'logging at debug (from --log-level) to stderr');
  assert.equal(first.level_name, 'debug');
  assert.equal(first.level, 20);
  assert.equal(first.name, 'echo-perf');
  assert.equal(lines.find((l) => l.msg.startsWith('history in '))?.stage, 'store', 'the store stage logs through its child logger');
  assert.ok(lines.some((l) => l.msg === 'stopped'), 'the last line is out before exit');
});

test('ECHO_PERF_LOG=debug is honoured over config log_level; ECHO_PERF_LOG=warn hides info', async (t) => {
  const { dir, cfg } = config(t, { log_level: 'error' });
  const debug = await startThenStop(['--config', cfg, '--data-dir', join(dir, 'd1')], { ECHO_PERF_LOG: 'debug' });
  assert.equal(debug.code, 0, debug.stderr);
  assert.ok(jsonLines(debug.stderr).some((l) => l.level_name === 'debug' && l.msg === 'logging at debug (from ECHO_PERF_LOG) to stderr'), debug.stderr);
  const warn = await startThenStop(['--config', config(t).cfg, '--data-dir', join(dir, 'd2')], { ECHO_PERF_LOG: 'warn' });
  assert.equal(warn.code, 0, warn.stderr);
  assert.deepEqual(
    jsonLines(warn.stderr).filter((l) => l.level < 40),
    [],
  );
  // Without the variable the same config logs at info: the filter above had lines to drop.
  const info = await startThenStop(['--config', config(t).cfg, '--data-dir', join(dir, 'd3')], { ECHO_PERF_LOG: undefined });
  assert.ok(jsonLines(info.stderr).some((l) => l.level_name === 'info' && /Performance monitoring started/.test(l.msg)), info.stderr);
});

test('--log-file writes the log there instead of stderr, and the lines up to the stop are in it after SIGTERM', async (t) => {
  const { dir, cfg } = config(t);
  const path = join(dir, 'logs', 'agent.log');
  const r = await startThenStop(['--config', cfg, '--data-dir', join(dir, 'data'), '--log-file', path], { ECHO_PERF_LOG: undefined });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(jsonLines(r.stderr), [], 'nothing logged on stderr');
  const lines = jsonLines(readFileSync(path, 'utf8'));
  const msgs = lines.map((l) => l.msg);
  assert.ok(msgs.some((m) => /Performance monitoring started/.test(m)), msgs.join('\n'));
  assert.ok(msgs.includes('received SIGTERM, stopping'), msgs.join('\n'));
  assert.equal(msgs.at(-1), 'stopped');
});

test('a bad --log-level, ECHO_PERF_LOG or log file is refused with exit 2, naming it', (t) => {
  const { dir, cfg } = config(t);
  const flag = spawnSync(process.execPath, [BUILT, 'start', '--config', cfg, '--log-level', 'verbose'], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(flag.status, 2);
  assert.match(flag.stderr, /--log-level: got "verbose"; expected one of debug, info, warn, error, silent/);
  const env = spawnSync(process.execPath, [BUILT, 'start', '--config', cfg], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, ECHO_PERF_LOG: 'loud' } });
  assert.equal(env.status, 2);
  assert.match(env.stderr, /ECHO_PERF_LOG: got "loud"; expected one of debug, info, warn, error, silent/);
  const notDir = join(dir, 'file');
  writeFileSync(notDir, '');
  const bad = config(t, { log_file: { path: join(notDir, 'agent.log') } });
  const file = spawnSync(process.execPath, [BUILT, 'start', '--config', bad.cfg], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(file.status, 2);
  assert.match(file.stderr, /log_file\.path: got ".*file\/agent\.log", which cannot be written \((ENOTDIR|EEXIST).*\); expected a writable file path/);
  const small = config(t, { log_file: { max_size: 10 } });
  const size = spawnSync(process.execPath, [BUILT, 'config', 'check', small.cfg], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(size.status, 2);
  assert.match(size.stderr, /log_file\.max_size/);
});
