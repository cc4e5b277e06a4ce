/**
 * The monitor's own cost: CPU % of one core and RSS of `echo-perf start` (the
 * built CLI, 1 s interval, system collector on) over 60 s, measured from
 * /proc/<pid>/stat and /proc/<pid>/status. In the same run, side by side:
 *   - baseline: a bare Node process with an idle 1 s timer (the floor any Node agent pays);
 *   - peer: a Node process sampling the same host figures with systeminformation every 1 s.
 * Run: npm run build && node --import tsx bench/overhead.bench.ts   (BENCH_SECONDS=20 to shorten)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 60);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TICKS_PER_S = 100; // USER_HZ on Linux

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields 14-17 (utime, stime, cutime, cstime) are at 11..14 after the comm field
  return Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
}

function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

async function measure(children: Record<string, ChildProcess>): Promise<Record<string, { cpuPct: number; rssMiB: number }>> {
  await new Promise((r) => setTimeout(r, 3000)); // start-up (module loading) is not steady-state cost
  const start: Record<string, number> = {};
  for (const [k, c] of Object.entries(children)) start[k] = cpuTicks(c.pid!);
  const t0 = performance.now();
  const rss: Record<string, number[]> = {};
  for (let s = 0; s < SECONDS; s++) {
    await new Promise((r) => setTimeout(r, 1000));
    for (const [k, c] of Object.entries(children)) (rss[k] ??= []).push(rssBytes(c.pid!));
  }
  const wall = (performance.now() - t0) / 1000;
  const out: Record<string, { cpuPct: number; rssMiB: number }> = {};
  for (const [k, c] of Object.entries(children)) {
    const used = (cpuTicks(c.pid!) - start[k]!) / TICKS_PER_S;
    const r = rss[k]!.sort((a, b) => a - b);
    out[k] = { cpuPct: (used / wall) * 100, rssMiB: r[r.length >> 1]! / 2 ** 20 };
  }
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
const children = {
  ours: spawn(process.execPath, [join(ROOT, 'dist/cli/main.js'), 'start'], { stdio: 'ignore' }),
  baseline: spawn(process.execPath, [baseline], { stdio: 'ignore' }),
  peer: spawn(process.execPath, [peer], { stdio: 'ignore' }),
};
try {
  const r = await measure(children);
  console.log(`monitor over ${SECONDS}s at 1s interval:`);
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
    }),
  );
} finally {
  for (const c of Object.values(children)) c.kill('SIGTERM');
}
