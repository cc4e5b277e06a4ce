import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EchoPerfError } from '../../core/errors.js';
import { CHUNK_FORMAT_VERSION, ChunkEncoder, decodeChunk } from './index.js';

// The bits of each code, laid out as format.ts says: expected chunks are spelled
// out field by field, so a test fails when the encoder picks another code than
// the rule it documents (a size change that a round trip cannot see), or when
// the decoder accepts a field the format rules out.

/** n bits of x, most significant first. */
function bin(x: number | bigint, n: number): string {
  if (n === 0) return '';
  const s = BigInt(x).toString(2);
  assert.ok(BigInt(x) >= 0n && s.length <= n, `${x} does not fit in ${n} bits`);
  return s.padStart(n, '0');
}
const ones = (n: number): string => '1'.repeat(n);

/** A chunk: the 3-byte header, then the fields (strings of 0 and 1; spaces are for reading), zero-padded. */
function chunk(columns: number, count: number, ...fields: string[]): Uint8Array {
  const s = fields.join('').replace(/\s+/g, '');
  assert.match(s, /^[01]*$/);
  const out = new Uint8Array(3 + Math.ceil(s.length / 8));
  out.set([CHUNK_FORMAT_VERSION, columns, count]);
  for (let i = 0; i < s.length; i++) if (s[i] === '1') out[3 + (i >>> 3)]! |= 0x80 >>> (i & 7);
  return out;
}

/** The first timestamp: a 6-bit width, then that many bits. */
function first(t: number): string {
  const width = t === 0 ? 0 : t.toString(2).length;
  return bin(width, 6) + bin(t, width);
}

/** A timestamp residual in its bucket: 0 | 10 s x | 110 s xx | 1110 s x5 | 11110 s x17 | 11111 s x53. */
function residual(r: number): string {
  if (r === 0) return '0';
  const s = r < 0 ? '1' : '0';
  const m = Math.abs(r);
  if (m <= 2) return '10' + s + bin(m - 1, 1);
  if (m <= 6) return '110' + s + bin(m - 3, 2);
  if (m <= 38) return '1110' + s + bin(m - 7, 5);
  if (m <= 131110) return '11110' + s + bin(m - 39, 17);
  return '11111' + s + bin(m, 53);
}

/** Timestamps 0, 1, 2, ...: the first (width 0), a delta 1 against the reference 0 (residual 1), then residuals 0. */
const tick = (i: number): string => (i === 0 ? first(0) : i === 1 ? residual(1) : residual(0));

const bits64 = (v: number): bigint => {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  return view.getBigUint64(0);
};
/** The XOR of two doubles' bits, and its window: leading zeros (at most 31, as 5 bits hold) and trailing zeros. */
function xorOf(prev: number, v: number): { x: bigint; lead: number; trail: number } {
  const x = bits64(prev) ^ bits64(v);
  assert.notEqual(x, 0n);
  const lead = Math.min(31, 64 - x.toString(2).length);
  let trail = 0;
  while (((x >> BigInt(trail)) & 1n) === 0n) trail++;
  return { x, lead, trail };
}
/** 1110, a new window (5 bits of leading zeros, 6 of significant bits, 0 meaning 64), the significant bits. */
function xorNew(prev: number, v: number): string {
  const { x, lead, trail } = xorOf(prev, v);
  const sig = 64 - lead - trail;
  return '1110' + bin(lead, 5) + bin(sig & 63, 6) + bin(x >> BigInt(trail), sig);
}
/** 110, then the XOR's bits in the window (lead, trail) set earlier. */
function xorReuse(prev: number, v: number, lead: number, trail: number): string {
  const { x } = xorOf(prev, v);
  return '110' + bin(x >> BigInt(trail), 64 - lead - trail);
}
/** 10, then the zigzagged residual Rice-coded with parameter k: q ones, a zero, k bits; or 16 ones, a 6-bit width, the residual. */
function decimal(residualN: number, k: number): string {
  const zz = residualN >= 0 ? 2 * residualN : -2 * residualN - 1;
  const q = Math.floor(zz / 2 ** k);
  if (q < 16) return '10' + ones(q) + '0' + bin(zz - q * 2 ** k, k);
  const width = zz.toString(2).length;
  return '10' + ones(16) + bin(width, 6) + bin(zz, width);
}
/** 1111 and the column's new decimal scale. */
const scale = (k: number): string => '1111' + bin(k, 3);
const SAME = '0';

