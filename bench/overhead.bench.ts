/**
 * The monitor's own cost: CPU % of one core and RSS of `echo-perf start` (the
 * built CLI as `npm start` runs it, embedded defaults: 1 s interval, system and
 * GPU collectors, echo.dash files, HTTP server) over 60 s. CPU is the sum of
 * every thread's on-CPU nanoseconds (/proc/<pid>/task/<tid>/schedstat), taken
 * in six 10 s windows: the figure is their median. RSS from /proc/<pid>/status.
 * The agent keeps its history on disk (a temp data dir), as `echo-perf start` does.
 * In the same run, side by side:
 *   - baseline: a bare Node process with an idle 1 s timer (the floor any Node agent pays);
 *   - peer: a Node process sampling the same host figures with systeminformation every 1 s;
 *   - node_exporter (Debian prometheus-node-exporter, default collectors) scraped every 1 s
 *     by this process (node_exporter collects per scrape; the scraper's own cost is not counted).
 * Run: npm run build && node --import tsx bench/overhead.bench.ts   (BENCH_SECONDS=20 to shorten)
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuSeconds, median, rssBytes } from './common.js';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 60);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WINDOWS = 6;

async function measure(children: Record<string, ChildProcess>): Promise<Record<string, { cpuPct: number; rssMiB: number }>> {
  await new Promise((r) => setTimeout(r, 5000)); // start-up (module loading) is not steady-state cost
  const pct: Record<string, number[]> = {};
  const rss: Record<string, number[]> = {};
  const perWindow = SECONDS / WINDOWS;
  for (let w = 0; w < WINDOWS; w++) {
    const start: Record<string, number> = {};
    for (const [k, c] of Object.entries(children)) start[k] = cpuSeconds(c.pid!);
    const t0 = performance.now();
    for (let s = 0; s < perWindow; s++) {
      await new Promise((r) => setTimeout(r, 1000));
      for (const [k, c] of Object.entries(children)) (rss[k] ??= []).push(rssBytes(c.pid!));
    }
    const wall = (performance.now() - t0) / 1000;
    for (const [k, c] of Object.entries(children)) (pct[k] ??= []).push(((cpuSeconds(c.pid!) - start[k]!) / wall) * 100);
  }
  const out: Record<string, { cpuPct: number; rssMiB: number }> = {};
  for (const k of Object.keys(children)) out[k] = { cpuPct: median(pct[k]!), rssMiB: median(rss[k]!) / 2 ** 20 };
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'ep-overhead-'));
const baseline = join(dir, 'baseline.mjs');
writeFileSync(baseline, 'setInterval(() => {}, 1000);\n');
const peer = join(dir, 'peer.mjs');
writeFileSync(
  peer,
  `import si from ${JSON.stringify(join(ROOT, 'node_modules/systeminformation/lib/index.js'))};
   setInterval(() => { void Promise.all([si.currentLoad(), si.mem(), si.fsSize(), si.networkStats()]); }, 1000);\n`,
);
const config = join(dir, 'echo-perf.json');
writeFileSync(config, JSON.stringify({ echo_dash: { stats_dir: join(dir, 'echo_stats') } }));
const nodeExporter = ['prometheus-node-exporter', 'node_exporter'].find((b) => spawnSync('which', [b]).status === 0);
const freePort = await new Promise<number>((resolve) => {
  const srv = createServer().listen(0, '127.0.0.1', () => {
    const port = (srv.address() as { port: number }).port;
    srv.close(() => resolve(port));
  });
});
const children: Record<string, ChildProcess> = {
  // As `npm start` runs it (the flag is the CLI's own shebang's, see src/cli/main.ts), history on disk.
  ours: spawn(process.execPath, ['--no-memory-reducer', '--max-semi-space-size=4', join(ROOT, 'dist/cli/main.js'), 'start', '--port', '0', '--config', config, '--data-dir', join(dir, 'data')], { stdio: 'ignore' }),
  baseline: spawn(process.execPath, [baseline], { stdio: 'ignore' }),
  peer: spawn(process.execPath, [peer], { stdio: 'ignore' }),
};
let scraper: NodeJS.Timeout | undefined;
if (nodeExporter !== undefined) {
  children['node_exporter'] = spawn(nodeExporter, [`--web.listen-address=127.0.0.1:${freePort}`], { stdio: 'ignore' });
  scraper = setInterval(() => void fetch(`http://127.0.0.1:${freePort}/metrics`).then((r) => r.text()).catch(() => undefined), 1000);
} else console.log('node_exporter not found (Debian package prometheus-node-exporter): its column is left out');
try {
  const r = await measure(children);
  console.log(`monitor over ${SECONDS}s at 1s interval (median of ${WINDOWS} windows):`);
  for (const [k, v] of Object.entries(r)) console.log(`  ${k.padEnd(8)} cpu ${v.cpuPct.toFixed(3)}% of one core, rss ${v.rssMiB.toFixed(1)} MiB`);
  console.log(
    JSON.stringify({
      bench: 'overhead',
      seconds: SECONDS,
      oursCpuPct: r['ours']!.cpuPct,
      oursRssMiB: r['ours']!.rssMiB,
      baselineCpuPct: r['baseline']!.cpuPct,
      baselineRssMiB: r['baseline']!.rssMiB,
      peerCpuPct: r['peer']!.cpuPct,
      peerRssMiB: r['peer']!.rssMiB,
      ...(r['node_exporter'] !== undefined ? { nodeExporterCpuPct: r['node_exporter'].cpuPct, nodeExporterRssMiB: r['node_exporter'].rssMiB } : {}),
    }),
  );
} finally {
  if (scraper !== undefined) clearInterval(scraper);
  for (const c of Object.values(children)) c.kill('SIGTERM');
}
