/**
 * The persistent tier (src/store/disk) end to end, on realistic series made
 * with the seeded PRNG: 20 series of one metric (4 CPU %, 4 rising counters,
 * 2 constant gauges, 4 noisy latencies, 6 cumulative histogram buckets),
 * stamped as the agent stamps them: on schedule (core/clock onGrid), 1 in
 * 1000 late by 30-200 ms (a GC pause).
 * - append throughput through the persistent tier: from the first append to
 *   the end of the flush that commits the last sample (chunks, rollups and
 *   SQLite writes all included; the writer thread does them on one core).
 *   Goal ≥ 1 M samples/s. Also the main thread's own cost per append.
 * - bytes per sample on disk: the database file after close (raw chunks, both
 *   rollup tiers, indexes, SQLite's page overhead), and raw chunk payload alone.
 * - range queries, p95 of RUNS: 1 h of 1 s data for the 20 series (goal
 *   ≤ 20 ms) and 7 days from the 1 min tier (goal ≤ 50 ms), through the agent
 *   (DiskStore.query: a message round trip, the read in the writer thread, the
 *   transfer) and through a read-only DiskReader on the calling thread. Both
 *   keep decoded chunks for repeated reads, so the first query of a range
 *   (every chunk decoded) is shown apart.
 * STORE_BENCH_DAY_FRACTION (default 1) shortens the day-long data set for a
 * quick check of this script; figures in BENCHMARKS.md use the default.
 * Run: node --import tsx bench/store.bench.ts
 * Last stdout line: {"bench":"store","appendMSps":…,"bytesPerSample":…,"rawPayloadBytesPerSample":…,"query1hP95Ms":…,"query7dP95Ms":…,…}
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ManualClock } from '../src/core/clock.js';
import { silentLogger } from '../src/core/logger.js';
import { Prng } from '../src/simulate/prng.js';
import { DB_FILE, DiskReader, DiskStore, type StoreQuery } from '../src/store/disk/index.js';

const DAY_S = Math.round(86_400 * Number(process.env['STORE_BENCH_DAY_FRACTION'] ?? 1));
const T0 = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;
const DAY = 86_400_000;
const RUNS = 40;
const WARMUP = 5;
const NAME = 'bench_series';

/** The 20 series' value functions, each with its own state. */
function makeSeries(rng: Prng): { labels: Record<string, string>; next: (i: number) => number }[] {
  const diurnal = (i: number): number => 0.65 - 0.35 * Math.cos((2 * Math.PI * i) / 86_400);
  const out: { labels: Record<string, string>; next: (i: number) => number }[] = [];
  for (let c = 0; c < 4; c++) {
    let wander = 0;
    out.push({
      labels: { kind: 'cpu', core: String(c) },
      next: (i) => {
        wander = 0.999 * wander + 0.3 * rng.normal();
        return Math.round(Math.min(100, Math.max(0, 70 * diurnal(i) + wander + 2 * rng.normal())) * 100) / 100;
      },
    });
  }
  for (let c = 0; c < 4; c++) {
    let total = 1_000_000 * (c + 1);
    out.push({ labels: { kind: 'counter', n: String(c) }, next: (i) => (total += rng.poisson(400 * diurnal(i))) });
  }
  for (let c = 0; c < 2; c++) out.push({ labels: { kind: 'constant', n: String(c) }, next: () => 32_768 * (c + 1) });
  for (let c = 0; c < 4; c++) out.push({ labels: { kind: 'latency', n: String(c) }, next: (i) => rng.lognormal(30 + 10 * diurnal(i), 0.25) });
  const bounds = [0.5, 1, 2.5, 5, 10, Infinity];
  const counts = new Float64Array(bounds.length);
  let lastI = -1;
  for (let b = 0; b < bounds.length; b++) {
    out.push({
      labels: { kind: 'bucket', le: String(bounds[b]) },
      next: (i) => {
        if (i !== lastI) {
          lastI = i;
          const requests = rng.poisson(4 * diurnal(i));
          for (let r = 0; r < requests; r++) {
            const latency = rng.lognormal(3, 0.7);
            for (let k = 0; k < bounds.length; k++) if (latency <= bounds[k]!) counts[k]!++;
          }
        }
        return counts[b]!;
      },
    });
  }
  return out;
}

