import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Prng } from '../../simulate/prng.js';
import { CHUNK_FORMAT_VERSION, ChunkEncoder, MAX_CHUNK_SAMPLES, decodeChunk } from './index.js';

// The decimal code's state, which neither side writes: the delta predictor and
// the Rice parameter. format.ts defines them; `decimalCodes` below follows that
// text (with columnState.ts's window of 16), and the encoder must write exactly
// its bits, as the decoder must read them: a rule changed on both sides still
// round-trips, so only the bits show it.

function bin(x: number, n: number): string {
  if (n === 0) return '';
  const s = x.toString(2);
  assert.ok(x >= 0 && s.length <= n, `${x} does not fit in ${n} bits`);
  return s.padStart(n, '0');
}

function chunk(count: number, fields: string): Uint8Array {
  const out = new Uint8Array(3 + Math.ceil(fields.length / 8));
  out.set([CHUNK_FORMAT_VERSION, 1, count]);
  for (let i = 0; i < fields.length; i++) if (fields[i] === '1') out[3 + (i >>> 3)]! |= 0x80 >>> (i & 7);
  return out;
}

/** Timestamps 0, 1, 2, ...: a 6-bit width 0, a residual of 1 against the reference 0 (10 0 0), then residuals 0. */
const tick = (i: number): string => (i === 0 ? '000000' : i === 1 ? '1000' : '0');

/**
 * The codes of integers n[0], n[1], ... in a column that starts at +0 and takes
 * scale 0 with its first value. Per value: the same value is 0; else 10 and the
 * residual e = delta - predicted, zigzagged (zz), Rice-coded with k (q = zz >> k
 * ones and a zero then k bits, or 16 ones, a 6-bit width and zz). The predicted
 * delta is the previous one while the sum of |delta - previous delta| is below
 * the sum of |delta| (a steady rate), else 0. k is JPEG-LS's: the least k with
 * N * 2^k >= A, A the sum of min(zz, 2^(k+4)) and N their count, both from 1.
 * Sums are halved when their count reaches 16 (to 8). An escaped residual
 * (zz >= 16 * 2^k) leaves the predictor's sums alone and predicts nothing next.
 */
function decimalCodes(ns: readonly number[], xorDearer = false): string[] {
  let n = 0;
  let dPrev = 0;
  let sumD = 0;
  let sumDD = 0;
  let statN = 0;
  let a = 1;
  let count = 1;
  let k = 0;
  const observe = (d: number): void => {
    sumD += Math.abs(d);
    sumDD += Math.abs(d - dPrev);
    if (++statN === 16) [sumD, sumDD, statN] = [Math.floor(sumD / 2), Math.floor(sumDD / 2), 8];
    dPrev = d;
  };
  return ns.map((m, i) => {
    const prefix = i === 0 ? '1111' + '000' : '';
    if (m === n && i > 0) {
      observe(0);
      return SAME;
    }
    const d = m - n;
    n = m;
    const e = d - (sumDD < sumD ? dPrev : 0);
    const zz = e >= 0 ? 2 * e : -2 * e - 1;
    const q = Math.floor(zz / 2 ** k);
    const code = q < 16 ? '10' + '1'.repeat(q) + '0' + bin(zz - q * 2 ** k, k) : '10' + '1'.repeat(16) + bin(zz.toString(2).length, 6) + bin(zz, zz.toString(2).length);
    const escaped = q >= 16;
    // Over 16 bits the encoder weighs the XOR code too, which this model leaves out: the series below stay under,
    // but for those whose XOR codes are known to cost more.
    assert.ok(code.length <= 16 || xorDearer, `value ${i} (${m}) costs ${code.length} bits`);
    a += Math.min(zz, 2 ** (k + 4));
    if (++count === 16) [a, count] = [Math.floor(a / 2), 8];
    k = 0;
    while (count * 2 ** k < a) k++;
    if (escaped) dPrev = 0;
    else observe(d);
    return prefix + code;
  });
}
const SAME = '0';

function assertDecimalCodes(ns: readonly number[], what: string, xorDearer = false): void {
  const enc = new ChunkEncoder();
  ns.forEach((n, i) => assert.equal(enc.append(i, n), true));
  const codes = decimalCodes(ns, xorDearer);
  const expected = chunk(ns.length, codes.map((c, i) => tick(i) + c).join(''));
  assert.deepEqual(enc.bytes(), expected, what);
  assert.deepEqual(Array.from(decodeChunk(expected).columns[0]!), ns, what);
}

