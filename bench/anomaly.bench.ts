/**
 * Cost of the streaming anomaly detector: samples per second on one core
 * across 1 k series (each its own detector, samples interleaved as a live
 * monitor feeds them), and bytes of memory per series, measured as the heap
 * and typed-array growth of 10 k detectors past their warm-up.
 * Run: node --expose-gc --import tsx bench/anomaly.bench.ts
 */
import { createDetector, DETECTOR_STATE_BYTES, type Detector } from '../src/analyze/anomaly/detector.js';
import { median } from './common.js';

const SERIES = 1000;
const ROUNDS = 2000;

/** A daily-like wave with noise and rare spikes, deterministic (a small LCG). */
function makeValues(n: number, seed: number): Float64Array {
  let s = seed >>> 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const r = s / 2 ** 32 - 0.5;
    out[i] = 100 + 30 * Math.sin(i / 40) + 10 * r + (i % 997 === 0 ? 200 : 0);
  }
  return out;
}

const values = Array.from({ length: SERIES }, (_, k) => makeValues(ROUNDS, k + 1));
const rates: number[] = [];
let sink = 0;
for (let rep = 0; rep < 5; rep++) {
  const dets: Detector[] = Array.from({ length: SERIES }, () => createDetector());
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < ROUNDS; i++) for (let k = 0; k < SERIES; k++) sink += dets[k]!.score(i * 1000, values[k]![i]!);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  rates.push((SERIES * ROUNDS) / s);
}

const gc = (globalThis as { gc?: () => void }).gc;
const MANY = 10_000;
const warm = makeValues(400, 99);
gc?.();
const m0 = process.memoryUsage();
const many: Detector[] = [];
for (let k = 0; k < MANY; k++) {
  const d = createDetector();
  for (let i = 0; i < warm.length; i++) sink += d.score(i, warm[i]!);
  many.push(d);
}
gc?.();
const m1 = process.memoryUsage();
const bytes = (m1.heapUsed - m0.heapUsed + (m1.arrayBuffers - m0.arrayBuffers)) / MANY;
if (sink === -1 || many.length === 0) console.log('');
console.log(
  `anomaly detector: median ${(median(rates) / 1e6).toFixed(2)} M samples/s over ${SERIES} series (${ROUNDS} samples each, 5 runs); ` +
    `${Math.round(bytes)} bytes per series measured${gc ? '' : ' (run with --expose-gc for a clean figure)'}, ${DETECTOR_STATE_BYTES} by its state's size`,
);
console.log(JSON.stringify({ bench: 'anomaly-detector', series: SERIES, samplesPerSec: Math.round(median(rates)), bytesPerSeries: Math.round(bytes), stateBytes: DETECTOR_STATE_BYTES }));
