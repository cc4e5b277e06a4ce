/**
 * The dashboard's first render with a day of history: a data dir filled with
 * 24 h at 1 s of every series the default charts read (web/metrics.ts CHARTS:
 * CPU, memory, one GPU, token throughput of two engines and their sum, p95
 * latency and KV cache of the two engines — 10 series, 864,000 samples), an
 * integrated system serving it on 127.0.0.1, and headless chromium.
 * - pageLoadMs: navigation start to the page's script run, its event stream
 *   open and the status answer shown.
 * - render24hMs: the range picker set to 24 h to every default chart drawn from
 *   GET /api/v1/query (six queries of ~1,000 points each, uPlot setData). Goal
 *   < 300 ms on loopback. Median of RUNS, timed in the page (performance.now()).
 * Then an hour-long session, compressed: a fresh integrated system ticking
 * every 50 ms (3,600 ticks, one simulated second each, in 3 minutes), two
 * pushed engine components and a pushed breach that fires and resolves, with
 * the page open on the live stream. Every SAMPLE_EVERY_S the page's garbage is
 * collected (CDP HeapProfiler.collectGarbage) and CDP Performance.getMetrics
 * read: JS heap, DOM nodes (live, detached included), event listeners.
 * - heapSlopeBytesPerHour: least-squares slope of the heap over the second half
 *   of the session (after the live window has filled), per 3,600 ticks. A page
 *   that keeps a fixed ring stays near 0; a leak shows as a steady climb.
 * - domNodeSlopePerHour, listenersEnd: the same for DOM nodes; the listener
 *   count at the end (it must not grow with events).
 * - longestTaskMs: the longest main-thread task over the session, from a
 *   PerformanceObserver('longtask') installed through the DevTools protocol
 *   (the page's CSP forbids eval, not CDP); 0 = none reached the 50 ms long-task
 *   threshold. longestPageTaskMs / pageLongTasks leave out the tasks that
 *   overlap the bench's own forced collections. maxFrameGapMs: the longest gap between animation frames in the
 *   second half, which catches shorter stalls.
 * Needs chromium (Debian package) and a built dashboard (`npm run build`).
 * DASHBOARD_BENCH_DAY_FRACTION (default 1) shortens the day, and
 * DASHBOARD_BENCH_HOUR_FRACTION (default 1) the session, for a quick check.
 * Run: node --import tsx bench/dashboard.bench.ts
 * Last stdout line: {"bench":"dashboard","render24hMs":…,"render24hP95Ms":…,"pageLoadMs":…,"samples":…,
 *   "sessionTicks":…,"heapSlopeBytesPerHour":…,"domNodeSlopePerHour":…,"longestTaskMs":…,…}
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { silentLogger } from '../src/core/logger.js';
import { ManualClock } from '../src/core/clock.js';
import { createIntegratedSystem } from '../src/monitor/integrated.js';
import { UnifiedPerformanceMonitor } from '../src/monitor/unifiedMonitor.js';
import { defaultWebDir } from '../src/server/index.js';
import { Prng } from '../src/simulate/prng.js';
import { CHROMIUM, waitInPage } from '../test/helpers/browser.js';
import { median } from './common.js';

const DAY_S = Math.round(86_400 * Number(process.env['DASHBOARD_BENCH_DAY_FRACTION'] ?? 1));
const SESSION_TICKS = Math.round(3600 * Number(process.env['DASHBOARD_BENCH_HOUR_FRACTION'] ?? 1));
const TICK_S = 0.05;
const SAMPLE_EVERY_S = Math.min(20, (SESSION_TICKS * TICK_S) / 6);
const RUNS = 15;
const WARMUP = 2;

if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found (Debian package: chromium)`);
if (!existsSync(join(defaultWebDir(), 'index.html'))) throw new Error(`the dashboard is not built in ${defaultWebDir()}: run \`npm run build\``);

const dir = mkdtempSync(join(tmpdir(), 'ep-dash-bench-'));
const config = { log_level: 'silent' as const, storage: { enabled: true, data_dir: join(dir, 'data') }, echo_dash: { enabled: false } };
const now = Date.now();
const t0 = now - DAY_S * 1000;

// Fill: the series as the agent would have stored them, through the monitor's own store.
const fill = new UnifiedPerformanceMonitor({ config, clock: new ManualClock(t0), systemCollector: false, gpuCollector: false, logger: silentLogger });
fill.startMonitoring();
fill.stopMonitoring();
const rng = new Prng(13);
const engine = (e: string) => ({ component: 'engines', engine: e, model: `model-${e}` });
const series: [string, Record<string, string>, (i: number) => number][] = [
  ['cpu_usage', { component: 'system' }, (i) => 40 + 20 * Math.sin(i / 3600) + 3 * rng.normal()],
  ['memory_usage', { component: 'system' }, (i) => 55 + 5 * Math.sin(i / 7200)],
  ['gpu_utilization', { component: 'gpu', gpu: '0' }, () => Math.min(100, Math.max(0, 80 + 10 * rng.normal()))],
  ['token_throughput', engine('vllm'), () => 900 + 100 * rng.normal()],
  ['token_throughput', engine('sglang'), () => 700 + 80 * rng.normal()],
  ['token_throughput', { component: 'engines' }, () => 1600 + 120 * rng.normal()],
  ['request_latency_ms_p95', engine('vllm'), () => rng.lognormal(6, 0.2)],
  ['request_latency_ms_p95', engine('sglang'), () => rng.lognormal(6.2, 0.2)],
  ['kv_cache_usage', engine('vllm'), (i) => 50 + 30 * Math.sin(i / 900)],
  ['kv_cache_usage', engine('sglang'), (i) => 40 + 30 * Math.sin(i / 1200)],
];
const ids = series.map(([name, labels]) => fill.store.resolve(name, labels));
for (let i = 0; i < DAY_S; i++) {
  const t = t0 + i * 1000;
  series.forEach(([, , f], k) => fill.store.appendId(ids[k]!, t, f(i)));
  // Let the store's writer thread take its batches, as the agent's event loop would between ticks.
  if (i % 1000 === 999) await new Promise((r) => setImmediate(r));
}
await fill.close();

const cfgPath = join(dir, 'config.json');
writeFileSync(cfgPath, JSON.stringify({ ...config, server: { port: 0 } }));
const system = createIntegratedSystem(cfgPath, { systemCollector: false, gpuCollector: false, logger: silentLogger, consoleAlerts: false });
await system.start();
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
const loads: number[] = [];
const renders: number[] = [];
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  for (let r = 0; r < WARMUP + RUNS; r++) {
    const start = performance.now();
    await page.goto(`${system.address!.url}/`);
    // Loaded: the script ran, the event stream is open and the status answer is on the page.
    await waitInPage(page, `document.getElementById('conn')?.dataset.state === 'live' && document.querySelector('#components tr') !== null`, 30_000);
    const load = performance.now() - start;
    // Timed in the page: from the picker's change event to every chart holding points.
    const ms = await page.evaluate<number>(`new Promise((resolve, reject) => {
      const sel = document.getElementById('range');
      const charts = [...document.querySelectorAll('.chart')];
      const t = performance.now();
      sel.value = '86400';
      sel.dispatchEvent(new Event('change'));
      const check = () => {
        if (charts.every((c) => Number(c.dataset.points) > 0)) resolve(performance.now() - t);
        else if (performance.now() - t > 30000) reject(new Error('charts not drawn within 30 s: ' + charts.map((c) => c.dataset.metric + '=' + c.dataset.points).join(' ')));
        else setTimeout(check, 1);
      };
      check();
    })`);
    if (r >= WARMUP) {
      loads.push(load);
      renders.push(ms);
    }
  }
  const points = await page.evaluate<string>(`[...document.querySelectorAll('.chart')].map((c) => c.dataset.metric + '=' + c.dataset.points).join(' ')`);
  console.log(`points per chart after the 24 h load: ${points}`);
  await page.close();
} catch (e) {
  await browser.close();
  throw e;
} finally {
  await system.stop();
  rmSync(dir, { recursive: true, force: true });
}
let session: SessionResult;
try {
  session = await longSession(browser);
} finally {
  await browser.close();
}

const p95 = [...renders].sort((a, b) => a - b)[Math.ceil(renders.length * 0.95) - 1]!;
console.log(`dashboard, ${series.length} series × ${DAY_S} s at 1 s: 24 h range drawn in ${median(renders).toFixed(1)} ms median (p95 ${p95.toFixed(1)} ms; goal < 300 ms); page load (stream open, status shown) ${median(loads).toFixed(1)} ms`);
const hourTxt = (SESSION_TICKS / 3600).toFixed(2);
console.log(
  `live session, ${session.sessionTicks} ticks (${hourTxt} h at 1 s) in ${session.sessionSeconds} s: JS heap ${mb(session.heapStartBytes)} → ${mb(session.heapEndBytes)} MB, ` +
    `second-half slope ${(session.heapSlopeBytesPerHour / 1024).toFixed(1)} KiB per hour; DOM nodes ${session.domNodesStart} → ${session.domNodesEnd} (slope ${session.domNodeSlopePerHour}/h); ` +
    `listeners ${session.listenersStart} → ${session.listenersEnd}; longest task ${session.longestTaskMs} ms (${session.longTasks} ≥ 50 ms), outside the forced GCs ${session.longestPageTaskMs} ms (${session.pageLongTasks}); longest frame gap ${session.maxFrameGapMs} ms`,
);
console.log(
  JSON.stringify({
    bench: 'dashboard',
    render24hMs: Number(median(renders).toFixed(1)),
    render24hP95Ms: Number(p95.toFixed(1)),
    pageLoadMs: Number(median(loads).toFixed(1)),
    samples: series.length * DAY_S,
    runs: RUNS,
    ...session,
  }),
);

interface Sample { ticks: number; heap: number; nodes: number; listeners: number; attached: number }
interface SessionResult {
  sessionTicks: number;
  sessionSeconds: number;
  alertEvents: number;
  heapStartBytes: number;
  heapEndBytes: number;
  heapSlopeBytesPerHour: number;
  domNodesStart: number;
  domNodesEnd: number;
  domNodeSlopePerHour: number;
  attachedNodesEnd: number;
  listenersStart: number;
  listenersEnd: number;
  longestTaskMs: number;
  longTasks: number;
  longestPageTaskMs: number;
  pageLongTasks: number;
  maxFrameGapMs: number;
  heapSamples: number[];
}

/** An hour of 1-s ticks with the live page open; the page's heap, DOM and listeners sampled after a forced GC. */
async function longSession(browser: Browser): Promise<SessionResult> {
  const sdir = mkdtempSync(join(tmpdir(), 'ep-dash-session-'));
  const cfg = join(sdir, 'config.json');
  // Pushes arrive every 100 ms: 20 intervals of staleness keep them current under load.
  writeFileSync(cfg, JSON.stringify({ log_level: 'silent', monitoring_interval: TICK_S, stale_after_intervals: 20, storage: { enabled: false }, echo_dash: { enabled: false }, server: { port: 0 } }));
  const sys = createIntegratedSystem(cfg, { gpuCollector: false, logger: silentLogger, consoleAlerts: false });
  let ticks = 0;
  let alertEvents = 0;
  sys.monitor.onTick((_s, events) => {
    ticks++;
    alertEvents += events.length;
  });
  await sys.start();
  const base = sys.address!.url;
  const prng = new Prng(7);
  let pushes = 0;
  let inflight = false;
  const pushRound = async (): Promise<void> => {
    if (inflight) return;
    inflight = true;
    pushes++;
    const post = (component: string, body: unknown) =>
      fetch(`${base}/api/v1/push/${component}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }).then(async (r) => {
        if (r.status !== 200) throw new Error(`push ${component}: ${r.status} ${(await r.text()).slice(0, 200)}`);
      });
    const engineBody = (engine: string, scale: number) => ({
      labels: { engine, model: `model-${engine}` },
      token_throughput: scale * (900 + 100 * prng.normal()),
      request_latency_ms_p95: prng.lognormal(6, 0.2),
      ttft_ms_p95: prng.lognormal(4.5, 0.3),
      kv_cache_usage: 50 + 30 * Math.sin(pushes / 50),
      goodput: scale * (12 + prng.normal()),
    });
    try {
      // A breach every other 15 s: alert events (firing, then resolved) reach the page throughout.
      const breach = Math.floor(pushes / 150) % 2 === 1;
      await Promise.all([
        post('vllm-a', engineBody('vllm', 1)),
        post('sglang-b', engineBody('sglang', 0.8)),
        post('echo-self', { evolution_convergence: breach ? 0.1 : 0.9, fitness_improvement: 0.1 }),
      ]);
    } finally {
      inflight = false;
    }
  };
  let pushError: unknown;
  const pusher = setInterval(() => void pushRound().catch((e: unknown) => (pushError ??= e)), 100);
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  try {
    await pushRound();
    await page.goto(`${base}/`);
    await waitInPage(page, `document.getElementById('conn')?.dataset.state === 'live' && document.querySelector('.chart[data-metric="token_throughput"]')?.dataset.points > 0`, 30_000);
    await page.evaluate(`(() => {
      const s = { max: 0, count: 0, late: false, gap: 0, tasks: [] };
      window.__epSession = s;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          s.count++;
          if (e.duration > s.max) s.max = e.duration;
          if (s.tasks.length < 1000) s.tasks.push([e.startTime, e.duration]);
        }
      }).observe({ type: 'longtask' });
      let last = performance.now();
      const frame = (t) => { if (s.late && t - last > s.gap) s.gap = t - last; last = t; requestAnimationFrame(frame); };
      requestAnimationFrame(frame);
      return true;
    })()`);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    /** Page-time windows of the forced collections: a long task inside one is the bench's own doing. */
    const gcWindows: [number, number][] = [];
    const sample = async (): Promise<Sample> => {
      const from = await page.evaluate<number>('performance.now()');
      await cdp.send('HeapProfiler.collectGarbage');
      gcWindows.push([from, await page.evaluate<number>('performance.now()')]);
      const { metrics } = await cdp.send('Performance.getMetrics');
      const m = (name: string) => metrics.find((x) => x.name === name)?.value ?? NaN;
      const attached = await page.evaluate<number>(`document.getElementsByTagName('*').length`);
      return { ticks, heap: m('JSHeapUsedSize'), nodes: m('Nodes'), listeners: m('JSEventListeners'), attached };
    };
    const startTicks = ticks;
    const t0 = performance.now();
    const samples: Sample[] = [await sample()];
    let lateMarked = false;
    while (ticks - startTicks < SESSION_TICKS) {
      const next = t0 + samples.length * SAMPLE_EVERY_S * 1000;
      await new Promise((r) => setTimeout(r, Math.max(0, Math.min(next - performance.now(), 1000))));
      if (pushError !== undefined) throw pushError instanceof Error ? pushError : new Error(`push failed: ${JSON.stringify(pushError)}`);
      if (!lateMarked && ticks - startTicks >= SESSION_TICKS / 2) {
        lateMarked = true;
        await page.evaluate(`window.__epSession.late = true`);
      }
      if (performance.now() >= next) samples.push(await sample());
      if (performance.now() - t0 > SESSION_TICKS * TICK_S * 1000 * 4 + 60_000) throw new Error(`the session fell behind: ${ticks - startTicks} of ${SESSION_TICKS} ticks`);
    }
    samples.push(await sample());
    const seconds = (performance.now() - t0) / 1000;
    const lt = await page.evaluate<{ max: number; count: number; gap: number; tasks: [number, number][] }>(`window.__epSession`);
    const ownTasks = lt.tasks.filter(([t, d]) => !gcWindows.some(([a, b]) => t < b && t + d > a));
    const rel = samples.map((s) => ({ ...s, ticks: s.ticks - startTicks }));
    const late = rel.filter((s) => s.ticks >= SESSION_TICKS / 2);
    const first = rel[0]!;
    const last = rel[rel.length - 1]!;
    return {
      sessionTicks: last.ticks,
      sessionSeconds: Number(seconds.toFixed(1)),
      alertEvents,
      heapStartBytes: first.heap,
      heapEndBytes: last.heap,
      heapSlopeBytesPerHour: Math.round(slope(late, (s) => s.heap) * 3600),
      domNodesStart: first.nodes,
      domNodesEnd: last.nodes,
      domNodeSlopePerHour: Math.round(slope(late, (s) => s.nodes) * 3600),
      attachedNodesEnd: last.attached,
      listenersStart: first.listeners,
      listenersEnd: last.listeners,
      longestTaskMs: Math.round(lt.max),
      longTasks: lt.count,
      longestPageTaskMs: Math.round(Math.max(0, ...ownTasks.map(([, d]) => d))),
      pageLongTasks: ownTasks.length,
      maxFrameGapMs: Math.round(lt.gap),
      heapSamples: rel.map((s) => s.heap),
    };
  } finally {
    clearInterval(pusher);
    await page.close();
    await sys.stop();
    rmSync(sdir, { recursive: true, force: true });
  }
}

/** Least-squares slope of `y` per tick. */
function slope(xs: readonly Sample[], y: (s: Sample) => number): number {
  if (xs.length < 2) return NaN;
  const mx = xs.reduce((a, s) => a + s.ticks, 0) / xs.length;
  const my = xs.reduce((a, s) => a + y(s), 0) / xs.length;
  let num = 0;
  let den = 0;
  for (const s of xs) {
    num += (s.ticks - mx) * (y(s) - my);
    den += (s.ticks - mx) ** 2;
  }
  return den === 0 ? NaN : num / den;
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(2);
}
