/**
 * The built agent with its data dir on a real 16 MiB tmpfs that fills up and
 * empties again, while it collects, and a counter is pushed to it ten times a
 * second. While the disk is full: /metrics and /healthz keep answering, pushes
 * are still taken, the store says it is down (`echo_perf_store_up 0` and a log
 * line naming the data dir and SQLite's error) and holds the samples it cannot
 * write (`echo_perf_store_pending_samples` grows). /healthz stays 200: a
 * liveness probe that restarted the agent would not free the disk, and would
 * lose what it holds. Once space is back it recovers by itself, and after a
 * clean stop `echo-perf query` finds the pushed counter as the agent sampled it
 * every tick, the full spell included: no gap longer than a few ticks, in
 * order, once, up to the last value pushed. Needs `mount -t tmpfs` (root):
 * skips otherwise, fails under REQUIRE_PEERS=1.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { until } from '../helpers/processes.js';
import { tempDir } from '../helpers/tempTree.js';
import { fill, mountTmpfs } from '../helpers/tmpfs.js';
import { CLI, startAgent } from './agent.js';

test('the data dir fills up and empties again: the agent keeps serving, holds what it cannot write, and writes it all once space is back', { timeout: 120_000 }, async (t) => {
  const mnt = mountTmpfs(t, '16m');
  if (mnt === undefined) return;
  const dir = tempDir(t, 'ep-fault-diskfull-');
  const dataDir = join(mnt, 'data');
  const a = await startAgent(t, dir, {
    monitoring_interval: 0.2,
    gpu: { enabled: false },
    echo_dash: { enabled: false },
    storage: { enabled: true, data_dir: dataDir, flush_interval: 0.3 },
  });

  let pushed = 0;
  let pushing = true;
  const refused: string[] = [];
  const pusher = (async () => {
    while (pushing) {
      const r = await fetch(`${a.base}/api/v1/push/pusher`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ full_counter: pushed + 1 }), signal: AbortSignal.timeout(5000) });
      if (r.ok) pushed++;
      else refused.push(`${r.status} ${await r.text()}`);
      await r.body?.cancel();
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  t.after(async () => {
    pushing = false;
    await pusher.catch(() => {});
  });

  const up = (): Promise<number | undefined> => a.metric('echo_perf_store_up');
  const pending = async (): Promise<number> => (await a.metric('echo_perf_store_pending_samples')) ?? -1;
  await until(async () => ((await a.metric('echo_perf_store_last_flush_timestamp_seconds')) ?? 0) > 0 && pushed > 5, 'a first flush and pushes', 20_000, 50);
  assert.equal(await up(), 1);

  const fullAt = Date.now();
  const filler = fill(mnt);
  await until(async () => (await up()) === 0, 'echo_perf_store_up 0 once the disk is full', 30_000, 100);
  const health = await a.get('/healthz');
  assert.equal(health.status, 200, health.text);
  await until(() => Promise.resolve(/SQLITE_FULL|database or disk is full/.test(a.err())), 'a log line naming the full disk', 10_000, 100);
  const logged = a.err().split('\n').find((l) => /SQLITE_FULL|database or disk is full/.test(l))!;
  assert.ok(logged.includes(dataDir) || /data dir|store/i.test(logged), logged);
  const atFull = pushed;
  const heldAtFull = await pending();
  // Full for a while: the agent goes on serving and taking pushes.
  for (let i = 0; i < 10; i++) {
    const m = await a.get('/metrics');
    assert.equal(m.status, 200);
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.ok(pushed >= atFull + 10, `pushes taken while full: ${pushed - atFull}`);
  assert.ok((await pending()) > heldAtFull, 'the samples it cannot write are held');
  assert.equal(await up(), 0, 'still down while the disk is full');

  rmSync(filler);
  const freedAt = Date.now();
  await until(async () => (await up()) === 1 && (await pending()) < 50, 'the store up again and what it held written', 30_000, 100);
  assert.equal((await a.get('/healthz')).status, 200);
  assert.equal(await a.metric('echo_perf_store_dropped_samples_total'), 0, 'nothing dropped: the held samples were far below max_pending_samples');

  pushing = false;
  await pusher;
  assert.deepEqual(refused, [], 'no push refused, full or not');
  // The last push is sampled at the next tick.
  const latest = async (): Promise<number | undefined> =>
    (await a.json<{ series: { points: [number, number][] }[] }>('/api/v1/query?metric=full_counter')).series[0]?.points.at(-1)?.[1];
  await until(async () => (await latest()) === pushed, 'the last push sampled', 10_000, 50);
  assert.equal(await a.stop(), 0, a.err().slice(-2000));
  const q = spawnSync(process.execPath, [CLI, 'query', '--metric', 'full_counter', '--data-dir', dataDir, '--since', '1h', '--format', 'json'], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(q.status, 0, q.stderr);
  const series = (JSON.parse(q.stdout) as { series: { points: [number, number][] }[] }).series;
  assert.equal(series.length, 1);
  // A push sets the component's value; the agent samples it every tick (0.2 s), as Prometheus scrapes a Pushgateway.
  const points = series[0]!.points;
  for (let i = 1; i < points.length; i++) {
    const [[t0, v0], [t1, v1]] = [points[i - 1]!, points[i]!];
    assert.ok(t1 > t0 && v1 >= v0, `in order, once: ${t0}=${v0} then ${t1}=${v1}`);
    assert.ok(t1 - t0 <= 1500, `no gap: ${t1 - t0} ms from ${new Date(t0).toISOString()}`);
  }
  assert.ok(points[0]![1] <= 2, `from the first pushes: ${points[0]![1]}`);
  assert.equal(points.at(-1)![1], pushed, 'up to the last value pushed');
  const whileFull = points.filter(([t]) => t >= fullAt && t <= freedAt).length;
  assert.ok(whileFull >= (freedAt - fullAt) / 200 / 2, `${whileFull} samples of the ${freedAt - fullAt} ms full spell kept`);
});
