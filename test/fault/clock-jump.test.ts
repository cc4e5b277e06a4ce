/**
 * The wall clock jumping forward an hour, then back behind the stored
 * history, then home, while the built agent runs. libfaketime (Debian's
 * faketime package) moves CLOCK_REALTIME of the agent alone through a
 * timestamp file read on every call (FAKETIME_TIMESTAMP_FILE,
 * FAKETIME_NO_CACHE=1), and leaves CLOCK_MONOTONIC real
 * (FAKETIME_DONT_FAKE_MONOTONIC=1). Ticks, counted over known real intervals,
 * keep their cadence: no burst of catch-up ticks after the forward jump, no
 * stall after the backward one. The agent stays up, and its store keeps what
 * it had and stays readable, in order.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { requirePeer } from '../helpers/peers.js';
import { tempDir } from '../helpers/tempTree.js';
import { CLI, startAgent, type Agent } from './agent.js';

const INTERVAL_MS = 250;
const PHASE_MS = 3000;
const LIBS = ['/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1', '/usr/lib/aarch64-linux-gnu/faketime/libfaketimeMT.so.1', '/usr/lib/faketime/libfaketimeMT.so.1'];

type Points = [number, number][];

function stored(dataDir: string): Points {
  const now = Date.now();
  // A window from well before the run to past the forward jump, in unix seconds.
  const r = spawnSync(
    process.execPath,
    [CLI, 'query', '--metric', 'cpu_usage', '--data-dir', dataDir, '--start', String(Math.floor(now / 1000) - 3 * 3600), '--end', String(Math.ceil(now / 1000) + 3 * 3600), '--format', 'json'],
    { encoding: 'utf8', timeout: 30_000 },
  );
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { series: { points: Points }[] };
  assert.equal(doc.series.length, 1, r.stdout.slice(0, 300));
  return doc.series[0]!.points;
}

/** Real ms and ticks over one phase, probing /healthz every 100 ms. */
async function phase(t: TestContext, agent: Agent, what: string): Promise<number> {
  const t0 = performance.now();
  const before = (await agent.metric('echo_perf_ticks_total'))!;
  while (performance.now() - t0 < PHASE_MS) {
    const r = await agent.get('/healthz');
    assert.equal(r.status, 200, `${what}: ${r.text}`);
    await new Promise((res) => setTimeout(res, 100));
  }
  const ticks = (await agent.metric('echo_perf_ticks_total'))! - before;
  const elapsed = performance.now() - t0;
  const expected = elapsed / INTERVAL_MS;
  t.diagnostic(`${what}: ${ticks} ticks in ${elapsed.toFixed(0)} real ms (${expected.toFixed(1)} intervals)`);
  assert.ok(ticks <= expected + 3, `${what}: ${ticks} ticks in ${elapsed.toFixed(0)} ms: a burst of catch-up ticks`);
  assert.ok(ticks >= expected * 0.6, `${what}: ${ticks} ticks in ${elapsed.toFixed(0)} ms: the ticks stalled`);
  return ticks;
}

test('the wall clock jumps an hour forward, then back behind the history, then home: ticks on cadence, history kept, nothing crashes', { timeout: 90_000 }, async (t) => {
  if (requirePeer(t, 'faketime') === undefined) return;
  const lib = LIBS.find((p) => existsSync(p));
  assert.ok(lib !== undefined, `libfaketimeMT.so.1 not found in ${LIBS.join(', ')}`);
  const dir = tempDir(t, 'ep-fault-clock-');
  const dataDir = join(dir, 'data');
  const offset = join(dir, 'faketime');
  writeFileSync(offset, '+0\n');
  const agent = await startAgent(
    t,
    dir,
    { monitoring_interval: INTERVAL_MS / 1000, gpu: { enabled: false }, echo_dash: { enabled: false }, storage: { enabled: true, data_dir: dataDir, flush_interval: 0.5 } },
    { env: { LD_PRELOAD: lib, FAKETIME_TIMESTAMP_FILE: offset, FAKETIME_NO_CACHE: '1', FAKETIME_DONT_FAKE_MONOTONIC: '1' } },
  );
  await phase(t, agent, 'steady');
  const jumpedAt = Date.now();
  const live = await agent.json<{ series: { points: Points }[] }>('/api/v1/query?metric=cpu_usage');
  const before = live.series[0]!.points;
  assert.ok(before.length > 0);
  const agentNow = async (): Promise<number> => (await agent.json<{ timestamp: number }>('/api/v1/status')).timestamp;
  assert.ok(Math.abs((await agentNow()) - Date.now()) < 5000, 'faketime at +0 leaves the clock alone');

  writeFileSync(offset, '+3600\n');
  await phase(t, agent, 'an hour ahead');
  assert.ok((await agentNow()) - Date.now() > 3500_000, 'the agent saw the forward jump');
  writeFileSync(offset, '-600\n');
  await phase(t, agent, 'ten minutes behind');
  assert.ok(Date.now() - (await agentNow()) > 500_000, 'the agent saw the backward jump');
  writeFileSync(offset, '+0\n');
  await phase(t, agent, 'home again');
  assert.equal(agent.exited(), false);
  // Samples stamped before their series' newest are refused and counted, never stored out of order
  // (as Prometheus's TSDB refuses out-of-order samples): after the clock comes back from an hour
  // ahead, each series stays silent until the wall clock passes its newest sample.
  const rejected = (await agent.metric('echo_perf_series_out_of_order_samples_total')) ?? 0;
  const err = agent.err();
  assert.equal(await agent.stop(), 0, err.slice(-3000));
  // Each step is said once in the log, with what it does to history.
  assert.match(err, /the wall clock stepped forward by 36\d\d s: history has a gap/);
  assert.match(err, /the wall clock stepped back by 4[0-9]{3} s: each series refuses samples older than its newest/);
  assert.equal(err.match(/the wall clock stepped/g)?.length, 3, err.slice(-3000));

  const pts = stored(dataDir);
  for (let i = 1; i < pts.length; i++) assert.ok(pts[i]![0] > pts[i - 1]![0], `stored timestamps not increasing at ${i}: ${pts[i - 1]![0]} then ${pts[i]![0]}`);
  const kept = new Map(pts);
  for (const [ts, v] of before) assert.equal(kept.get(ts), v, `the sample at ${ts} from before the jumps was lost or changed`);
  const ahead = pts.filter(([ts]) => ts > jumpedAt + 3000_000).length;
  const home = pts.filter(([ts]) => ts > jumpedAt + 2 * PHASE_MS && ts < jumpedAt + 1000_000).length;
  t.diagnostic(`stored: ${pts.length} samples, ${before.length} from before the jumps, ${ahead} an hour ahead, ${home} after coming home; ${rejected} refused`);
  assert.ok(ahead > 0, 'the samples stamped an hour ahead were stored');
  if (home === 0) assert.ok(rejected > 0, 'the samples stamped behind the newest one are counted as out of order');
  t.diagnostic(`agent warnings: ${err.split('\n').filter((l) => /"level":(40|50)/.test(l)).slice(0, 5).join('\n').slice(0, 1500)}`);
});
