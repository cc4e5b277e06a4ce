/**
 * Side by side, in one run, at a 1 s interval (BENCH_SECONDS, default 120), the
 * whole-process cost (the process and all its descendants: CPU of every thread,
 * plus what reaped children used; RSS summed over the tree) of:
 *   - ours:         `echo-perf start` with its embedded defaults, as `npm start` runs it;
 *   - node_exporter: Debian's prometheus-node-exporter, default collectors, scraped every 1 s
 *                   by this process (it collects per scrape);
 *   - netdata:      Debian's netdata with its defaults (`netdata -D`, its own plugins as children);
 *   - ours_all:     `echo-perf start` with everything on: a simulated vLLM engine scraped every
 *                   second, the fake nvidia-smi (a Node script, counted as our child: a real
 *                   nvidia-smi is a C binary and costs less, see BENCHMARKS.md "Issue 15"), the
 *                   three components pushing every second, the store, and a dashboard client
 *                   holding /api/v1/stream open.
 * The engine simulator, the pushers and the stream reader run in this process or its children
 * outside the measured trees. CPU is taken in WINDOWS windows; the figure is their median.
 * Run: npm run build && node --import tsx bench/sidebyside.bench.ts
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEngineSimulator } from '../src/simulate/engine/index.js';
import { cpuSeconds, median, rssBytes } from './common.js';
import { startPusher, startStreamReader } from './soakLoad.js';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 120);
const WINDOWS = 6;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FAKE_BIN = join(ROOT, 'test/fixtures/bin');

/** The pid and every live descendant's pid (from each /proc/<pid>/stat's ppid). */
function tree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    } catch {
      // the process ended between the listing and the read
    }
  }
  const out: number[] = [];
  const todo = [root];
  while (todo.length > 0 && out.length < 10_000) {
    const pid = todo.pop()!;
    out.push(pid);
    todo.push(...(children.get(pid) ?? []));
  }
  return out;
}

function sum(pids: readonly number[], f: (pid: number) => number): number {
  let total = 0;
  for (const pid of pids) {
    try {
      total += f(pid);
    } catch {
      // the process ended between the listing and the read
    }
  }
  return total;
}

const treeCpu = (pid: number): number => sum(tree(pid), cpuSeconds);

/** On-CPU seconds of the process's own threads only (no children). */
function ownCpu(pid: number): number {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return ns / 1e9;
}
const treeRss = (pid: number): number => sum(tree(pid), rssBytes);

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitReady(base: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const ok = await fetch(`${base}/readyz`).then((r) => r.ok, () => false);
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`${base} never became ready`);
}

const dir = mkdtempSync(join(tmpdir(), 'ep-sidebyside-'));
const flags = ['--no-memory-reducer', '--max-semi-space-size=4']; // the CLI's shebang's, as `npm start` runs it
const cli = join(ROOT, 'dist/cli/main.js');

const defaultConfig = join(dir, 'default.json');
writeFileSync(defaultConfig, JSON.stringify({ echo_dash: { stats_dir: join(dir, 'stats-default') } }));

const engine = await startEngineSimulator({ flavor: 'vllm', port: 0, scenario: 'steady', seed: 7 });
const allPort = await freePort();
const allConfig = join(dir, 'all.json');
writeFileSync(
  allConfig,
  JSON.stringify({
    echo_dash: { stats_dir: join(dir, 'stats-all') },
    engines: [{ name: 'vllm-0', url: engine.metricsUrl, flavor: 'vllm' }],
  }),
);

const children: Record<string, ChildProcess> = {
  ours: spawn(process.execPath, [...flags, cli, 'start', '--port', '0', '--config', defaultConfig, '--data-dir', join(dir, 'data-default')], {
    stdio: 'ignore',
  }),
  ours_all: spawn(process.execPath, [...flags, cli, 'start', '--port', String(allPort), '--config', allConfig, '--data-dir', join(dir, 'data-all')], {
    stdio: 'ignore',
    env: { ...process.env, PATH: `${FAKE_BIN}:${process.env['PATH'] ?? ''}`, FAKE_NVIDIA_SMI_MODEL: 'h200' },
  }),
};

