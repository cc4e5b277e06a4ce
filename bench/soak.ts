/**
 * Soak: does the agent hold steady under load for a long run? One `echo-perf
 * start` (the built CLI, history in a temp data dir) scrapes a target of 10,000
 * series that all change every second and one simulated vLLM engine, takes
 * pushes of the three Deep Tree Echo components every second, and feeds an open
 * dashboard stream that is read without pause. Every 10 s (a sixth of the run
 * when shorter) the agent's RSS (/proc/<pid>/status), descriptors (/proc/<pid>/fd),
 * V8 heap after a full collection, and timers are read; the heap and timers come
 * from scripts/soak-probe.mjs, preloaded into the agent and asked by SIGUSR2.
 * The report is each figure's least-squares slope over the second half, per
 * hour, and a verdict against the bounds in soakStats.ts; the last line is JSON.
 * Not a *.bench.ts: `npm run bench` leaves it out (it runs for minutes).
 * Run: npm run soak -- --minutes 10   (exit 1 when the verdict is `growing` or the load failed)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startEngineSimulator } from '../src/simulate/engine/index.js';
import { rssBytes } from './common.js';
import { SERIES, startPusher, startSeriesTarget, startStreamReader } from './soakLoad.js';
import { FLAT_BOUNDS, secondHalfSlopes, verdict, type SoakSample } from './soakStats.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAX_MINUTES = 7 * 24 * 60;

function minutesArg(argv: string[]): number {
  let raw: string;
  try {
    raw = parseArgs({ args: argv, options: { minutes: { type: 'string', default: '10' } } }).values.minutes;
  } catch (e) {
    usage(e instanceof Error ? e.message : String(e));
  }
  const m = Number(raw);
  if (!(m > 0 && m <= MAX_MINUTES)) usage(`--minutes: got ${JSON.stringify(raw.slice(0, 100))}; expected a number of minutes > 0 and <= ${MAX_MINUTES}`);
  return m;
}

function usage(why: string): never {
  process.stderr.write(`${why}\nusage: node --import tsx bench/soak.ts [--minutes N]   (default 10)\n`);
  process.exit(2);
}

const pm = (v: number, se: number): string => `${v.toFixed(1)} ± ${se.toFixed(1)}`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `cond` every 50 ms for at most `ms`; false when it never held. */
async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) return false;
    await sleep(50);
  }
  return true;
}

interface ProbeReading {
  n: number;
  heapUsed: number;
  heapBeforeGc: number;
  external: number;
  rssAfterGc: number;
  timers: number;
  activeResources: number;
}

function readProbe(file: string): ProbeReading | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ProbeReading;
  } catch {
    return undefined; // not written yet
  }
}

/** One reading: RSS and descriptors from /proc, heap and timers from the probe (asked by SIGUSR2). */
async function sampleAgent(pid: number, probeFile: string, t: number): Promise<SoakSample> {
  const rss = rssBytes(pid);
  const fds = readdirSync(`/proc/${pid}/fd`).length;
  const before = readProbe(probeFile)?.n ?? 0;
  process.kill(pid, 'SIGUSR2');
  let reading: ProbeReading | undefined;
  if (!(await until(() => ((reading = readProbe(probeFile))?.n ?? 0) > before, 10_000)) || reading === undefined) {
    throw new Error(`the agent (pid ${pid}) did not answer the heap probe within 10 s`);
  }
  return { t, rssBytes: rss, fds, heapUsedBytes: reading.heapUsed, heapBeforeGcBytes: reading.heapBeforeGc, externalBytes: reading.external, rssAfterGcBytes: reading.rssAfterGc, timers: reading.timers, activeResources: reading.activeResources };
}

/** The value of the first /metrics line starting with `prefix` (name plus labels), summed over every line when `sum`. */
function metricValue(page: string, prefix: string, sum = false): number | undefined {
  let total: number | undefined;
  for (const line of page.split('\n')) {
    if (!line.startsWith(prefix)) continue;
    const v = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (!sum) return v;
    total = (total ?? 0) + v;
  }
  return total;
}