test('a steady counter predicts the previous delta once deltas vary less than they measure', () => {
  // 1, 2, 3: after the first delta both sums are 1 (no prediction); after the second, |dd| sums 1 < 2 and the
  // third delta is predicted exactly: residual 0.
  assert.deepEqual(decimalCodes([1, 2, 3]), ['1111000' + '10' + '110', '10' + '10' + '0', '10' + '0' + '0']);
  assertDecimalCodes([1, 2, 3], 'rising');
  // The same, falling: the sums are of magnitudes.
  assertDecimalCodes([-1, -2, -3, -4], 'falling');
  assert.deepEqual(decimalCodes([-1, -2, -3]).slice(1), ['10' + '10', '10' + '0']);
});

test('decimal codes follow the predictor and the Rice parameter through counters, gauges, repeats and halvings', () => {
  const rng = new Prng(11);
  const jitter = (r: number): number => Math.floor(rng.next() * (2 * r + 1)) - r;
  const series: [string, number[]][] = [];
  // A counter that turns into a gauge, and back: the predictor switches after the window's sums have moved.
  let x = 0;
  let level = 0;
  series.push(['counter then gauge', Array.from({ length: MAX_CHUNK_SAMPLES }, (_, i) => (x = i < 50 ? x + 5 + jitter(1) : (level ||= x) + jitter(6)))]);
  x = 0;
  series.push(['gauge then counter', Array.from({ length: MAX_CHUNK_SAMPLES }, (_, i) => (x = i < 40 ? 4 + jitter(3) : x + 5 + jitter(1)))]);
  // Runs of repeats: each is a delta of 0 for the predictor's sums, not for the Rice parameter.
  x = 2;
  series.push(['repeats', Array.from({ length: MAX_CHUNK_SAMPLES }, (_, i) => (x = i % 7 < 4 ? x : x + 3 + jitter(1)))]);
  // A falling counter, and a wide gauge (k grows, then shrinks as the gauge calms).
  x = 0;
  series.push(['falling', Array.from({ length: MAX_CHUNK_SAMPLES }, (_, i) => (x -= Math.min(i + 2, 11) + jitter(1)))]);
  x = 3;
  series.push(['calming', Array.from({ length: MAX_CHUNK_SAMPLES }, (_, i) => (x = i < 60 ? x + jitter(Math.min(2 ** (i >> 3), 100)) : x + jitter(2)))]);
  // Exactly 16, 17, 24 and 25 values: the first halvings.
  for (const len of [16, 17, 24, 25, 31, 32]) series.push([`counter of ${len}`, Array.from({ length: len }, (_, i) => 1 + 4 * i + (i % 3))]);
  for (const [what, ns] of series) assertDecimalCodes(ns, what);
});

test('a value with no decimal form pauses a counter: its statistics carry over the gap, repeats in it leave them alone', () => {
  const rng = new Prng(5);
  const f = new Float64Array(MAX_CHUNK_SAMPLES);
  let x = 100;
  for (let i = 0; i < f.length; i++) {
    const phase = i % 40;
    // 20 values of a counter (steady +7, now and then +6 or +8), then a gap: NaN (the stale marker's kind) repeated, or
    // a value with no decimal form, then the counter again where it left off.
    if (phase < 20) f[i] = x += 7 + (rng.next() < 0.2 ? (rng.next() < 0.5 ? -1 : 1) : 0);
    else if (i < 40) f[i] = NaN;
    else if (i < 80) f[i] = phase < 22 ? Math.PI * x : NaN;
    else f[i] = phase % 3 === 0 ? Math.E : x;
  }
  const enc = new ChunkEncoder();
  f.forEach((v, i) => assert.equal(enc.append(i, v), true));
  const bytes = enc.bytes();
  const back = decodeChunk(bytes).columns[0]!;
  assert.deepEqual(new Uint8Array(back.buffer), new Uint8Array(f.buffer));
  assert.deepEqual(ChunkEncoder.resume(bytes).bytes(), bytes);
});

