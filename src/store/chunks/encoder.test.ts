import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { EchoPerfError } from '../../core/errors.js';
import { Prng } from '../../simulate/prng.js';
import { ChunkEncoder, MAX_CHUNK_SAMPLES, decodeChunk } from './index.js';

// What append refuses, and how refusals are counted.

function filled(n: number, step = 1000): ChunkEncoder {
  const enc = new ChunkEncoder();
  for (let i = 0; i < n; i++) assert.equal(enc.append(1_700_000_000_000 + step * i, i * 0.25), true);
  return enc;
}

test('a decreasing or equal timestamp returns false, writes nothing and is counted', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: MAX_CHUNK_SAMPLES - 1 }), fc.nat({ max: 10_000 }), (n, back) => {
      const enc = filled(n);
      const before = enc.bytes();
      const last = enc.lastT!;
      assert.equal(enc.append(last, 1), false, 'duplicate');
      assert.equal(enc.append(last - 1 - back, 1), false, 'out of order');
      assert.equal(enc.rejected, 2);
      assert.equal(enc.count, n);
      assert.equal(enc.lastT, last);
      assert.deepEqual(enc.bytes(), before);
      // The chunk goes on as if the refused appends never happened.
      assert.equal(enc.append(last + 1000, 7), true);
      const d = decodeChunk(enc.bytes());
      assert.deepEqual(Array.from(d.t.slice(-2)), [last, last + 1000]);
      assert.equal(d.columns[0]![n], 7);
    }),
    { numRuns: 50 },
  );
});

test('a timestamp that is not an integer ms in 0..2^53-1 is refused and counted', () => {
  const enc = filled(3);
  const before = enc.bytes();
  const bad = [enc.lastT! + 0.5, NaN, Infinity, -1, 2 ** 53, -Infinity];
  for (const t of bad) assert.equal(enc.append(t, 1), false, String(t));
  assert.equal(enc.rejected, bad.length);
  assert.deepEqual(enc.bytes(), before);
  const empty = new ChunkEncoder();
  assert.equal(empty.append(-5, 1), false);
  assert.equal(empty.count, 0);
  assert.equal(empty.firstT, undefined);
});

test(`a full chunk (${MAX_CHUNK_SAMPLES} samples) refuses the next append without counting it as rejected`, () => {
  const enc = filled(MAX_CHUNK_SAMPLES);
  assert.equal(enc.full, true);
  const before = enc.bytes();
  assert.equal(enc.append(enc.lastT! + 1000, 1), false);
  assert.equal(enc.rejected, 0);
  assert.deepEqual(enc.bytes(), before);
  assert.equal(decodeChunk(before).t.length, MAX_CHUNK_SAMPLES);
  assert.equal(ChunkEncoder.resume(before).append(enc.lastT! + 1000, 1), false);
});

test('wrong value count or a non-number value throws EP_ERR_ARGUMENT naming it, and writes nothing', () => {
  const enc = new ChunkEncoder(2);
  assert.equal(enc.append(1, 1, 2), true);
  const before = enc.bytes();
  assert.throws(() => enc.append(2, 1), (e: unknown) => e instanceof EchoPerfError && e.code === 'EP_ERR_ARGUMENT' && /got 1; expected 2/.test(e.message));
  assert.throws(
    () => enc.appendRow(2, [1, 'x'.repeat(500) as unknown as number]),
    (e: unknown) => e instanceof EchoPerfError && e.code === 'EP_ERR_ARGUMENT' && e.message.includes('values[1]') && e.message.length < 200,
  );
  assert.deepEqual(enc.bytes(), before);
  assert.equal(enc.count, 1);
});

test('the column count must be an integer 1..16', () => {
  for (const c of [0, 17, 1.5, NaN]) {
    assert.throws(() => new ChunkEncoder(c), (e: unknown) => e instanceof EchoPerfError && e.code === 'EP_ERR_ARGUMENT' && e.message.includes('columns'));
  }
  assert.equal(new ChunkEncoder().columns, 1);
  assert.equal(new ChunkEncoder(16).columns, 16);
});

