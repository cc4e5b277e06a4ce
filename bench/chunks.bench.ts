/**
 * Bytes per sample of the chunk codec (src/store/chunks) on realistic 1 s
 * series of one day each (86,400 samples), made with the seeded PRNG, and its
 * encode/decode speed on one core. Timestamps are what the agent writes:
 * ticks and scrapes are stamped with their scheduled time when the timer fired
 * within 25 ms of it (core/clock onGrid), so a series is evenly spaced but for
 * the odd late one (here 1 in 1000, 30-200 ms late, as a GC pause makes).
 * For reference, the same series stamped as timers fire (±3 ms of jitter).
 * Chunks of 120 samples as the store cuts them.
 * Peer in the same run: the size Prometheus's XOR chunks (tsdb/chunkenc/xor.go)
 * would take for the same samples, counted bit for bit from that encoding's
 * rules. Both figures are chunk payload only (no index, no per-chunk metadata).
 * Goal: 1.3 bytes a sample on average. The latency gauge cannot get near it:
 * a full-precision float that changes every second has about 52 random
 * mantissa bits, which no lossless code removes; the figure without it is shown.
 * Run: node --import tsx bench/chunks.bench.ts
 * Last stdout line: {"bench":"chunks","avgBytesPerSample":…,"cpu":…,…,"encodeMSps":…,"decodeMSps":…}
 */
import { Prng } from '../src/simulate/prng.js';
import { ChunkEncoder, MAX_CHUNK_SAMPLES, decodeChunk } from '../src/store/chunks/index.js';
import { median, time } from './common.js';

const DAY = 86_400;
const T0 = 1_767_225_600_000;
const rng = new Prng(10);

/** Load over the day, 0.3 at night to 1 in the afternoon. */
const diurnal = (i: number): number => 0.65 - 0.35 * Math.cos((2 * Math.PI * i) / DAY);
const round2 = (x: number): number => Math.round(x * 100) / 100;

function generate(): { times: Float64Array; jittered: Float64Array; regular: Float64Array; series: Map<string, Float64Array> } {
  const times = new Float64Array(DAY);
  const jittered = new Float64Array(DAY);
  const regular = new Float64Array(DAY);
  for (let i = 0; i < DAY; i++) {
    times[i] = T0 + 1000 * i + (rng.next() < 0.001 ? 30 + Math.floor(rng.next() * 170) : 0);
    jittered[i] = T0 + 1000 * i + Math.floor(rng.next() * 7) - 3;
    regular[i] = T0 + 1000 * i;
  }
  const series = new Map<string, Float64Array>();
  const make = (name: string, f: (i: number) => number): void => {
    const a = new Float64Array(DAY);
    for (let i = 0; i < DAY; i++) a[i] = f(i);
    series.set(name, a);
  };
  // CPU %: the day's load, a slow wander and per-second noise, to 2 decimals as collectors report it.
  let wander = 0;
  make('cpu', (i) => {
    wander = 0.999 * wander + 0.3 * rng.normal();
    return round2(Math.min(100, Math.max(0, 70 * diurnal(i) + wander + 2 * rng.normal())));
  });
  // A rising counter: generated tokens, a Poisson number a second around 400 tok/s at peak.
  let tokens = 1_234_567;
  make('counter', (i) => (tokens += rng.poisson(400 * diurnal(i))));
  // A constant gauge: the engine's max_model_len.
  make('constant', () => 32_768);
  // A noisy latency gauge in ms at full float precision: inter-token latency around 35 ms.
  make('latency', (i) => rng.lognormal(30 + 10 * diurnal(i), 0.25));
  // An engine page's histogram: vLLM e2e_request_latency_seconds, 12 cumulative buckets, requests around 4/s at peak.
  const bounds = [0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, Infinity];
  const buckets = bounds.map(() => new Float64Array(DAY));
  const counts = new Float64Array(bounds.length);
  for (let i = 0; i < DAY; i++) {
    const requests = rng.poisson(4 * diurnal(i));
    for (let r = 0; r < requests; r++) {
      const latency = rng.lognormal(3, 0.7);
      for (let b = 0; b < bounds.length; b++) if (latency <= bounds[b]!) counts[b]!++;
    }
    for (let b = 0; b < bounds.length; b++) buckets[b]![i] = counts[b]!;
  }
  buckets.forEach((a, b) => series.set(`bucket_${bounds[b]}`, a));
  return { times, jittered, regular, series };
}