/** Runs of a counter or gauge (steps of -4..4 with noise), of repeats and of NaN, in random order. */
function gappy(seed: number): Float64Array {
  const rng = new Prng(seed);
  const f = new Float64Array(MAX_CHUNK_SAMPLES);
  let x = 1 + Math.floor(rng.next() * 5);
  for (let i = 0; i < f.length; ) {
    const kind = rng.next();
    const len = 1 + Math.floor(rng.next() * 24);
    const step = Math.floor(rng.next() * 9) - 4;
    const noise = Math.floor(rng.next() * 4);
    for (let j = 0; j < len && i < f.length; j++, i++) {
      if (kind < 0.3) f[i] = NaN;
      else if (kind < 0.4) f[i] = x;
      else f[i] = x += step + Math.floor(rng.next() * (2 * noise + 1)) - noise;
    }
  }
  return f;
}

test('counters and gauges broken by runs of NaN and of repeats round-trip, and resume to the same bytes', () => {
  for (let seed = 0; seed < 40; seed++) {
    const f = gappy(seed);
    const enc = new ChunkEncoder();
    f.forEach((v, i) => assert.equal(enc.append(i, v), true));
    const bytes = enc.bytes();
    assert.deepEqual(new Uint8Array(decodeChunk(bytes).columns[0]!.buffer), new Uint8Array(f.buffer), `seed ${seed}`);
    assert.deepEqual(ChunkEncoder.resume(bytes).bytes(), bytes, `seed ${seed}`);
  }
});

test('an escaped residual, from exactly 16 × 2^k up, predicts nothing next', () => {
  // B = -(2^46 + 1) has 47 bits: from +0 its XOR (no leading zeros, 58 significant bits) costs 15 + 58 = 73 bits,
  // its escaped decimal (zigzag 2^47 + 1, 48 bits) 2 + 16 + 6 + 48 = 72. Then k = 4 (A = 1 + 16, N = 2) and a delta
  // of 128 is zigzag 256 = 16 × 2^4: escaped (33 bits; the XOR, which changes the exponent too, costs more). So the
  // next 128 is not predicted either, and only the one after it is.
  const b = -(2 ** 46 + 1);
  const ns = [b, b + 128, b + 256, b + 384, b + 512];
  assert.equal(decimalCodes(ns, true)[1]!, '10' + '1'.repeat(16) + '001001' + '100000000');
  assertDecimalCodes(ns, 'escape at 16 × 2^k', true);
});

test('numerators of ±2^49 have a decimal form, one more has none', () => {
  // 2^49 from +0 at scale 0: zigzag 2^50 escapes (2 + 16 + 6 + 51 bits), its XOR (1 leading, 7 significant: 1000011)
  // costs 22: XOR, then k = 4 (A = 17, N = 2) and the delta -1 to 2^49 - 1 costs 7 bits.
  const enc = new ChunkEncoder();
  enc.append(0, 2 ** 49);
  enc.append(1, 2 ** 49 - 1);
  assert.deepEqual(enc.bytes(), chunk(2, tick(0) + '1111000' + '1110' + '00001' + '000111' + '1000011' + tick(1) + '10' + '0' + '0001'));
  const neg = new ChunkEncoder();
  neg.append(0, -(2 ** 49));
  neg.append(1, -(2 ** 49) + 1);
  assert.deepEqual(neg.bytes(), chunk(2, tick(0) + '1111000' + '1110' + '00000' + '001000' + '11000011' + tick(1) + '10' + '0' + '0010'));
  // 2^49 + 2 is beyond: no scale, an XOR from +0.
  const over = new ChunkEncoder();
  over.append(0, 2 ** 49 + 2);
  const stream = Array.from(over.bytes().subarray(3), (x) => x.toString(2).padStart(8, '0')).join('');
  assert.equal(stream.slice(6, 10), '1110', 'a new XOR window, not a scale change (1111)');
});

test('a counter that never deviates from its rate keeps costing 3 bits a value', () => {
  // Exact predictions add 0 to A, so each halving brings it down, to 0 in the end: the least k with N * 2^k >= 0 is 0,
  // and each value is 10 and a zero (format 2 made k 32 there, and such a counter then cost an XOR a value).
  const ns = Array.from({ length: MAX_CHUNK_SAMPLES }, (_, i) => 3 + 15 * i);
  const codes = decimalCodes(ns);
  assert.deepEqual(codes.slice(-60), Array.from({ length: 60 }, () => '10' + '0'));
  assertDecimalCodes(ns, 'exact counter');
});
