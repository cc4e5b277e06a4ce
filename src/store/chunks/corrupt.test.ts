import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { EchoPerfError } from '../../core/errors.js';
import { ChunkEncoder, decodeChunk } from './index.js';

// A chunk read from disk is untrusted: damage gives EP_ERR_STORE_CORRUPT, never
// another error, a wrong answer that looks right, a hang or a large allocation.

const isCorrupt = (e: unknown): boolean => e instanceof EchoPerfError && e.code === 'EP_ERR_STORE_CORRUPT';

function sample(): Uint8Array {
  const enc = new ChunkEncoder(2);
  let t = 1_700_000_000_000;
  for (let i = 0; i < 60; i++) {
    t += 1000 + ((i * 7) % 5) - 2;
    enc.append(t, 40 + ((i * 13) % 17) / 100, i % 3 === 0 ? NaN : Math.sqrt(i));
  }
  return enc.bytes();
}

test('every truncation of a chunk throws EP_ERR_STORE_CORRUPT', () => {
  const bytes = sample();
  for (let len = 0; len < bytes.length; len++) {
    assert.throws(() => decodeChunk(bytes.subarray(0, len)), isCorrupt, `length ${len}`);
    assert.throws(() => ChunkEncoder.resume(bytes.subarray(0, len)), isCorrupt, `resume, length ${len}`);
  }
});

test('a bad header or trailing bytes name what was wrong', () => {
  const bytes = sample();
  const cases: [string, (b: Uint8Array) => Uint8Array, RegExp][] = [
    ['version', (b) => (b[0] = 9, b), /format version 9; expected 2\.\.3/],
    ['the next version', (b) => (b[0] = 4, b), /format version 4; expected 2\.\.3/],
    ['the first version', (b) => (b[0] = 1, b), /format version 1; expected 2\.\.3/],
    ['no columns', (b) => (b[1] = 0, b), /column count 0; expected 1\.\.16/],
    ['too many columns', (b) => (b[1] = 200, b), /column count 200/],
    ['too many samples', (b) => (b[2] = 121, b), /sample count 121; expected at most 120/],
    ['fewer samples than written', (b) => (b[2] = 10, b), /samples end at byte \d+ of \d+/],
    ['a trailing byte', (b) => Uint8Array.of(...b, 0), /samples end at byte/],
  ];
  for (const [what, damage, message] of cases) {
    assert.throws(() => decodeChunk(damage(bytes.slice())), (e: unknown) => isCorrupt(e) && message.test((e as Error).message), what);
  }
  assert.throws(() => decodeChunk(Uint8Array.of(1, 1)), (e: unknown) => isCorrupt(e) && /2 bytes; expected at least a 3-byte header/.test((e as Error).message));
});

test('non-zero padding bits in the last byte are damage', () => {
  const enc = new ChunkEncoder();
  // 7 bits after the header: first timestamp 0 (a 6-bit width of 0), then +0, the
  // value every column starts from (1 bit): one padding bit.
  enc.append(0, 0);
  const bytes = enc.bytes();
  assert.equal(bytes.length, 3 + 1);
  assert.deepEqual(decodeChunk(bytes).columns[0], Float64Array.of(0));
  const padded = bytes.slice();
  padded[3]! |= 1;
  assert.throws(() => decodeChunk(padded), (e: unknown) => isCorrupt(e) && /padding/.test((e as Error).message));
});

test('random bytes and bit flips either decode to a well-formed chunk or throw EP_ERR_STORE_CORRUPT', () => {
  const good = sample();
  const damaged = fc.oneof(
    fc.uint8Array({ maxLength: 600 }),
    fc.tuple(fc.constantFrom(1), fc.integer({ min: 1, max: 16 }), fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 600 })).map(
      ([v, c, n, rest]) => Uint8Array.of(v, c, n, ...rest),
    ),
    fc.array(fc.nat({ max: good.length * 8 - 1 }), { minLength: 1, maxLength: 4 }).map((flips) => {
      const b = good.slice();
      for (const f of flips) b[f >>> 3]! ^= 0x80 >>> (f & 7);
      return b;
    }),
  );
  fc.assert(
    fc.property(damaged, (bytes) => {
      let d: ReturnType<typeof decodeChunk>;
      try {
        d = decodeChunk(bytes);
      } catch (e) {
        assert.ok(isCorrupt(e), `unexpected ${String(e)}`);
        return;
      }
      assert.ok(d.t.length <= 120);
      for (let i = 1; i < d.t.length; i++) assert.ok(d.t[i]! > d.t[i - 1]! && Number.isSafeInteger(d.t[i]), `t[${i}]`);
      // What decodes can be resumed, and holds the same samples.
      const again = decodeChunk(ChunkEncoder.resume(bytes).bytes());
      assert.deepEqual(again.t, d.t);
      d.columns.forEach((c, k) => assert.deepEqual(new Uint8Array(again.columns[k]!.buffer), new Uint8Array(c.buffer)));
    }),
    { numRuns: 2000 },
  );
});

test('a huge input is refused by its header and length, without reading it all', () => {
  const bytes = new Uint8Array(16 * 1024 * 1024).fill(0xff);
  bytes.set([1, 1, 120]);
  assert.throws(() => decodeChunk(bytes), isCorrupt);
  assert.throws(() => decodeChunk('not bytes' as unknown as Uint8Array), (e: unknown) => e instanceof EchoPerfError && e.code === 'EP_ERR_ARGUMENT');
});

test('a Buffer read from a file decodes like the Uint8Array it came from', () => {
  const bytes = sample();
  const pooled = Buffer.concat([Buffer.from('junk'), Buffer.from(bytes)]).subarray(4);
  assert.deepEqual(decodeChunk(pooled).t, decodeChunk(bytes).t);
});
