/**
 * Render time for 10k series, text 0.0.4: `formatExposition` alone (mixed
 * gauges and counters, 3 labels each), and the whole /metrics page as the
 * server builds it (the export table's renaming, unit scaling and grouping of
 * 10k internal samples, then formatting).
 * Run: node --import tsx bench/render.bench.ts
 * Last stdout line: {"bench":"render","series":10000,"medianMs":…,"metricsPageMs":…}
 */
import { formatExposition } from '../src/core/exposition/index.js';
import type { MetricFamily } from '../src/core/exposition/index.js';
import type { Sample } from '../src/core/types.js';
import { buildExposition } from '../src/export/exposition.js';
import { median, time } from './common.js';

const SERIES = 10_000;
const FAMILIES = 100;
const RUNS = 15;
const WARMUP = 30;

const families: MetricFamily[] = [];
for (let f = 0; f < FAMILIES; f++) {
  const counter = f % 2 === 0;
  const name = counter ? `echo_bench_requests_${f}_total` : `echo_bench_queue_depth_${f}`;
  const samples = [];
  for (let s = 0; s < SERIES / FAMILIES; s++) {
    samples.push({
      name,
      labels: { engine: `e${s % 4}`, model: `model-${s % 10}`, instance: `10.0.${f}.${s}:8000` },
      value: counter ? s * 1000 + f : (s * 7.25) / (f + 1),
    });
  }
  families.push({ name, type: counter ? 'counter' : 'gauge', help: `Benchmark family ${f}.`, samples });
}

// The agent's own samples in internal names: per-engine unified metrics, GPU figures and custom component metrics.
const INTERNAL = ['token_throughput', 'kv_cache_usage', 'request_latency_ms_p95', 'gpu_utilization', 'gpu_memory_used_bytes', 'membrane_evolution_rate', 'queue_depth', 'jobs_total'];
const own: Sample[] = [];
for (let i = 0; i < SERIES; i++) {
  const name = INTERNAL[i % INTERNAL.length]!;
  own.push({ name, labels: { engine: `e${i % 40}`, model: `model-${i % 10}`, component: `c${i % 7}`, shard: String(i) }, t: 0, v: i * 0.5 });
}
const page = (): string => formatExposition(buildExposition({ own, passThrough: [] }).families);

const out = formatExposition(families);
const ms = median(time(() => formatExposition(families), RUNS, WARMUP));
const pageMs = median(time(page, RUNS, WARMUP));
process.stdout.write(
  `formatExposition: ${SERIES} series in ${FAMILIES} families, ${(out.length / 1e6).toFixed(2)} MB of text, ` +
    `median ${ms.toFixed(2)} ms; whole /metrics page from ${SERIES} internal samples ${pageMs.toFixed(2)} ms ` +
    `(${RUNS} runs after ${WARMUP} warm-up), node ${process.version}\n`,
);
process.stdout.write(
  JSON.stringify({ bench: 'render', series: SERIES, medianMs: Math.round(ms * 100) / 100, metricsPageMs: Math.round(pageMs * 100) / 100 }) + '\n',
);
