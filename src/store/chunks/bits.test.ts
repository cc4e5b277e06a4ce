import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EchoPerfError } from '../../core/errors.js';
import { BitReader, BitWriter, bitLength } from './bits.js';
import { CHUNK_FORMAT_VERSION, ChunkEncoder, MAX_CHUNK_SAMPLES, decodeChunk } from './index.js';

// The bit stream under the codes, and the edges of the encoder's and decoder's
// bookkeeping that a round trip does not show.

const corruptWith = (message: RegExp) => (e: unknown) => e instanceof EchoPerfError && e.code === 'EP_ERR_STORE_CORRUPT' && message.test(e.message);

test('BitWriter.reserve keeps the buffer while the bits fit, and at least doubles it when they do not', () => {
  const w = new BitWriter(2, 3);
  const buf = w.buf;
  w.reserve(13); // bits 3..15: exactly the 2 bytes
  assert.equal(w.buf, buf);
  w.reserve(14); // one bit more: 3 bytes needed, 4 given
  assert.notEqual(w.buf, buf);
  assert.equal(w.buf.length, 4);
  w.bits(0b101, 3);
  w.reserve(8 * 20); // far past double: as much as asked
  assert.equal(w.buf.length, Math.ceil((6 + 160) / 8));
  assert.equal(w.buf[0], 0b00010100, 'what was written is kept');
});

test('BitWriter and BitReader agree on fields of every width at every bit offset', () => {
  for (let offset = 0; offset < 8; offset++) {
    for (const n of [1, 7, 8, 9, 31, 32, 33, 52, 53]) {
      const x = 2 ** n - 1 - (n > 2 ? 2 : 0);
      const w = new BitWriter(1, offset);
      w.reserve(n + 1);
      w.wide(x, n);
      w.bit(1);
      const r = new BitReader(w.buf.subarray(0, (w.pos + 7) >>> 3), offset);
      assert.equal(r.wide(n), x, `${n} bits at ${offset}`);
      assert.equal(r.bit(), 1);
      assert.equal(r.pos, offset + n + 1);
    }
  }
});

test('BitReader throws past the last bit, naming the sample and the bits it needed', () => {
  const r = new BitReader(Uint8Array.of(0xff, 0x00), 0);
  r.sample = 3;
  assert.equal(r.bits(10), 0b1111111100);
  assert.throws(() => r.bits(7), corruptWith(/^chunk corrupt: sample 3 needs bits 10\.\.16 but the chunk holds 16 bits \(2 bytes\)$/));
  assert.equal(r.bits(6), 0);
  assert.throws(() => r.bit(), corruptWith(/sample 3 needs bits 16\.\.16 but the chunk holds 16 bits/));
  assert.throws(() => r.bits(1), corruptWith(/needs bits 16\.\.16/));
  assert.equal(r.bits(0), 0, 'no bits are always there');
  const one = new BitReader(Uint8Array.of(0b10000000), 7);
  assert.equal(one.bit(), 0);
  assert.throws(() => one.bit(), corruptWith(/needs bits 8\.\.8 but the chunk holds 8 bits \(1 bytes\)/));
  // ones() stops at its maximum without reading on.
  const full = new BitReader(Uint8Array.of(0xff), 4);
  assert.equal(full.ones(4), 4);
  assert.throws(() => full.ones(1), corruptWith(/needs bits 8\.\.8/));
});

test('bitLength counts the bits of integers up to 2^53 - 1', () => {
  const cases: [number, number][] = [[0, 0], [1, 1], [2, 2], [255, 8], [2 ** 31, 32], [2 ** 32 - 1, 32], [2 ** 32, 33], [2 ** 32 + 1, 33], [2 ** 40, 41], [2 ** 53 - 1, 53]];
  for (const [x, n] of cases) assert.equal(bitLength(x), n, String(x));
});

test('full is false until the last sample, and resume() counts no refusal', () => {
  const enc = new ChunkEncoder();
  for (let i = 0; i < MAX_CHUNK_SAMPLES; i++) {
    assert.equal(enc.full, false, `after ${i}`);
    enc.append(1000 * i, i);
  }
  assert.equal(enc.full, true);
  for (const n of [0, 1, 7, MAX_CHUNK_SAMPLES]) {
    const part = new ChunkEncoder(2);
    for (let i = 0; i < n; i++) part.append(1000 * i, i, -i);
    const resumed = ChunkEncoder.resume(part.bytes());
    assert.equal(resumed.rejected, 0, `${n} samples`);
    assert.equal(resumed.count, n);
    assert.equal(resumed.full, n === MAX_CHUNK_SAMPLES);
  }
});

test('timestamps decoded from damaged residuals must increase and stay below 2^53', () => {
  // Header, first timestamp 1000 (width 10), value +0 repeated (0); then a residual of -2 (10 1 1) against the reference 0.
  const bits = (s: string): Uint8Array => {
    const out = new Uint8Array(3 + Math.ceil(s.length / 8));
    out.set([CHUNK_FORMAT_VERSION, 1, 2]);
    for (let i = 0; i < s.length; i++) if (s[i] === '1') out[3 + (i >>> 3)]! |= 0x80 >>> (i & 7);
    return out;
  };
  assert.throws(() => decodeChunk(bits('001010' + '1111101000' + '0' + '1011' + '0')), corruptWith(/sample 1 is -2 ms after the previous one; expected/));
  assert.throws(() => decodeChunk(bits('001010' + '1111101000' + '0' + '0' + '0')), corruptWith(/sample 1 is 0 ms after the previous one/));
  // 2^53 - 1, then +1.
  assert.throws(() => decodeChunk(bits('110101' + '1'.repeat(53) + '0' + '1000' + '0')), corruptWith(/sample 1 has timestamp 9007199254740992; expected at most/));
  assert.throws(
    () => decodeChunk('bytes' as unknown as Uint8Array),
    (e: unknown) => e instanceof EchoPerfError && e.code === 'EP_ERR_ARGUMENT' && /^decodeChunk bytes: got string/.test(e.message),
  );
});
