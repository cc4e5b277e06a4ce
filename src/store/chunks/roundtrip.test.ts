import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ChunkEncoder, MAX_CHUNK_COLUMNS, MAX_CHUNK_SAMPLES, decodeChunk } from './index.js';

// Property tests of the codec: what goes in comes out bit for bit, at every
// moment of a chunk's life, and across a restart (resume).

const bits = (a: Float64Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/**
 * Values are kept in Float64Arrays and set through their bits: a JS array of
 * doubles may quiet a signalling NaN (the stale marker is one) when V8 stores it.
 */
type Spec = number | readonly [hi: number, lo: number];
function toFloats(specs: readonly Spec[]): Float64Array {
  const f = new Float64Array(specs.length);
  const u = new Uint32Array(f.buffer);
  specs.forEach((s, i) => {
    if (typeof s === 'number') f[i] = s;
    else [u[2 * i + HI], u[2 * i + LO]] = s;
  });
  return f;
}

/** Raw bits: every NaN payload, subnormals, ±0, ±Inf. */
const rawDouble = fc.tuple(fc.nat({ max: 0xffffffff }), fc.nat({ max: 0xffffffff }));
const special = fc.constantFrom(NaN, Infinity, -Infinity, 0, -0, Number.MIN_VALUE, -Number.MIN_VALUE, Number.MAX_VALUE, 2 ** 50, -(2 ** 50), 2 ** 50 + 1, 2 ** 53, 1e-300, 2.2250738585072014e-308);
const decimal = fc.tuple(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 0, max: 8 })).map(([n, k]) => n / 10 ** k);
const value: fc.Arbitrary<Spec> = fc.oneof(fc.double(), rawDouble, special, decimal, fc.integer());
const REPEAT = Symbol('repeat');
/** Series with runs of repeated values and random walks, so every value code and state change is reached. */
const series = (maxLength: number): fc.Arbitrary<Float64Array> =>
  fc.oneof(
    fc.array(fc.oneof(value, fc.constant(REPEAT)), { maxLength, size: 'max' }).map((xs) => {
      let prev: Spec = 0;
      return toFloats(xs.map((x) => (prev = x === REPEAT ? prev : x)));
    }),
    fc.tuple(decimal, fc.array(fc.integer({ min: -5000, max: 5000 }), { maxLength, size: 'max' }), fc.integer({ min: 0, max: 4 })).map(([start, steps, k]) => {
      let n = Math.round(start * 10 ** k);
      return toFloats(steps.map((s) => (n += s) / 10 ** k));
    }),
  );

/** Strictly increasing integer ms: regular, jittered, and big jumps, all below 2^53. */
const delta = fc.oneof(
  fc.constant(1000),
  fc.integer({ min: 997, max: 1003 }),
  fc.integer({ min: 1, max: 20 }),
  fc.integer({ min: 1, max: 2 ** 45 }),
);
const times = (n: number): fc.Arbitrary<number[]> =>
  fc.tuple(fc.integer({ min: 0, max: 2 ** 52 }), fc.array(delta, { minLength: n, maxLength: n })).map(([start, ds]) => {
    let t = start;
    return ds.map((d, i) => (i === 0 ? t : (t += d)));
  });

const samples = fc
  .integer({ min: 0, max: MAX_CHUNK_SAMPLES })
  .chain((n) => fc.tuple(times(n), series(n)).map(([t, v]) => ({ t: t.slice(0, v.length), v })));
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;

/** One column goes through append(t, v); several through appendRow with a Float64Array row filled bit for bit. */
function encode(t: readonly number[], cols: readonly Float64Array[]): ChunkEncoder {
  const enc = new ChunkEncoder(cols.length);
  if (cols.length === 1) {
    for (let i = 0; i < t.length; i++) assert.equal(enc.append(t[i]!, cols[0]![i]!), true, `append ${i}`);
    return enc;
  }
  const row = new Float64Array(cols.length);
  const rowBits = new Uint32Array(row.buffer);
  for (let i = 0; i < t.length; i++) {
    cols.forEach((c, k) => rowBits.set(new Uint32Array(c.buffer, 8 * i, 2), 2 * k));
    assert.equal(enc.appendRow(t[i]!, row), true, `append ${i}`);
  }
  return enc;
}

function assertDecodes(bytes: Uint8Array, t: readonly number[], cols: readonly Float64Array[]): void {
  const d = decodeChunk(bytes);
  assert.deepEqual(Array.from(d.t), t);
  assert.equal(d.columns.length, cols.length);
  cols.forEach((c, k) => assert.deepEqual(bits(d.columns[k]!), bits(c), `column ${k} bits`));
}

test('arbitrary doubles and increasing integer timestamps round-trip bit for bit', () => {
  fc.assert(
    fc.property(samples, ({ t, v }) => {
      const enc = encode(t, [v]);
      assert.equal(enc.count, t.length);
      assert.equal(enc.firstT, t[0]);
      assert.equal(enc.lastT, t[t.length - 1]);
      assertDecodes(enc.bytes(), t, [v]);
    }),
    { numRuns: 400 },
  );
});