const minutes = minutesArg(process.argv.slice(2));
const durationS = minutes * 60;
const everyS = Math.min(10, durationS / 6);
const dir = mkdtempSync(join(tmpdir(), 'ep-soak-'));
const probeFile = join(dir, 'probe.json');
const target = await startSeriesTarget();
const engine = await startEngineSimulator({ flavor: 'vllm', port: 0, host: '127.0.0.1', scenario: 'steady', seed: 16 });
const config = join(dir, 'echo-perf.json');
writeFileSync(
  config,
  JSON.stringify({
    log_level: 'warn',
    // 2 min of snapshot history instead of ~17 min (1000 ticks): every bounded buffer is then
    // full well before the second half, so what still grows there is not a buffer filling up.
    max_metrics_history: 120,
    echo_dash: { stats_dir: join(dir, 'echo_stats') },
    scrape_targets: [{ name: 'soak', url: target.url, interval: 1 }],
    engines: [{ name: 'sim', url: engine.metricsUrl, flavor: 'vllm' }],
  }),
);
// As `npm start` runs it (--no-memory-reducer, the CLI's own shebang flag), plus the probe.
const agent = spawn(
  process.execPath,
  ['--no-memory-reducer', '--expose-gc', '--import', join(ROOT, 'scripts/soak-probe.mjs'), join(ROOT, 'dist/cli/main.js'), 'start', '--port', '0', '--config', config, '--data-dir', join(dir, 'data')],
  { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ECHO_PERF_SOAK_PROBE: probeFile } },
);
let out = '';
let err = '';
agent.stdout.setEncoding('utf8').on('data', (s: string) => (out = (out + s).slice(-65_536)));
agent.stderr.setEncoding('utf8').on('data', (s: string) => (err = (err + s).slice(-65_536)));
let exited = false;
agent.once('exit', () => (exited = true));