/** Encodes a series into chunks of MAX_CHUNK_SAMPLES; returns them. */
function encodeSeries(times: Float64Array, values: Float64Array): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let enc = new ChunkEncoder();
  for (let i = 0; i < times.length; i++) {
    if (enc.full) {
      chunks.push(enc.bytes());
      enc = new ChunkEncoder();
    }
    enc.append(times[i]!, values[i]!);
  }
  chunks.push(enc.bytes());
  return chunks;
}

const total = (chunks: readonly Uint8Array[]): number => chunks.reduce((a, c) => a + c.length, 0);

// ---- Prometheus XOR chunk size, counted from the rules of tsdb/chunkenc/xor.go (2-byte header, varint first
// timestamp, raw first value, uvarint first delta, dod buckets of 14/17/20/64 bits, XOR with window reuse). ----
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const varintBytes = (x: number): number => Math.max(1, Math.ceil(Math.log2(x + 1) / 7));
const bitRange = (x: number, n: number): boolean => -(2 ** (n - 1) - 1) <= x && x <= 2 ** (n - 1);

function prometheusBytes(times: Float64Array, values: Float64Array): number {
  let bytes = 0;
  for (let start = 0; start < times.length; start += MAX_CHUNK_SAMPLES) {
    let bits = 0;
    let pHi = 0;
    let pLo = 0;
    let lead = -1;
    let trail = 0;
    let delta = 0;
    const end = Math.min(times.length, start + MAX_CHUNK_SAMPLES);
    for (let i = start; i < end; i++) {
      f64[0] = values[i]!;
      const hi = u32[HI]!;
      const lo = u32[1 - HI]!;
      if (i === start) {
        bits += 8 * varintBytes(2 * times[i]!) + 64;
      } else {
        const d = times[i]! - times[i - 1]!;
        if (i === start + 1) bits += 8 * varintBytes(d);
        else {
          const dod = d - delta;
          bits += dod === 0 ? 1 : bitRange(dod, 14) ? 16 : bitRange(dod, 17) ? 20 : bitRange(dod, 20) ? 24 : 68;
        }
        delta = d;
        const xhi = (hi ^ pHi) >>> 0;
        const xlo = (lo ^ pLo) >>> 0;
        if (xhi === 0 && xlo === 0) bits += 1;
        else {
          const l = Math.min(31, xhi !== 0 ? Math.clz32(xhi) : 32 + Math.clz32(xlo));
          const t = xlo !== 0 ? 31 - Math.clz32(xlo & -xlo) : 32 + 31 - Math.clz32(xhi & -xhi);
          if (lead >= 0 && l >= lead && t >= trail) bits += 2 + (64 - lead - trail);
          else {
            bits += 2 + 5 + 6 + (64 - l - t);
            lead = l;
            trail = t;
          }
        }
      }
      pHi = hi;
      pLo = lo;
    }
    bytes += 2 + Math.ceil(bits / 8);
  }
  return bytes;
}

// ---- Sizes ----
const { times, jittered, regular, series } = generate();
const perSeries = new Map<string, { ours: number; prom: number }>();
const allChunks: Uint8Array[] = [];
for (const [name, values] of series) {
  const chunks = encodeSeries(times, values);
  allChunks.push(...chunks);
  perSeries.set(name, { ours: total(chunks) / DAY, prom: prometheusBytes(times, values) / DAY });
}
const constRegular = total(encodeSeries(regular, series.get('constant')!)) / DAY;
const constRegularProm = prometheusBytes(regular, series.get('constant')!) / DAY;

// Every chunk decodes to what went in, bit for bit: a size figure of a broken codec is worth nothing.
for (const [name, values] of series) {
  const decoded = encodeSeries(times, values).map((c) => decodeChunk(c));
  const got = new Uint8Array(decoded.reduce((a, d) => a + d.t.length, 0) * 8);
  let at = 0;
  for (const d of decoded) {
    got.set(new Uint8Array(d.columns[0]!.buffer), at);
    at += d.columns[0]!.byteLength;
  }
  if (Buffer.compare(got, new Uint8Array(values.buffer)) !== 0) throw new Error(`${name}: decoded values differ from the input`);
}