test('raw bit patterns survive the trip through append as numbers: NaN payloads, the stale marker, -0, ±Inf', () => {
  const specs: Spec[] = [
    [0x7ff00000, 0x00000002], // Prometheus's stale marker, a signalling NaN
    [0x7ff80000, 0x00000001],
    [0x80000000, 0],
    [0xfff7ffff, 0xdeadbeef],
    [0x7ff00000, 0],
    [0xfff00000, 0],
  ];
  const v = toFloats([...specs, ...specs, 0, ...specs.slice().reverse()]);
  const t = Array.from(v, (_, i) => 1_000 * i);
  assertDecodes(encode(t, [v]).bytes(), t, [v]);
  const stale = new Uint32Array(decodeChunk(encode([5], [v.subarray(0, 1)]).bytes()).columns[0]!.buffer);
  assert.deepEqual([stale[HI], stale[LO]], [0x7ff00000, 0x00000002]);
});

test('multi-column rows round-trip, each column with its own state', () => {
  const rows = fc.integer({ min: 1, max: MAX_CHUNK_COLUMNS }).chain((cols) =>
    fc.integer({ min: 0, max: MAX_CHUNK_SAMPLES }).chain((n) =>
      fc.tuple(times(n), fc.array(series(n), { minLength: cols, maxLength: cols })).map(([t, vs]) => {
        const len = Math.min(...vs.map((v) => v.length));
        return { t: t.slice(0, len), vs: vs.map((v) => v.slice(0, len)) };
      }),
    ),
  );
  fc.assert(
    fc.property(rows, ({ t, vs }) => assertDecodes(encode(t, vs).bytes(), t, vs)),
    { numRuns: 200 },
  );
});

test('bytes() of a partial chunk decodes to exactly what was appended so far', () => {
  fc.assert(
    fc.property(samples, ({ t, v }) => {
      const enc = new ChunkEncoder();
      assertDecodes(enc.bytes(), [], [new Float64Array(0)]);
      for (let i = 0; i < t.length; i++) {
        enc.append(t[i]!, v[i]!);
        assertDecodes(enc.bytes(), t.slice(0, i + 1), [v.slice(0, i + 1)]);
      }
    }),
    { numRuns: 60 },
  );
});

test('resume() then append equals appending all at once, byte for byte', () => {
  const split = fc.integer({ min: 1, max: MAX_CHUNK_COLUMNS }).chain((cols) =>
    fc
      .integer({ min: 0, max: MAX_CHUNK_SAMPLES })
      .chain((n) => fc.tuple(times(n), fc.array(series(n), { minLength: cols, maxLength: cols }), fc.nat({ max: n }))),
  );
  fc.assert(
    fc.property(split, ([t0, vs0, at]) => {
      const len = Math.min(...vs0.map((v) => v.length));
      const t = t0.slice(0, len);
      const vs = vs0.map((v) => v.slice(0, len));
      const cut = Math.min(at, len);
      const whole = encode(t, vs);
      const resumed = ChunkEncoder.resume(encode(t.slice(0, cut), vs.map((v) => v.slice(0, cut))).bytes());
      assert.equal(resumed.count, cut);
      const row = new Float64Array(vs.length);
      const rowBits = new Uint32Array(row.buffer);
      for (let i = cut; i < len; i++) {
        vs.forEach((v, k) => rowBits.set(new Uint32Array(v.buffer, 8 * i, 2), 2 * k));
        assert.equal(resumed.appendRow(t[i]!, row), true);
      }
      assert.deepEqual(resumed.bytes(), whole.bytes());
      assert.equal(resumed.lastT, whole.lastT);
    }),
    { numRuns: 200 },
  );
});

test('append(t, a, b, ...) with plain numbers fills one value per column', () => {
  const enc = new ChunkEncoder(5);
  assert.equal(enc.append(1000, 1, 9.5, 20.25, 3, 9.5), true);
  assert.equal(enc.append(2000, 0.5, 12, 30.75, 5, 0.5), true);
  const d = decodeChunk(enc.bytes());
  assert.deepEqual(d.columns.map((c) => Array.from(c)), [[1, 0.5], [9.5, 12], [20.25, 30.75], [3, 5], [9.5, 0.5]]);
});

test('timestamps at the edges: 0, 2^53-1, jumps of 2^52 in both directions of the delta', () => {
  const t = [0, 1, 2 ** 52, 2 ** 52 + 1, 2 ** 52 + 1001, 2 ** 53 - 3, Number.MAX_SAFE_INTEGER];
  const v = Float64Array.from(t, (_, i) => i);
  assertDecodes(encode(t, [v]).bytes(), t, [v]);
});

test('decimal scales change mid-chunk and values leave and re-enter their decimal form', () => {
  const v = Float64Array.of(40, 40.5, 40.25, 40.125, 40.1234567, 40.12, NaN, 40.12, -0, 0, 2 ** 50, -(2 ** 50), 2 ** 50 + 2, 0.1, 0.3, 1e-7, 1e21, 40.13);
  const t = Array.from(v, (_, i) => 1_700_000_000_000 + 1000 * i);
  assertDecodes(encode(t, [v]).bytes(), t, [v]);
});
