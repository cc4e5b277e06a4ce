/**
 * The hot tier (src/store/series.ts): memory per stored sample and append
 * throughput on one core.
 *
 * Memory: 5,000 series, rings filled to their depth, once at the history
 * depth (max_metrics_history = 1000) and once at the rate-window depth of the
 * default config (122); bytes = growth of the V8 heap plus array buffers
 * after a full GC, so each series' name, labels, key, metadata and index
 * entries count along with its samples. Goal: ≤ 16 bytes a sample.
 *
 * Throughput: 10,000 series, samples appended tick after tick (all series at
 * one time, then the next). Two paths, measured apart: by id
 * (`appendId(id, t, v)`, ids resolved beforehand, as a writer that keeps ids
 * does), and by name + labels (`append(samples)`: each sample's series key
 * is built and looked up, as collectors' outputs and scraped pages arrive;
 * the sample objects are made before the clock starts). Median of 7 runs.
 * Goal: ≥ 5 M samples/s.
 * Run: node --import tsx bench/hotstore.bench.ts
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Sample } from '../src/core/types.js';
import { SeriesStore } from '../src/store/series.js';
import { median } from './common.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapBytes(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Labels like a host or GPU collector's: a component, one or two of its own. */
function labelsOf(i: number): Record<string, string> {
  return { component: 'system', device: `dev${i % 64}`, index: String(i) };
}

function memoryPerSample(depth: 'history' | 'window', capacity: number): { bytesPerSample: number; typedBytesPerSample: number } {
  const SERIES = 5000;
  const before = heapBytes();
  const store = new SeriesStore({ capacity, historyCapacity: capacity, maxSeries: 100_000 });
  const ids: number[] = [];
  // One metadata object per collection, as a collector's batch shares it.
  const meta = { origin: 'collector:system', type: 'gauge' } as const;
  for (let i = 0; i < SERIES; i++) ids.push(store.resolve('bench_metric', labelsOf(i), { depth, meta }));
  const t0 = 1_700_000_000_000;
  for (let k = 0; k < capacity; k++) for (const id of ids) store.appendId(id, t0 + k * 1000, Math.random() * 100);
  const after = heapBytes();
  const held = store.samplesHeld;
  if (held !== SERIES * capacity) throw new Error(`held ${held}, expected ${SERIES * capacity}`);
  return { bytesPerSample: (after - before) / held, typedBytesPerSample: store.bytes / held };
}

function throughput(): { idMps: number; keyedMps: number } {
  const SERIES = 10_000;
  const TICKS = 100;
  const idRuns: number[] = [];
  const keyedRuns: number[] = [];
  for (let run = 0; run < 8; run++) {
    // A fresh store each run: every run writes the same amount into rings that fill and wrap.
    const store = new SeriesStore({ capacity: 64, historyCapacity: 64, maxSeries: 100_000 });
    const ids = Array.from({ length: SERIES }, (_, i) => store.resolve('bench_metric', labelsOf(i)));
    let t = 1_700_000_000_000;
    const s0 = performance.now();
    for (let k = 0; k < TICKS; k++) {
      t += 1000;
      for (let i = 0; i < SERIES; i++) store.appendId(ids[i]!, t, i + k);
    }
    const idMs = performance.now() - s0;

    const keyed = new SeriesStore({ capacity: 64, historyCapacity: 64, maxSeries: 100_000 });
    const ticks: Sample[][] = [];
    for (let k = 0; k < TICKS; k++) ticks.push(Array.from({ length: SERIES }, (_, i) => ({ name: 'bench_metric', labels: labelsOf(i), t: 1_700_000_000_000 + k * 1000, v: i + k })));
    const s1 = performance.now();
    for (const batch of ticks) keyed.append(batch);
    const keyedMs = performance.now() - s1;
    if (run === 0) continue; // warm-up
    idRuns.push((SERIES * TICKS) / idMs / 1000);
    keyedRuns.push((SERIES * TICKS) / keyedMs / 1000);
  }
  return { idMps: median(idRuns), keyedMps: median(keyedRuns) };
}

const history = memoryPerSample('history', 1000);
const window = memoryPerSample('window', 122);
const { idMps, keyedMps } = throughput();
console.log(`memory, history rings (1000 deep, 5000 series): ${history.bytesPerSample.toFixed(2)} bytes/sample (typed arrays alone ${history.typedBytesPerSample.toFixed(2)})`);
console.log(`memory, rate-window rings (122 deep, 5000 series): ${window.bytesPerSample.toFixed(2)} bytes/sample (typed arrays alone ${window.typedBytesPerSample.toFixed(2)})`);
console.log(`append by id: ${idMps.toFixed(1)} M samples/s; by name + labels: ${keyedMps.toFixed(2)} M samples/s (one core)`);
console.log(
  JSON.stringify({
    bench: 'hotstore',
    bytesPerSampleHistory: Number(history.bytesPerSample.toFixed(2)),
    bytesPerSampleWindow: Number(window.bytesPerSample.toFixed(2)),
    appendByIdMps: Number(idMps.toFixed(2)),
    appendByNameMps: Number(keyedMps.toFixed(2)),
  }),
);