function open(dir: string, clock: ManualClock, rawMs = 2 * DAY): DiskStore {
  return DiskStore.open({
    dataDir: dir,
    retention: { rawMs, minuteMs: 30 * DAY, hourMs: 365 * DAY },
    maxPendingSamples: 1_000_000,
    clock,
    logger: silentLogger,
  });
}

/** Loads `seconds` scrapes `everyS` apart into a new store; returns the store, the samples and the timings. */
async function load(dir: string, seconds: number, everyS: number, rawMs?: number) {
  const rng = new Prng(10);
  const series = makeSeries(rng);
  const clock = new ManualClock(T0 + seconds * 1000);
  const store = open(dir, clock, rawMs);
  series.forEach((s, id) => store.defineSeries(id, { key: `${NAME}${JSON.stringify(s.labels)}`, name: NAME, labels: s.labels }));
  // Values first, so the timing is of the store only.
  const n = Math.floor(seconds / everyS);
  const t = new Float64Array(n);
  const v = new Float64Array(n * series.length);
  for (let i = 0; i < n; i++) {
    t[i] = T0 + i * everyS * 1000 + (rng.next() < 0.001 ? 30 + Math.floor(rng.next() * 170) : 0);
    for (let s = 0; s < series.length; s++) v[i * series.length + s] = series[s]!.next(i * everyS);
  }
  const start = performance.now();
  let appendMs = 0;
  for (let i = 0; i < n; i += 1000) {
    const a0 = performance.now();
    for (let k = i; k < Math.min(n, i + 1000); k++) for (let s = 0; s < series.length; s++) store.append(s, t[k]!, v[k * series.length + s]!);
    appendMs += performance.now() - a0;
    // Let the writer's acknowledgements in, as the agent's event loop would between ticks.
    await new Promise((r) => setImmediate(r));
  }
  await store.flush();
  const totalMs = performance.now() - start;
  return { store, clock, samples: n * series.length, totalMs, appendMs };
}

const p95 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length * 0.95) - 1]!;

async function timeQueries(store: DiskStore, reader: DiskReader, q: StoreQuery, points: number): Promise<{ agent: number; reader: number; coldAgent: number; coldReader: number }> {
  const agent: number[] = [];
  const direct: number[] = [];
  let coldAgent = 0;
  let coldReader = 0;
  for (let r = 0; r < WARMUP + RUNS; r++) {
    const a0 = performance.now();
    const viaStore = await store.query(q);
    const a1 = performance.now();
    const viaReader = reader.query(q);
    const a2 = performance.now();
    const got = viaStore.series.reduce((x, s) => x + s.points.length, 0);
    // Jitter moves a sample per series in or out at the range edges.
    if (Math.abs(got - points) > 20 || viaReader.series.length !== 20) throw new Error(`query returned ${got} points in ${viaStore.series.length} series, expected ${points} in 20`);
    if (r === 0) {
      // Nothing decoded yet: every chunk comes from the file.
      coldAgent = a1 - a0;
      coldReader = a2 - a1;
    }
    if (r >= WARMUP) {
      agent.push(a1 - a0);
      direct.push(a2 - a1);
    }
  }
  return { agent: p95(agent), reader: p95(direct), coldAgent, coldReader };
}

