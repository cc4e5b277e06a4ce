import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { EchoPerfError } from '../../core/errors.js';
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

test('the column count must be an integer 1..8', () => {
  for (const c of [0, 9, 1.5, NaN]) {
    assert.throws(() => new ChunkEncoder(c), (e: unknown) => e instanceof EchoPerfError && e.code === 'EP_ERR_ARGUMENT' && e.message.includes('columns'));
  }
  assert.equal(new ChunkEncoder().columns, 1);
  assert.equal(new ChunkEncoder(8).columns, 8);
});

test('byteLength follows bytes() and a regular constant series costs a few bits a sample', () => {
  const enc = new ChunkEncoder();
  for (let i = 0; i < MAX_CHUNK_SAMPLES; i++) enc.append(1_700_000_000_000 + 15_000 * i, 42);
  assert.equal(enc.byteLength, enc.bytes().length);
  // Header 3 bytes, first timestamp and value, then 2 bits a sample (dod 0, same value).
  assert.ok(enc.byteLength <= 3 + 12 + Math.ceil((2 * (MAX_CHUNK_SAMPLES - 1)) / 8), `${enc.byteLength} bytes`);
});