function encodeAll(values: readonly number[]): Uint8Array {
  const enc = new ChunkEncoder();
  values.forEach((v, i) => assert.equal(enc.append(i, v), true));
  return enc.bytes();
}

/** The encoder writes exactly `expected`, and the decoder reads back the values. */
function assertCodes(values: readonly number[], ...codes: string[]): void {
  assert.equal(codes.length, values.length);
  const expected = chunk(1, values.length, ...codes.map((c, i) => tick(i) + c));
  assert.deepEqual(encodeAll(values), expected);
  const d = decodeChunk(expected);
  assert.deepEqual(Array.from(d.t), values.map((_, i) => i));
  assert.deepEqual(Array.from(d.columns[0]!), values);
}

const corruptWith = (message: RegExp) => (e: unknown) => e instanceof EchoPerfError && e.code === 'EP_ERR_STORE_CORRUPT' && message.test(e.message);

// Timestamps.

test('the reference interval stays through residuals of ±38 ms and follows the delta beyond', () => {
  // Deltas 1000, 1038, 962, 1000, 1039, 1040: the first sets the reference (1000); ±38 are jitter and keep it;
  // 39 moves it, to 1040 (the delta rounded to 10 ms), so the next 1040 costs 1 bit.
  const deltas = [1000, 1038, 962, 1000, 1039, 1040];
  const residuals = [1000, 38, -38, 0, 39, 0];
  const t = deltas.reduce((ts, d) => [...ts, ts[ts.length - 1]! + d], [1_000_000]);
  const enc = new ChunkEncoder();
  for (const x of t) enc.append(x, 0);
  const expected = chunk(1, t.length, first(1_000_000), SAME, ...residuals.map((r) => residual(r) + SAME));
  assert.deepEqual(enc.bytes(), expected);
  assert.deepEqual(Array.from(decodeChunk(expected).t), t);
});

test('a new reference is the delta rounded to a whole 1000, 100 or 10 ms within 24 ms and 1/16 of it', () => {
  // [first delta, the reference it gives]: 1024 is 24 ms from 1000 (rounded); 1026 is not, and 1030 is 4 away;
  // 310 → 300 (10 ≤ 310/16); 153 → 150 (3 ≤ 9.6, where 200 is 47 away); 7 → 7 (10 is 3 away, over 7/16);
  // 2010 → 2000; 131110, the top of the 17-bit bucket, → 131100; 1500 → 1500.
  const cases: [number, number][] = [[1024, 1000], [1026, 1030], [310, 300], [153, 150], [7, 7], [2010, 2000], [131_110, 131_100], [1500, 1500]];
  for (const [delta, ref] of cases) {
    // Then the reference itself (residual 0) and the reference + 1 (residual 1).
    const t = [5000, 5000 + delta, 5000 + delta + ref, 5000 + delta + 2 * ref + 1];
    const enc = new ChunkEncoder();
    for (const x of t) enc.append(x, 0);
    const expected = chunk(1, 4, first(5000), SAME, residual(delta), SAME, residual(0), SAME, residual(1), SAME);
    assert.deepEqual(enc.bytes(), expected, `delta ${delta}`);
    assert.deepEqual(Array.from(decodeChunk(expected).t), t, `delta ${delta}`);
  }
});

test('each residual bucket holds up to its bound, the next one takes the wider bucket', () => {
  // A first delta of m is a residual of m against the reference 0.
  for (const m of [1, 2, 3, 6, 7, 38, 39, 131_110, 131_111, 2 ** 40]) {
    const t = [0, m];
    const enc = new ChunkEncoder();
    for (const x of t) enc.append(x, 0);
    const expected = chunk(1, 2, first(0), SAME, residual(m), SAME);
    assert.deepEqual(enc.bytes(), expected, `residual ${m}`);
    assert.deepEqual(Array.from(decodeChunk(expected).t), t);
  }
  // Lengths as format.ts gives them: 131110 is the last 17-bit residual (5 + 1 + 17), 131111 the first of 53 bits.
  assert.equal(residual(131_110).length, 23);
  assert.equal(residual(131_111).length, 59);
});