const root = mkdtempSync(join(tmpdir(), 'echo-perf-store-bench-'));
try {
  // ---- A day at 1 s: throughput, bytes on disk, 1 h query ----
  const dayDir = join(root, 'day');
  const day = await load(dayDir, DAY_S, 1);
  const reader1 = DiskReader.open(dayDir, { now: () => day.clock.now() });
  const end = T0 + DAY_S * 1000;
  const q1h = await timeQueries(day.store, reader1, { name: NAME, start: end - HOUR, end }, 20 * 3600);
  reader1.close();
  await day.store.close();
  const db = new Database(join(dayDir, DB_FILE), { readonly: true });
  const rawPayload = (db.prepare('SELECT sum(length(data)) AS n FROM chunks_raw').get() as { n: number }).n;
  const rollupPayload = (db.prepare('SELECT (SELECT sum(length(data)) FROM chunks_minute) + (SELECT sum(length(data)) FROM chunks_hour) AS n').get() as { n: number }).n;
  // The 4 full-precision latency gauges (~7.5 B/sample: random mantissa bits) apart from the 16 others.
  const latencyPayload = (db.prepare(`SELECT sum(length(c.data)) AS n FROM chunks_raw c JOIN series s ON s.id = c.series_id WHERE s.labels LIKE '%"latency"%'`).get() as { n: number }).n;
  db.close();
  const fileBytes = statSync(join(dayDir, DB_FILE)).size;

  // ---- 7 days at 10 s: the 1 min tier ----
  const weekDir = join(root, 'week');
  const week = await load(weekDir, 7 * 86_400, 10, DAY);
  const reader7 = DiskReader.open(weekDir, { now: () => week.clock.now() });
  const wend = T0 + 7 * DAY;
  const q7d = await timeQueries(week.store, reader7, { name: NAME, start: wend - 7 * DAY, end: wend - 1 }, 20 * 7 * 1440);
  reader7.close();
  await week.store.close();

  const appendMSps = day.samples / (day.totalMs / 1000) / 1e6;
  const round = (x: number, d = 2): number => Math.round(x * 10 ** d) / 10 ** d;
  process.stdout.write(
    `day set: ${day.samples} samples (20 series × ${DAY_S} s)\n` +
      `through the persistent tier: ${day.totalMs.toFixed(0)} ms = ${appendMSps.toFixed(2)} M samples/s (goal ≥ 1); main thread ${((day.appendMs * 1e6) / day.samples).toFixed(1)} ns per append\n` +
      `on disk: ${fileBytes} bytes = ${(fileBytes / day.samples).toFixed(2)} B/sample (file); raw chunk payload ${(rawPayload / day.samples).toFixed(2)} B/sample (${((rawPayload - latencyPayload) / (day.samples * 0.8)).toFixed(2)} for the 16 series but the full-precision latencies), rollups ${(rollupPayload / day.samples).toFixed(3)} B/sample\n` +
      `query 1 h × 20 series (72,000 points, raw): p95 ${q1h.agent.toFixed(2)} ms through the agent, ${q1h.reader.toFixed(2)} ms read-only (goal ≤ 20); ` +
      `first query (no decoded chunk cached) ${q1h.coldAgent.toFixed(2)} / ${q1h.coldReader.toFixed(2)} ms\n` +
      `query 7 d × 20 series (201,600 points, 1 min tier): p95 ${q7d.agent.toFixed(2)} ms through the agent, ${q7d.reader.toFixed(2)} ms read-only (goal ≤ 50); ` +
      `first query ${q7d.coldAgent.toFixed(2)} / ${q7d.coldReader.toFixed(2)} ms\n` +
      `week set loaded in ${week.totalMs.toFixed(0)} ms; node ${process.version}\n`,
  );
  process.stdout.write(
    JSON.stringify({
      bench: 'store',
      appendMSps: round(appendMSps),
      appendNsMain: round((day.appendMs * 1e6) / day.samples, 1),
      bytesPerSample: round(fileBytes / day.samples),
      rawPayloadBytesPerSample: round(rawPayload / day.samples),
      rawPayloadExclLatencyBytesPerSample: round((rawPayload - latencyPayload) / (day.samples * 0.8)),
      query1hP95Ms: round(q1h.agent),
      query1hReaderP95Ms: round(q1h.reader),
      query1hColdMs: round(q1h.coldAgent),
      query7dP95Ms: round(q7d.agent),
      query7dReaderP95Ms: round(q7d.reader),
      query7dColdMs: round(q7d.coldAgent),
    }) + '\n',
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