// The same 12 buckets as one 12-column chunk per 120 scrapes: they share a scrape's timestamp, so it is stored once.
const bucketNames = [...series.keys()].filter((k) => k.startsWith('bucket_'));
let sharedBytes = 0;
{
  const cols = bucketNames.map((n) => series.get(n)!);
  const row = new Float64Array(cols.length);
  let enc = new ChunkEncoder(cols.length);
  for (let i = 0; i < DAY; i++) {
    if (enc.full) {
      sharedBytes += enc.byteLength;
      enc = new ChunkEncoder(cols.length);
    }
    cols.forEach((c, k) => (row[k] = c[i]!));
    enc.appendRow(times[i]!, row);
  }
  sharedBytes += enc.byteLength;
}
const histogramShared = sharedBytes / (DAY * bucketNames.length);

const kinds: [string, string[]][] = [
  ['cpu', ['cpu']],
  ['counter', ['counter']],
  ['constant', ['constant']],
  ['latency', ['latency']],
  ['histogram', bucketNames],
];
const kindFigure = (names: string[], which: 'ours' | 'prom'): number => names.reduce((a, n) => a + perSeries.get(n)![which], 0) / names.length;
const samples = DAY * series.size;
const avgOurs = allChunks.reduce((a, c) => a + c.length, 0) / samples;
const avgProm = [...perSeries.values()].reduce((a, s) => a + s.prom, 0) / series.size;
const avgExclLatency = (avgOurs * series.size - perSeries.get('latency')!.ours) / (series.size - 1);
const avgJittered = [...series.values()].reduce((a, v) => a + total(encodeSeries(jittered, v)), 0) / samples;

// ---- Speed: all series, one core ----
const RUNS = 5;
const WARMUP = 2;
const encodeMs = median(time(() => [...series.values()].map((v) => encodeSeries(times, v)), RUNS, WARMUP));
const decodeMs = median(time(() => allChunks.map((c) => decodeChunk(c)), RUNS, WARMUP));
const encodeMSps = samples / encodeMs / 1000;
const decodeMSps = samples / decodeMs / 1000;

const f = (x: number): string => x.toFixed(3);
let text = `${series.size} series × ${DAY} samples (1 s, stamped on schedule, 1 in 1000 late), chunks of ${MAX_CHUNK_SAMPLES}; bytes/sample, ours vs Prometheus XOR (size model)\n`;
for (const [kind, names] of kinds) {
  text += `  ${kind.padEnd(10)} ${f(kindFigure(names, 'ours'))}  vs ${f(kindFigure(names, 'prom'))}${names.length > 1 ? `  (mean of ${names.length} series)` : ''}\n`;
}
for (const [name, s] of perSeries) if (name.startsWith('bucket_')) text += `    ${name.padEnd(14)} ${f(s.ours)}  vs ${f(s.prom)}\n`;
text += `  constant at exactly 1000 ms: ${f(constRegular)}  vs ${f(constRegularProm)}\n`;
text += `  histogram as one ${bucketNames.length}-column chunk (timestamps shared): ${f(histogramShared)}\n`;
text += `  all samples: ${f(avgOurs)}  vs ${f(avgProm)}; without the full-precision latency gauge: ${f(avgExclLatency)}; mean of the five kinds: ${f(kinds.reduce((a, [, n]) => a + kindFigure(n, 'ours'), 0) / kinds.length)}\n`;
text += `  all samples stamped as timers fire (±3 ms, no on-schedule stamping): ${f(avgJittered)}\n`;
text += `encode ${encodeMSps.toFixed(2)} M samples/s (median ${encodeMs.toFixed(0)} ms for ${samples} samples), decode ${decodeMSps.toFixed(2)} M samples/s (median ${decodeMs.toFixed(0)} ms); ${RUNS} runs after ${WARMUP} warm-up\n`;
text += `node ${process.version}\n`;
process.stdout.write(text);

const r3 = (x: number): number => Math.round(x * 1000) / 1000;
const json: Record<string, string | number> = { bench: 'chunks', avgBytesPerSample: r3(avgOurs) };
for (const [kind, names] of kinds) json[kind] = r3(kindFigure(names, 'ours'));
Object.assign(json, { avgJitteredBytesPerSample: r3(avgJittered), constantRegular: r3(constRegular), histogramShared: r3(histogramShared), avgExclLatency: r3(avgExclLatency), promAvgBytesPerSample: r3(avgProm), encodeMSps: r3(encodeMSps), decodeMSps: r3(decodeMSps) });
process.stdout.write(JSON.stringify(json) + '\n');