test('the first timestamp may be 53 bits wide and no wider', () => {
  const max = Number.MAX_SAFE_INTEGER;
  const enc = new ChunkEncoder();
  enc.append(max, 0);
  const expected = chunk(1, 1, bin(53, 6) + ones(53), SAME);
  assert.deepEqual(enc.bytes(), expected);
  assert.deepEqual(Array.from(decodeChunk(expected).t), [max]);
  // 54 bits wide, even with a small value in them, is not a timestamp this format writes.
  for (const width of [54, 63]) {
    assert.throws(() => decodeChunk(chunk(1, 1, bin(width, 6) + bin(5, width), SAME)), corruptWith(new RegExp(`first timestamp is ${width} bits wide`)));
  }
});

// Values: the XOR codes.

/** Doubles with the bits of pi and a few flipped, so none has a decimal form. */
function pi(flipHi: number, flipLo: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.PI);
  view.setUint32(0, view.getUint32(0) ^ flipHi);
  view.setUint32(4, view.getUint32(4) ^ flipLo);
  return view.getFloat64(0);
}

test('an XOR reuses the window when it fits and a new one would not be 12 bits shorter still', () => {
  const v0 = Math.PI; // from +0: leading 1, trailing 3, 60 significant bits
  const v1 = pi(0, 0x100); // bit 8 alone: a new window (31, 8) of 25 bits, as reuse would write 60
  const v2 = pi(0, 0x500); // bit 10 vs v1: fits the window, 25 ≤ 23 + 12: reuse
  const v3 = pi(0, 0x400); // bit 8 vs v2: the same trailing zeros as the window: reuse
  const v4 = pi(0, 0x100400); // bit 20 vs v3: 13 significant bits, 25 = 13 + 12 exactly: still reuse
  const v5 = pi(0, 0x300400); // bit 21 vs v4: 12 significant bits, 25 > 12 + 12: a new window (31, 21)
  const v6 = pi(0x1000, 0x300400); // bit 44: leading 19 < 31, outside the window: a new one (19, 44)
  const v7 = -v6; // the sign bit: a window with no leading zeros (0, 63)
  const v8 = v6; // the sign bit again: reuse of a window that starts at bit 63
  assertCodes(
    [v0, v1, v2, v3, v4, v5, v6, v7, v8],
    xorNew(0, v0),
    xorNew(v0, v1),
    xorReuse(v1, v2, 31, 8),
    xorReuse(v2, v3, 31, 8),
    xorReuse(v3, v4, 31, 8),
    xorNew(v4, v5),
    xorNew(v5, v6),
    xorNew(v6, v7),
    xorReuse(v7, v8, 0, 63),
  );
  assert.equal(xorReuse(v3, v4, 31, 8).length, xorNew(v3, v4).length, 'the tie that reuse wins');
});

test('an XOR of 64 significant bits writes its width as 0, and a window over 64 bits is corrupt', () => {
  const v = pi(0x80000000, 1); // sign and lowest bit differ from pi: 0 leading, 0 trailing zeros
  assert.equal(xorNew(Math.PI, v).slice(4, 15), '00000' + '000000');
  assertCodes([Math.PI, v], xorNew(0, Math.PI), xorNew(Math.PI, v));
  const bad: [number, number][] = [[1, 0], [31, 40]]; // 1 + 64 and 31 + 40 bits
  for (const [lead, sig] of bad) {
    assert.throws(
      () => decodeChunk(chunk(1, 1, first(0), '1110' + bin(lead, 5) + bin(sig & 63, 6) + ones(64))),
      corruptWith(new RegExp(`XOR window of ${lead} leading and ${sig || 64} significant bits`)),
    );
  }
});

test('an XOR that reuses a window before any was set is corrupt', () => {
  assert.throws(() => decodeChunk(chunk(1, 1, first(0), '110' + ones(64))), corruptWith(/reuses an XOR window before any was set/));
});

// Values: decimal scales.

