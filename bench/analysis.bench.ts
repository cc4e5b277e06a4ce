/**
 * Analysis on one core, and how soon an alert reaches its handler.
 *
 * 1. Throughput: 1 k series of `request_latency_ms{component="c<i>"}` through
 *    `RuleEngine.observe` with the default rule set, which watches each with
 *    a threshold, a trend and a baseline (goal ≥ 5 M samples/s); then with
 *    an anomaly and a forecast rule on the same series as well (goal ≥ 1 M
 *    samples/s). One sample per series per simulated second, a noisy value
 *    with rare spikes; evaluators warmed past their warm-up first; median of
 *    several runs.
 * 2. Alert latency: a real `UnifiedPerformanceMonitor` (250 ms ticks) with a
 *    `for: 0` threshold rule on a pushed component; each round pushes a value
 *    over the line over real HTTP on 127.0.0.1 and times the handler call
 *    from the tick that took the push (a collector marks each tick's start).
 *    The wait for that tick is at most one interval; X is the rest.
 * Run: node --import tsx bench/analysis.bench.ts
 */
import { parseConfig } from '../src/config/index.js';
import { MemoryLogger } from '../src/core/logger.js';
import type { Labels } from '../src/core/types.js';
import { activeRules } from '../src/analyze/rules/active.js';
import { RuleEngine } from '../src/analyze/rules/engine.js';
import { monitorView } from '../src/monitor/monitorView.js';
import { addPushRoute } from '../src/monitor/pushRoute.js';
import { thresholdsFromConfig } from '../src/monitor/thresholdsFromConfig.js';
import { UnifiedPerformanceMonitor } from '../src/monitor/unifiedMonitor.js';
import { createServer } from '../src/server/index.js';
import { median } from './common.js';

const SERIES = 1000;
const METRIC = 'request_latency_ms';
const WARMUP_ROUNDS = 600;
const ROUNDS = 300;
const RUNS = 7;

const VALUES = new Float64Array(8192);
let seed = 7;
for (let i = 0; i < VALUES.length; i++) {
  seed = (seed * 1103515245 + 12345) >>> 0;
  const u = seed / 4294967296;
  VALUES[i] = 400 * (1 + 0.1 * (u - 0.5)) * (u > 0.995 ? 2 : 1);
}

function engineFor(extra: readonly unknown[]): RuleEngine {
  const config = parseConfig({ rules: extra });
  const rules = activeRules(config, thresholdsFromConfig(config));
  const engine = new RuleEngine(rules, { maxEvaluators: 100_000 });
  return engine;
}

/** Samples/s of `engine.observe` over the series, after warm-up; median of RUNS runs. */
function throughput(engine: RuleEngine, labels: readonly Labels[]): { perS: number; evaluators: number } {
  let t = 1_700_000_000_000;
  let k = 0;
  const round = (): void => {
    t += 1000;
    for (let i = 0; i < labels.length; i++) engine.observe(METRIC, labels[i]!, t, VALUES[k++ & 8191]!);
  };
  for (let r = 0; r < WARMUP_ROUNDS; r++) round();
  const rates: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const t0 = process.hrtime.bigint();
    for (let r = 0; r < ROUNDS; r++) round();
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    rates.push((ROUNDS * labels.length) / s);
  }
  return { perS: median(rates), evaluators: engine.counts().evaluators };
}

const labels: Labels[] = [];
for (let i = 0; i < SERIES; i++) labels.push({ component: `c${i}` });
const base = throughput(engineFor([]), labels);
const all = throughput(
  engineFor([
    { kind: 'anomaly', metric: METRIC },
    { kind: 'forecast', metric: METRIC, above: 5000, horizon: 600 },
  ]),
  labels,
);
console.log(`rule engine, ${SERIES} series of ${METRIC}: threshold + trend + baseline ${(base.perS / 1e6).toFixed(2)} M samples/s (${base.evaluators} evaluators); + anomaly + forecast ${(all.perS / 1e6).toFixed(2)} M samples/s (${all.evaluators} evaluators)`);

// Alert latency.
const INTERVAL_S = 0.25;
const N = 15;
const monitor = new UnifiedPerformanceMonitor({
  config: { log_level: 'silent', monitoring_interval: INTERVAL_S, default_rules: false, rules: [{ kind: 'threshold', metric: 'probe_latency_ms', above: 100, for: 0 }] },
  systemCollector: false,
  gpuCollector: false,
  logger: new MemoryLogger(),
});
const tickStarts: number[] = [];
monitor.registerCollector('tick_mark', () => {
  tickStarts.push(performance.now());
  return {};
});
let accepted = 0;
const accept = monitor.acceptPush.bind(monitor);
monitor.acceptPush = (component, body, contentType) => {
  accepted = performance.now();
  return accept(component, body, contentType);
};
let waiter: { status: string; resolve: (at: number) => void } | undefined;
monitor.registerAlertHandler((a) => {
  const at = performance.now();
  if (waiter !== undefined && a.status === waiter.status) waiter.resolve(at);
});
const server = createServer(monitorView(monitor), { port: 0 });
addPushRoute(server, monitor);
const { url } = await server.listen();
monitor.startMonitoring();

async function push(v: number, status: string): Promise<number> {
  const seen = new Promise<number>((resolve) => (waiter = { status, resolve }));
  const timeout = setTimeout(() => waiter?.resolve(Number.NaN), 5000);
  const r = await fetch(`${url}/api/v1/push/probe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ probe_latency_ms: v }) });
  if (!r.ok) throw new Error(`push answered ${r.status}: ${await r.text()}`);
  const at = await seen;
  clearTimeout(timeout);
  waiter = undefined;
  return at;
}

const total: number[] = [];
const afterTick: number[] = [];
// The component's first push registers it; its first value is under the line.
await fetch(`${url}/api/v1/push/probe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ probe_latency_ms: 10 }) });
await new Promise((r) => setTimeout(r, 3 * INTERVAL_S * 1000));
for (let i = 0; i < N; i++) {
  const handled = await push(500, 'firing');
  if (Number.isNaN(handled)) throw new Error('no firing alert within 5 s');
  const tick = tickStarts.find((s) => s >= accepted);
  total.push(handled - accepted);
  if (tick !== undefined) afterTick.push(handled - tick);
  if (Number.isNaN(await push(10, 'resolved'))) throw new Error('no resolved alert within 5 s');
  tickStarts.length = 0;
}
monitor.stopMonitoring();
await server.close();
const x = median(afterTick);
console.log(`alert latency (push over HTTP → handler, ${INTERVAL_S * 1000} ms ticks, median of ${N}): ${median(total).toFixed(1)} ms in all = wait for the next tick + ${x.toFixed(2)} ms`);
console.log(
  JSON.stringify({
    bench: 'analysis',
    series: SERIES,
    defaultRulesSamplesPerS: Math.round(base.perS),
    withAnomalyForecastSamplesPerS: Math.round(all.perS),
    alertLatencyAfterTickMs: Number(x.toFixed(2)),
    alertLatencyTotalMs: Number(median(total).toFixed(1)),
    tickMs: INTERVAL_S * 1000,
  }),
);
