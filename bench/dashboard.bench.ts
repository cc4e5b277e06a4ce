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
 * Needs chromium (Debian package) and a built dashboard (`npm run build`).
 * DASHBOARD_BENCH_DAY_FRACTION (default 1) shortens the day for a quick check.
 * Run: node --import tsx bench/dashboard.bench.ts
 * Last stdout line: {"bench":"dashboard","render24hMs":…,"render24hP95Ms":…,"pageLoadMs":…,"samples":…}
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { silentLogger } from '../src/core/logger.js';
import { ManualClock } from '../src/core/clock.js';
import { createIntegratedSystem } from '../src/monitor/integrated.js';
import { UnifiedPerformanceMonitor } from '../src/monitor/unifiedMonitor.js';
import { defaultWebDir } from '../src/server/index.js';
import { Prng } from '../src/simulate/prng.js';
import { CHROMIUM, waitInPage } from '../test/helpers/browser.js';
import { median } from './common.js';

const DAY_S = Math.round(86_400 * Number(process.env['DASHBOARD_BENCH_DAY_FRACTION'] ?? 1));
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
} finally {
  await browser.close();
  await system.stop();
  rmSync(dir, { recursive: true, force: true });
}

const p95 = [...renders].sort((a, b) => a - b)[Math.ceil(renders.length * 0.95) - 1]!;
console.log(`dashboard, ${series.length} series × ${DAY_S} s at 1 s: 24 h range drawn in ${median(renders).toFixed(1)} ms median (p95 ${p95.toFixed(1)} ms; goal < 300 ms); page load (stream open, status shown) ${median(loads).toFixed(1)} ms`);
console.log(
  JSON.stringify({
    bench: 'dashboard',
    render24hMs: Number(median(renders).toFixed(1)),
    render24hP95Ms: Number(p95.toFixed(1)),
    pageLoadMs: Number(median(loads).toFixed(1)),
    samples: series.length * DAY_S,
    runs: RUNS,
  }),
);
