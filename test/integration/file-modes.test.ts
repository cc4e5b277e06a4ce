/**
 * Every file the agent and its CLI create is private to the user: files 0600,
 * directories 0700. The built agent runs under umask 0, so each mode is what
 * the code asked for and nothing is saved by the usual 022; it keeps history,
 * an outbox (a webhook that is down, so notifications queue), echo.dash files
 * and a log small enough to rotate. Then `report`, `replay` (events and
 * scores) and `export prometheus-rules` write their outputs under fresh
 * directories. Every path below the test's root is checked with lstat.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { until } from '../helpers/processes.js';
import { tempDir } from '../helpers/tempTree.js';

const BUILT = 'dist/cli/main.js';

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Spawns with umask 0 (the child inherits the umask at fork), restoring the test's own at once. */
function withUmask0<T>(f: () => T): T {
  const old = process.umask(0);
  try {
    return f();
  } finally {
    process.umask(old);
  }
}

interface Found {
  path: string;
  kind: string;
  mode: string;
}

function modesUnder(root: string, skip: ReadonlySet<string>): Found[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((rel) => !skip.has(rel))
    .flatMap((rel) => {
      let st;
      try {
        st = lstatSync(join(root, rel));
      } catch {
        return []; // renamed or removed between readdir and lstat (a temp file, a checkpointed WAL)
      }
      const kind = st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
      return [{ path: relative(root, join(root, rel)), kind, mode: (st.mode & 0o7777).toString(8).padStart(4, '0') }];
    });
}

test('under umask 0 every file the agent and the CLI create is 0600 and every directory 0700', { timeout: 90_000 }, async (t) => {
  assert.ok(existsSync(BUILT), `${BUILT} is missing: run npm run build`);
  const root = tempDir(t, 'ep-file-modes-');
  const down = await closedPort();
  const cfg = join(root, 'c.json');
  const csv = join(root, 'cpu_usage.csv');
  writeFileSync(cfg, JSON.stringify({
    monitoring_interval: 0.2,
    gpu: { enabled: false },
    alert_thresholds: { cpu_usage: 0 },
    alerting: { default_for: 0 },
    echo_dash: { stats_dir: join(root, 'stats', 'echo') },
    storage: { flush_interval: 0.3 },
    log_file: { max_size: 2048, max_files: 2 },
    notifiers: [{ type: 'webhook', url: `http://127.0.0.1:${down}/hook`, group_wait: 0, retry: { initial_backoff: 0.1, max_backoff: 0.2 } }],
  }));
  writeFileSync(csv, 'timestamp,value\n' + Array.from({ length: 50 }, (_, i) => `${1_700_000_000 + 60 * i},${i % 7}`).join('\n') + '\n');
  const data = join(root, 'state', 'data');
  const log = join(root, 'logs', 'agent.log');
  const child = withUmask0(() =>
    spawn(process.execPath, [BUILT, 'start', '--port', '0', '--config', cfg, '--data-dir', data, '--log-level', 'debug', '--log-file', log], { stdio: ['ignore', 'pipe', 'pipe'] }),
  );
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  t.after(() => {
    clearTimeout(killer);
    child.kill('SIGKILL');
  });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.resume();
  await until(() => /metrics at (http:\/\/[^ ]+)\/metrics/.test(stdout), 'the agent to serve', 20_000);
  const base = /metrics at (http:\/\/[^ ]+)\/metrics/.exec(stdout)![1]!;
  await until(
    async () => {
      const s = (await (await fetch(`${base}/api/v1/status`)).json()) as { notifiers?: { retried: number }[] };
      const echoFiles = existsSync(join(root, 'stats', 'echo')) ? readdirSync(join(root, 'stats', 'echo')) : [];
      return (s.notifiers?.[0]?.retried ?? 0) >= 1 && existsSync(`${log}.1`) && echoFiles.some((f) => f.startsWith('alert_')) && existsSync(join(data, 'notify.sqlite-wal')) && existsSync(join(data, 'echo-perf.db-wal'));
    },
    'a retried notification, a rotated log, an echo.dash alert file and both WALs',
    45_000,
    100,
  );
  // While it runs: the WAL and shared-memory files of both databases exist only now.
  const skip = new Set(['c.json', 'cpu_usage.csv']);
  const running = modesUnder(root, skip);
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));

  const cli = (...args: string[]): void => {
    const r = withUmask0(() => spawnSync(process.execPath, [BUILT, ...args], { encoding: 'utf8', timeout: 30_000 }));
    assert.equal(r.status, 0, `echo-perf ${args.join(' ')}: ${r.stderr}`);
  };
  cli('report', '--data-dir', data, '--since', '1h', '--out', join(root, 'r.html'));
  cli('report', '--data-dir', data, '--since', '1h', '--out', join(root, 'r.json'));
  cli('replay', '--out', join(root, 'e.jsonl'), '--scores', join(root, 'replay', 'scores'), csv);
  cli('export', 'prometheus-rules', '--config', cfg, '--out', join(root, 'rules.yml'));

  const found = [...running, ...modesUnder(root, skip)];
  for (const expected of ['state/data/echo-perf.db', 'state/data/echo-perf.db-wal', 'state/data/notify.sqlite-wal', 'state/data/notify.sqlite-shm', 'state/data/notify.sqlite', 'logs/agent.log', 'logs/agent.log.1', 'r.html', 'r.json', 'e.jsonl', 'replay/scores/cpu_usage.csv', 'rules.yml']) {
    assert.ok(found.some((f) => f.path === expected), `${expected} was not created; found ${found.map((f) => f.path).join(', ')}`);
  }
  const loose = found.filter((f) => f.mode !== (f.kind === 'dir' ? '0700' : '0600'));
  assert.deepEqual(loose, [], `not private: ${loose.map((f) => `${f.path} (${f.kind} ${f.mode})`).join(', ')}`);
});
