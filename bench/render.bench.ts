/**
 * Render time of formatExposition for 10k series: mixed gauges and counters,
 * 3 labels each, text 0.0.4.
 * Run: node --import tsx bench/render.bench.ts
 * Last stdout line: {"bench":"render","series":10000,"medianMs":…}
 */
import { formatExposition } from '../src/core/exposition/index.js';
import type { MetricFamily } from '../src/core/exposition/index.js';
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

const out = formatExposition(families);
const ms = median(time(() => formatExposition(families), RUNS, WARMUP));
process.stdout.write(
  `formatExposition: ${SERIES} series in ${FAMILIES} families, ${(out.length / 1e6).toFixed(2)} MB of text, ` +
    `median ${ms.toFixed(2)} ms (${RUNS} runs after ${WARMUP} warm-up), node ${process.version}\n`,
);
process.stdout.write(JSON.stringify({ bench: 'render', series: SERIES, medianMs: Math.round(ms * 100) / 100 }) + '\n');