// Sizes the layout promises (format.ts), counted in bits: a change that loses
// compression fails here, not only in the benchmark.

test('a regular constant series costs 2 bits a sample', () => {
  const enc = new ChunkEncoder();
  for (let i = 0; i < MAX_CHUNK_SAMPLES; i++) enc.append(1_700_000_000_000 + 15_000 * i, 42);
  assert.equal(enc.byteLength, enc.bytes().length);
  // Header 24 bits; first timestamp 6 + 41; 42 from +0: scale change 7, XOR window 4 + 11 + 15;
  // first delta 15000 (5 + 1 + 17) and a repeated value (1); then 118 × (0 residual, same value).
  assert.equal(enc.byteLength, Math.ceil((24 + 47 + 37 + 24 + 118 * 2) / 8));
});

test('scrape jitter of ±3 ms around a 1 s grid costs under 5 bits a timestamp', () => {
  const rng = new Prng(7);
  const enc = new ChunkEncoder();
  for (let i = 0; i < MAX_CHUNK_SAMPLES; i++) enc.append(1_700_000_000_000 + 1000 * i + Math.floor(rng.next() * 7) - 3, 1);
  // Fixed part as above (first timestamp, first value 1: 7 + 4 + 11 + 10 bits), then a timestamp and a 1-bit repeat a sample.
  const fixed = 24 + 47 + 32 + 24;
  const perSample = (enc.byteLength * 8 - fixed) / (MAX_CHUNK_SAMPLES - 1) - 1;
  assert.ok(perSample < 5, `${perSample.toFixed(2)} bits a timestamp`);
});

test('a changed interval or a missed scrape costs bits once, then the new rhythm is cheap again', () => {
  const t: number[] = [];
  let x = 1_700_000_000_000;
  for (let i = 0; i < 40; i++) t.push((x += 1000));
  x += 1000; // one scrape missed
  for (let i = 0; i < 39; i++) t.push((x += 1000));
  for (let i = 0; i < 40; i++) t.push((x += 10_000)); // interval changed to 10 s
  const enc = new ChunkEncoder();
  for (const ts of t) assert.equal(enc.append(ts, 0), true);
  assert.deepEqual(Array.from(decodeChunk(enc.bytes()).t), t);
  // 119 deltas: 5 leave the jitter buckets (the first, 2000 and back, 10000 once), 114 cost 1 bit; values 1 bit each.
  assert.ok(enc.byteLength * 8 <= 24 + 47 + 5 * 23 + 114 + MAX_CHUNK_SAMPLES + 7, `${enc.byteLength} bytes`);
});

test('a 2-decimal gauge and a steady counter take the decimal code: a fraction of their XOR size', () => {
  const rng = new Prng(3);
  const cpu = new ChunkEncoder();
  const counter = new ChunkEncoder();
  let tokens = 1_000_000;
  for (let i = 0; i < MAX_CHUNK_SAMPLES; i++) {
    const t = 1_700_000_000_000 + 1000 * i;
    cpu.append(t, Math.round((50 + 2 * rng.normal()) * 100) / 100);
    counter.append(t, (tokens += 250 + Math.round(10 * rng.normal())));
  }
  // Noise of σ = 2 % in 0.01 units: about 10 bits of entropy a delta; XOR would take about 50.
  assert.ok(cpu.byteLength / MAX_CHUNK_SAMPLES < 1.9, `cpu ${cpu.byteLength} bytes`);
  // Increments 250 ± 10: predicted from the previous one, the residual (σ 14) Rice-codes in about 7 bits, not the 10 of 250.
  assert.ok(counter.byteLength / MAX_CHUNK_SAMPLES < 1.5, `counter ${counter.byteLength} bytes`);
});
