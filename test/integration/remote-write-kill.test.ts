/**
 * remote_write exactly once across kill -9: a real agent (the built CLI)
 * writes into a real Prometheus (Debian's, --web.enable-remote-write-receiver)
 * on 127.0.0.1 and is killed with SIGKILL at a random point mid-stream twice,
 * then stopped cleanly. Prometheus then holds exactly the samples the agent's
 * data dir holds, no gap, and no request was refused (a resent request that
 * Prometheus refused as "out of order" would have dropped newer samples).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { requirePeer } from '../helpers/peers.js';
import { startPrometheus, waitFor } from '../helpers/prometheus.js';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

test('kill -9 twice mid-stream: Prometheus holds every stored sample exactly once, none refused', { timeout: 180_000 }, async (t) => {
  const binary = requirePeer(t, 'prometheus');
  if (binary === undefined) return;
  const prom = await startPrometheus(binary, '  []\n', ['--web.enable-remote-write-receiver']);
  const dir = mkdtempSync(join(tmpdir(), 'ep-rwk-'));
  const children: ChildProcess[] = [];
  t.after(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await prom.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const cfg = join(dir, 'c.json');
  writeFileSync(
    cfg,
    JSON.stringify({
      monitoring_interval: 0.1,
      gpu: { enabled: false },
      echo_dash: { enabled: false },
      storage: { enabled: true, data_dir: join(dir, 'data'), flush_interval: 2 },
      remote_write: [
        {
          url: `${prom.url}/api/v1/write`,
          name: 'prom',
          external_labels: { job: 'echo-perf', instance: 'kill-node' },
          // Small requests, often: a kill lands mid-request more often than not.
          queue: { capacity: 2000, max_samples_per_send: 40, batch_send_deadline: 0.1, min_backoff: 0.05, max_backoff: 1 },
        },
      ],
    }),
  );
  const start = (): ChildProcess => {
    const c = spawn(process.execPath, [CLI, 'start', '--config', cfg, '--port', '0'], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, XDG_STATE_HOME: join(dir, 'state') } });
    children.push(c);
    return c;
  };
  const SERIES = 'echo_perf_cpu_usage_ratio{instance="kill-node"}';
  const promCount = async (): Promise<number> => {
    const r = await prom.query(`count_over_time(${SERIES}[1h])`);
    return r.length === 0 ? 0 : Number(r[0]!.value![1]);
  };
  for (let run = 0; run < 2; run++) {
    const c = start();
    const before = await promCount();
    await waitFor(`run ${run} writing`, async () => ((await promCount()) >= before + 10 ? true : undefined), 60_000);
    // A random point mid-stream.
    await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 1500)));
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await exited;
  }
  const last = start();
  const before = await promCount();
  await waitFor('the last run writing', async () => ((await promCount()) >= before + 20 ? true : undefined), 60_000);
  const exited = new Promise((r) => last.once('exit', r));
  last.kill('SIGTERM');
  await exited;

  const q = spawnSync(process.execPath, [CLI, 'query', '--metric', 'cpu_usage', '--data-dir', join(dir, 'data'), '--since', '1h', '--format', 'json'], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(q.status, 0, q.stderr);
  const doc = JSON.parse(q.stdout) as { series: { labels: Record<string, string>; points: [number, number][] }[] };
  assert.equal(doc.series.length, 1, q.stdout.slice(0, 300));
  const ours = doc.series[0]!.points.map(([tm]) => Math.round(tm));
  const r = await prom.query(`${SERIES}[1h]`);
  assert.equal(r.length, 1, JSON.stringify(r).slice(0, 300));
  const theirs = r[0]!.values!.map(([s]) => Math.round(s * 1000));
  assert.equal(Number((await prom.query(`count_over_time(${SERIES}[1h])`))[0]!.value![1]), ours.length, 'count_over_time equals the samples stored');
  assert.deepEqual(theirs, ours, 'the same samples, each once');
  const failed = await prom.query(`max_over_time(echo_perf_remote_write_samples_failed_total{instance="kill-node"}[1h])`);
  assert.ok(failed.length > 0, 'the agent reported its counters');
  for (const f of failed) assert.equal(f.value![1], '0', 'no request refused');
});