const stops: (() => unknown)[] = [];
let failure: string | undefined;
const samples: SoakSample[] = [];
let finalPage = '';
try {
  if (!(await until(() => exited || /metrics at http:\/\/[^ ]+\/metrics/.test(out), 60_000)) || exited) {
    throw new Error(`the agent did not start; stderr: ${err.slice(-2000)}`);
  }
  const base = /metrics at (http:\/\/[^ ]+)\/metrics/.exec(out)![1]!;
  const pusher = startPusher(base);
  const stream = startStreamReader(base);
  stops.push(() => pusher.stop(), () => stream.stop());
  const t0 = performance.now();
  for (let k = 1; k * everyS <= durationS + 1e-9; k++) {
    await sleep(Math.max(0, t0 + k * everyS * 1000 - performance.now()));
    if (exited) throw new Error(`the agent exited during the run; stderr: ${err.slice(-2000)}`);
    samples.push(await sampleAgent(agent.pid!, probeFile, (performance.now() - t0) / 1000));
  }
  finalPage = await (await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(30_000) })).text();
  const scrapes = metricValue(finalPage, 'echo_perf_target_scrapes_total{target="soak"') ?? 0;
  const scrapeFailures = metricValue(finalPage, 'echo_perf_target_scrape_failures_total{target="soak"') ?? 0;
  const slopes = secondHalfSlopes(samples, durationS);
  const v = verdict(slopes, minutes);
  const last = samples[samples.length - 1]!;
  const MiB = 2 ** 20;
  const result = {
    bench: 'soak',
    minutes,
    sampleEverySeconds: everyS,
    samples: samples.length,
    series: metricValue(finalPage, 'echo_perf_series ') ?? NaN,
    targetSeries: SERIES,
    scrapes,
    scrapeFailures,
    pagesServed: target.served(),
    pushesOk: pusher.ok(),
    pushesFailed: pusher.failed(),
    streamTicks: stream.ticks(),
    streamMiB: stream.bytes() / MiB,
    streamReconnects: stream.reconnects(),
    rssMiBEnd: last.rssBytes / MiB,
    heapMiBEnd: last.heapUsedBytes / MiB,
    externalMiBEnd: last.externalBytes / MiB,
    fdsEnd: last.fds,
    timersEnd: last.timers,
    activeResourcesEnd: last.activeResources,
    rssMiBPerHour: slopes.rssMiBPerHour,
    heapMiBPerHour: slopes.heapMiBPerHour,
    externalMiBPerHour: slopes.externalMiBPerHour,
    rssMiBPerHourSE: slopes.rssMiBPerHourSE,
    heapMiBPerHourSE: slopes.heapMiBPerHourSE,
    externalMiBPerHourSE: slopes.externalMiBPerHourSE,
    rssAfterGcMiBPerHour: slopes.rssAfterGcMiBPerHour,
    fdsPerHour: slopes.fdsPerHour,
    timersPerHour: slopes.timersPerHour,
    slopeSamples: slopes.samples,
    verdict: v,
  };
  console.log(`soak over ${minutes} min, ${samples.length} samples every ${everyS} s (t s, rss MiB before / after gc, heap MiB after / before gc, external MiB, fds, timers, resources):`);
  for (const s of samples) {
    console.log(
      `  ${s.t.toFixed(0).padStart(5)}  ${(s.rssBytes / MiB).toFixed(1).padStart(7)} / ${(s.rssAfterGcBytes / MiB).toFixed(1).padStart(7)}  ${(s.heapUsedBytes / MiB).toFixed(1).padStart(6)} / ${(s.heapBeforeGcBytes / MiB).toFixed(1).padStart(6)}  ${(s.externalBytes / MiB).toFixed(1).padStart(6)}  ${String(s.fds).padStart(4)}  ${String(s.timers).padStart(3)}  ${String(s.activeResources).padStart(4)}`,
    );
  }
  console.log(`load: ${scrapes} scrapes of ${SERIES} series (${scrapeFailures} failed), ${pusher.ok()} pushes ok (${pusher.failed()} failed${pusher.firstError() !== undefined ? `: ${pusher.firstError()}` : ''}), ${stream.ticks()} stream ticks (${result.streamMiB.toFixed(0)} MiB, ${stream.reconnects()} reconnects)`);
  console.log(
    `second-half slopes per hour (± standard error): rss ${pm(slopes.rssMiBPerHour, slopes.rssMiBPerHourSE)} MiB (after gc ${slopes.rssAfterGcMiBPerHour.toFixed(1)}), heap ${pm(slopes.heapMiBPerHour, slopes.heapMiBPerHourSE)} MiB, external ${pm(slopes.externalMiBPerHour, slopes.externalMiBPerHourSE)} MiB, fds ${slopes.fdsPerHour.toFixed(2)}, timers ${slopes.timersPerHour.toFixed(2)}`,
  );
  console.log(
    `verdict: ${v} (flat: |slope| < ${FLAT_BOUNDS.rssMiBPerHour} MiB/h rss, ${FLAT_BOUNDS.heapMiBPerHour} MiB/h heap, ${FLAT_BOUNDS.externalMiBPerHour} MiB/h external, ${FLAT_BOUNDS.fdsPerHour} fds/h, ${FLAT_BOUNDS.timersPerHour} timers/h; runs under 5 min are too short to say)`,
  );
  if (scrapes === 0 || pusher.ok() === 0 || stream.ticks() === 0) failure = 'the load did not reach the agent (no scrape, push or stream tick); see the load line';
  else if (v === 'growing') failure = 'the agent grew over the second half';
  console.log(JSON.stringify(result));
} catch (e) {
  failure = e instanceof Error ? e.message : String(e);
} finally {
  for (const stop of stops) stop();
  agent.kill('SIGTERM');
  if (!(await until(() => exited, 30_000))) agent.kill('SIGKILL');
  await Promise.all([target.close(), engine.close()]);
  rmSync(dir, { recursive: true, force: true });
}
if (failure !== undefined) {
  process.stderr.write(`soak: ${failure}\n`);
  process.exitCode = 1;
}