test('a value takes the smallest decimal scale that holds it, at most 2 more than the column has', () => {
  // 1 from +0: scale 0, delta 1 (zigzag 2, k 0: 110). 1.5 at scale 0: scale 1, numerator 10 → 15.
  assertCodes([1, 1.5], scale(0) + decimal(1, 0), scale(1) + decimal(5, 0));
  // 1.01 at scale 0: scale 2 (0 + 2), numerator 100 → 101.
  assertCodes([1, 1.01], scale(0) + decimal(1, 0), scale(2) + decimal(1, 0));
  // 1.001 needs scale 3, 3 more than 0: XOR, the scale stays 0.
  assertCodes([1, 1.001], scale(0) + decimal(1, 0), xorNew(1, 1.001));
  // A column with no scale yet goes straight to 6: 0.000001 is numerator 1 at scale 6.
  assertCodes([0.000001], scale(6) + decimal(1, 0));
  // 0 after a value with no decimal form: scale 0 (numerator 0), carried by XOR as the previous value has no numerator.
  assertCodes([NaN, 0], xorNew(0, NaN), scale(0) + xorReuse(NaN, 0, 1, 51));
});

test('a scale change must raise the scale to at most 6 and be followed by a value code', () => {
  const cases: [string[], RegExp][] = [
    [[scale(7)], /from -1 to 7/],
    [[scale(0) + decimal(1, 0), scale(0)], /sample 1 changes the decimal scale from 0 to 0/],
    [[scale(2) + decimal(1, 0), scale(1)], /from 2 to 1/],
    [[scale(0) + SAME], /then codes no new value \(prefix of 0 ones\)/],
    [[scale(0) + '1111'], /then codes no new value \(prefix of 4 ones\)/],
  ];
  for (const [codes, message] of cases) {
    assert.throws(() => decodeChunk(chunk(1, codes.length, ...codes.map((c, i) => tick(i) + c), '0000')), corruptWith(message), codes.join());
  }
  // A raise by one to 6 is fine.
  const d = decodeChunk(chunk(1, 2, tick(0), scale(5) + decimal(1, 0), tick(1), scale(6) + decimal(0, 0)));
  assert.deepEqual(Array.from(d.columns[0]!), [0.00001, 0.00001]);
});

test('a decimal delta needs a previous value with a decimal form', () => {
  // No scale yet.
  assert.throws(() => decodeChunk(chunk(1, 1, first(0), decimal(1, 0))), corruptWith(/decimal delta but the previous value has no decimal form/));
  // A scale, but the previous value (NaN) has no numerator in it.
  const nan = scale(0) + decimal(1, 0) + tick(1) + xorNew(1, NaN) + tick(2) + decimal(1, 0);
  assert.throws(() => decodeChunk(chunk(1, 3, first(0), nan)), corruptWith(/sample 2 has a decimal delta but the previous value has no decimal form/));
});

test('an escaped decimal residual is 1..52 bits wide and its numerator within ±2^49', () => {
  const escaped = (zz: number, width = zz.toString(2).length): string => '10' + ones(16) + bin(width, 6) + bin(zz, width);
  const at = (...codes: string[]): number[] => Array.from(decodeChunk(chunk(1, codes.length, ...codes.map((c, i) => tick(i) + c))).columns[0]!);
  // Numerators from 0 (the scale-0 form of +0, the column's start), k 0, no prediction.
  assert.deepEqual(at(scale(0) + escaped(1)), [-1]); // zigzag 1 is -1, in 1 bit
  assert.deepEqual(at(scale(0) + escaped(2 ** 50)), [2 ** 49]);
  assert.deepEqual(at(scale(0) + escaped(2 ** 50 - 1)), [-(2 ** 49)]);
  // 52 bits: zigzag 2^51 is +2^50, from -2^49 to +2^49.
  assert.deepEqual(at(scale(0) + escaped(2 ** 50 - 1), escaped(2 ** 51)), [-(2 ** 49), 2 ** 49]);
  const bad: [string, RegExp][] = [
    [escaped(0, 0), /decimal residual 0 bits wide; expected 1\.\.52/],
    [escaped(1, 53), /decimal residual 53 bits wide/],
    [escaped(2 ** 50 + 2), /decimal numerator 562949953421313; expected within ±2\^49/],
    [escaped(2 ** 50 + 1), /decimal numerator -562949953421313/],
  ];
  for (const [code, message] of bad) assert.throws(() => decodeChunk(chunk(1, 1, first(0), scale(0) + code)), corruptWith(message), code);
});
