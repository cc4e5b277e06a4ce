/**
 * The agent itself (the built CLI, store on) SIGKILLed 10 times in a row at a
 * random point while it writes: host figures from its system collector, a
 * simulated vLLM engine it scrapes, and a counter the test pushes to
 * /api/v1/push. After each kill `echo-perf query` reads the data dir; every
 * series is there, timestamps strictly increase, no sample twice, every gap
 * lies across a downtime (plus a flush interval and a few ticks), and
 * everything an earlier query saw is still there, unchanged. Just before each
 * kill the live agent is queried over HTTP (its writer commits what it holds
 * before answering): all it answered must survive the kill.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { until } from '../helpers/processes.js';
import { tempDir } from '../helpers/tempTree.js';
import { CLI, startAgent, startSimEngine, type Agent } from './agent.js';

const ROUNDS = 10;
const INTERVAL_MS = 200;
const FLUSH_MS = 500;
/** A flush interval, a few ticks and a scheduling hiccup on a shared machine. */
const SLACK_MS = FLUSH_MS + 5 * INTERVAL_MS + 1500;
const SERIES: [metric: string, component: string][] = [
  ['cpu_usage', 'system'],
  ['requests_running', 'sim'],
  ['kill_counter', 'pusher'],
];

type Points = [number, number][];

function query(dataDir: string, metric: string, component: string): Points {
  const r = spawnSync(process.execPath, [CLI, 'query', '--metric', metric, '--label', `component=${component}`, '--data-dir', dataDir, '--since', '1h', '--format', 'json'], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.equal(r.status, 0, `query ${metric}: ${r.stderr}`);
  const doc = JSON.parse(r.stdout) as { series: { points: Points }[] };
  assert.equal(doc.series.length, 1, `${metric}{component="${component}"}: ${r.stdout.slice(0, 300)}`);
  return doc.series[0]!.points;
}

interface Down {
  killedAt: number;
  backAt: number;
}

function checkSeries(name: string, pts: Points, downs: readonly Down[], earlier: Points | undefined): void {
  assert.ok(pts.length > 0, `${name}: no points`);
  for (let i = 1; i < pts.length; i++) {
    const [a, b] = [pts[i - 1]![0], pts[i]![0]];
    assert.ok(b > a, `${name}: timestamps not strictly increasing at ${i}: ${a} then ${b}`);
    // A gap is allowed only across a downtime: from a little before a kill to a little after the restart.
    if (b - a > SLACK_MS) {
      const across = downs.some((d) => a >= d.killedAt - SLACK_MS && b <= d.backAt + SLACK_MS);
      assert.ok(across, `${name}: a ${b - a} ms gap from ${a} to ${b} outside every downtime ${JSON.stringify(downs)}`);
    }
  }
  if (earlier !== undefined) {
    // What an earlier query saw is still there, the same.
    const now = new Map(pts.map(([t, v]) => [t, v]));
    for (const [t, v] of earlier) assert.equal(now.get(t), v, `${name}: the sample at ${t} (${v}) was lost or changed`);
  }
}

test(`the agent SIGKILLed ${ROUNDS} times mid-write: history readable and continuous after each restart`, { timeout: 150_000 }, async (t) => {
  const dir = tempDir(t, 'ep-fault-kill9-');
  const dataDir = join(dir, 'data');
  const engine = await startSimEngine(t, 'vllm');
  const config = {
    monitoring_interval: INTERVAL_MS / 1000,
    gpu: { enabled: false },
    echo_dash: { enabled: false },
    storage: { enabled: true, data_dir: dataDir, flush_interval: FLUSH_MS / 1000 },
    engines: [{ name: 'sim', url: engine.url, flavor: 'vllm', interval: INTERVAL_MS / 1000 }],
  };
  let current: Agent | undefined;
  let pushed = 0;
  let pushing = true;
  const pusher = (async () => {
    while (pushing) {
      const a = current;
      if (a !== undefined && !a.exited()) {
        try {
          const r = await fetch(`${a.base}/api/v1/push/pusher`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kill_counter: pushed + 1 }), signal: AbortSignal.timeout(2000) });
          if (r.ok) pushed++;
          await r.body?.cancel();
        } catch {
          // The agent is being killed: the next one takes the pushes.
        }
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  t.after(async () => {
    pushing = false;
    await pusher;
  });

  const downs: Down[] = [];
  let seen: Record<string, Points> = {};
  for (let round = 0; round <= ROUNDS; round++) {
    const a = await startAgent(t, dir, config);
    current = a;
    const servedAt = Date.now();
    if (round > 0) downs.at(-1)!.backAt = servedAt;
    // The first round waits for a flush a second after serving, so every series exists before the first kill.
    const flushedAt = async (): Promise<number> => ((await a.metric('echo_perf_store_last_flush_timestamp_seconds')) ?? 0) * 1000;
    await until(async () => (await flushedAt()) > (round === 0 ? servedAt + 1000 : 0), 'a completed flush', 20_000, 50);
    // Then a random point among the writes. A query of the live agent commits what it holds first (the
    // writer answers from the database): what it answers must survive the kill.
    await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 1500)));
    const live: Record<string, Points> = {};
    for (const [metric, component] of SERIES) {
      const r = await a.json<{ tier: string; series: { points: Points }[] }>(`/api/v1/query?metric=${metric}&label=component%3D${component}`);
      assert.equal(r.series.length, 1, `live ${metric}: ${JSON.stringify(r).slice(0, 300)}`);
      live[`${metric}{component="${component}"}`] = r.series[0]!.points;
    }
    await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 200)));
    if (round === ROUNDS) {
      assert.equal(await a.stop(), 0, a.err().slice(-2000));
    } else {
      const killedAt = Date.now();
      await a.kill();
      assert.equal(a.child.signalCode, 'SIGKILL');
      downs.push({ killedAt, backAt: Infinity });
    }
    const next: Record<string, Points> = {};
    for (const [metric, component] of SERIES) {
      const name = `${metric}{component="${component}"}`;
      const pts = query(dataDir, metric, component);
      checkSeries(name, pts, downs, seen[name]);
      // Everything committed before the kill is there.
      checkSeries(name, pts, downs, live[name]);
      next[name] = pts;
    }
    const counter = next['kill_counter{component="pusher"}']!.map(([, v]) => v);
    for (let i = 1; i < counter.length; i++) assert.ok(counter[i]! > counter[i - 1]!, `the pushed counter went ${counter[i - 1]} then ${counter[i]}`);
    seen = next;
  }
  current = undefined;
  t.diagnostic(`${ROUNDS} kills; ${pushed} pushes accepted; stored: ${Object.entries(seen).map(([n, p]) => `${n} ${p.length}`).join(', ')}`);
});