let scraper: NodeJS.Timeout | undefined;
const nodeExporter = ['prometheus-node-exporter', 'node_exporter'].find((b) => spawnSync('which', [b]).status === 0);
if (nodeExporter !== undefined) {
  const port = await freePort();
  children['node_exporter'] = spawn(nodeExporter, [`--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
  scraper = setInterval(() => void fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text()).catch(() => undefined), 1000);
} else console.log('node_exporter not found (Debian package prometheus-node-exporter): its column is left out');

if (spawnSync('which', ['netdata']).status === 0 || spawnSync('test', ['-x', '/usr/sbin/netdata']).status === 0) {
  const port = await freePort();
  children['netdata'] = spawn('/usr/sbin/netdata', ['-D', '-p', String(port)], { stdio: 'ignore' });
} else console.log('netdata not found (Debian package netdata): its column is left out');

const base = `http://127.0.0.1:${allPort}`;
await waitReady(base);
const pusher = startPusher(base);
const stream = startStreamReader(base);

try {
  await sleep(10_000); // start-up (module loading, netdata's plugins) is not steady-state cost
  const pct: Record<string, number[]> = {};
  const rss: Record<string, number[]> = {};
  const perWindow = SECONDS / WINDOWS;
  for (let w = 0; w < WINDOWS; w++) {
    const start: Record<string, number> = {};
    for (const [k, c] of Object.entries(children)) start[k] = treeCpu(c.pid!);
    const agentStart = ownCpu(children['ours_all']!.pid!);
    const t0 = performance.now();
    for (let s = 0; s < perWindow; s++) {
      await sleep(1000);
      for (const [k, c] of Object.entries(children)) (rss[k] ??= []).push(treeRss(c.pid!));
    }
    const wall = (performance.now() - t0) / 1000;
    for (const [k, c] of Object.entries(children)) (pct[k] ??= []).push(((treeCpu(c.pid!) - start[k]!) / wall) * 100);
    (pct['ours_all_agent'] ??= []).push(((ownCpu(children['ours_all']!.pid!) - agentStart) / wall) * 100);
  }
  const fig: Record<string, number> = {};
  console.log(`side by side over ${SECONDS}s at a 1 s interval (process trees; CPU median of ${WINDOWS} windows, RSS median of samples):`);
  for (const k of Object.keys(children)) {
    const cpu = median(pct[k]!);
    const mib = median(rss[k]!) / 2 ** 20;
    fig[`${k}CpuPct`] = cpu;
    fig[`${k}RssMiB`] = mib;
    console.log(`  ${k.padEnd(14)} cpu ${cpu.toFixed(3)}% of one core, rss ${mib.toFixed(1)} MiB (${tree(children[k]!.pid!).length} processes)`);
  }
  fig['ours_all_agentCpuPct'] = median(pct['ours_all_agent']!);
  fig['ours_all_agentRssMiB'] = rssBytes(children['ours_all']!.pid!) / 2 ** 20;
  console.log(`  ours_all, the agent process alone: cpu ${fig['ours_all_agentCpuPct'].toFixed(3)}%, rss ${fig['ours_all_agentRssMiB'].toFixed(1)} MiB (the rest: the fake nvidia-smi's Node processes)`);
  console.log(`  load: ${pusher.ok()} pushes ok, ${pusher.failed()} failed; ${stream.ticks()} stream ticks`);
  const ratio = (a: string, b: string): Record<string, number> =>
    fig[`${b}CpuPct`] !== undefined ? { [`${a}CpuVs_${b}`]: fig[`${a}CpuPct`]! / fig[`${b}CpuPct`]! } : {};
  console.log(JSON.stringify({ bench: 'sidebyside', seconds: SECONDS, ...fig, ...ratio('ours', 'node_exporter'), ...ratio('ours', 'netdata') }));
} finally {
  pusher.stop();
  stream.stop();
  if (scraper !== undefined) clearInterval(scraper);
  for (const c of Object.values(children)) c.kill('SIGTERM');
  await engine.close();
}
