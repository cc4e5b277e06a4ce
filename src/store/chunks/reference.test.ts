import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Prng } from '../../simulate/prng.js';
import { CHUNK_FORMAT_VERSION, ChunkEncoder, MAX_CHUNK_SAMPLES, decodeChunk } from './index.js';

// A second encoder of one column's values, written from format.ts's text, with
// strings of bits and BigInt where the real one counts bits in uint32 halves:
// its choices (which code, which XOR window, decimal or XOR when the decimal
// code passes 16 bits) are made by comparing the lengths of the codes it
// would write. The real encoder must write the same bits for any series.

function bin(x: bigint | number, n: number): string {
  if (n === 0) return '';
  const s = BigInt(x).toString(2);
  assert.ok(BigInt(x) >= 0n && s.length <= n, `${x} does not fit in ${n} bits`);
  return s.padStart(n, '0');
}

const bits64 = (v: number): bigint => {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  return view.getBigUint64(0);
};

/** n with n / 10^k === v exactly and |n| ≤ 2^49, or undefined (-0 has none: n / 10^k is +0 for n = 0). */
function decimalForm(v: number, k: number): number | undefined {
  if (Object.is(v, -0) || !Number.isFinite(v)) return undefined;
  const n = Math.round(v * 10 ** k);
  return n / 10 ** k === v && Math.abs(n) <= 2 ** 49 ? n : undefined;
}

class ReferenceColumn {
  prev = 0n; // every column starts from +0
  lead = -1;
  trail = 0;
  scale = -1;
  n: number | undefined = undefined;
  // The decimal state: predictor sums over a window of 16 (halved to 8), JPEG-LS's A and N from 1.
  dPrev = 0;
  sumD = 0;
  sumDD = 0;
  statN = 0;
  a = 1;
  count = 1;
  k = 0;

  code(v: number): string {
    const x = bits64(v);
    if (x === this.prev) {
      if (this.n !== undefined) this.observe(0);
      return '0';
    }
    let out = '';
    if (this.scale < 0 || decimalForm(v, this.scale) === undefined) {
      const last = this.scale < 0 ? 6 : Math.min(6, this.scale + 2);
      let k = this.scale + 1;
      while (k <= last && decimalForm(v, k) === undefined) k++;
      if (k > last) {
        out = this.xor(x);
        this.n = undefined;
        this.dPrev = 0;
        this.prev = x;
        return out;
      }
      out = '1111' + bin(k, 3);
      this.scale = k;
      const prevValue = new DataView(new BigUint64Array([this.prev]).buffer).getFloat64(0, true);
      this.n = decimalForm(prevValue, k);
      Object.assign(this, { dPrev: 0, sumD: 0, sumDD: 0, statN: 0, a: 1, count: 1, k: 0 });
    }
    const n = decimalForm(v, this.scale)!;
    if (this.n === undefined) {
      out += this.xor(x);
      this.dPrev = 0;
    } else {
      const d = n - this.n;
      const e = d - (this.sumDD < this.sumD ? this.dPrev : 0);
      const zz = e >= 0 ? 2 * e : -2 * e - 1;
      const q = Math.floor(zz / 2 ** this.k);
      const width = zz.toString(2).length;
      const dec = '10' + (q < 16 ? '1'.repeat(q) + '0' + bin(zz - q * 2 ** this.k, this.k) : '1'.repeat(16) + bin(width, 6) + bin(zz, width));
      // Decimal unless it passes 16 bits and the XOR is shorter.
      const saved = { lead: this.lead, trail: this.trail };
      const xor = this.xor(x);
      if (dec.length > 16 && xor.length < dec.length) {
        out += xor;
      } else {
        Object.assign(this, saved);
        out += dec;
      }
      this.learn(d, zz, q >= 16);
    }
    this.n = n;
    this.prev = x;
    return out;
  }

  /** 110 and the bits in the current window, when the XOR fits it and a new window would not be over 12 bits shorter; else 1110, the new window, its bits. */
  private xor(x: bigint): string {
    const z = x ^ this.prev;
    const lead = Math.min(31, 64 - z.toString(2).length);
    let trail = 0;
    while (((z >> BigInt(trail)) & 1n) === 0n) trail++;
    const sig = 64 - lead - trail;
    const fresh = '1110' + bin(lead, 5) + bin(sig % 64, 6) + bin(z >> BigInt(trail), sig);
    if (this.lead >= 0 && lead >= this.lead && trail >= this.trail) {
      const reuse = '110' + bin(z >> BigInt(this.trail), 64 - this.lead - this.trail);
      if (reuse.length <= fresh.length) return reuse;
    }
    this.lead = lead;
    this.trail = trail;
    return fresh;
  }

  private observe(d: number): void {
    this.sumD += Math.min(Math.abs(d), 2 ** 32);
    this.sumDD += Math.min(Math.abs(d - this.dPrev), 2 ** 32);
    if (++this.statN === 16) [this.sumD, this.sumDD, this.statN] = [Math.floor(this.sumD / 2), Math.floor(this.sumDD / 2), 8];
    this.dPrev = d;
  }

  private learn(d: number, zz: number, escaped: boolean): void {
    this.a += Math.min(zz, 2 ** (this.k + 4));
    if (++this.count === 16) [this.a, this.count] = [Math.floor(this.a / 2), 8];
    this.k = 0;
    while (this.count * 2 ** this.k < this.a && this.k < 48) this.k++;
    if (escaped) this.dPrev = 0;
    else this.observe(d);
  }
}

function referenceChunk(values: Float64Array): Uint8Array {
  const col = new ReferenceColumn();
  let s = '';
  values.forEach((v, i) => (s += (i === 0 ? '000000' : i === 1 ? '1000' : '0') + col.code(v)));
  const out = new Uint8Array(3 + Math.ceil(s.length / 8));
  out.set([CHUNK_FORMAT_VERSION, 1, values.length]);
  for (let i = 0; i < s.length; i++) if (s[i] === '1') out[3 + (i >>> 3)]! |= 0x80 >>> (i & 7);
  return out;
}

/** Runs of walks at several magnitudes and scales, jumps, repeats, NaN, values with no decimal form. */
function mixed(seed: number): Float64Array {
  const rng = new Prng(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(rng.next() * (hi - lo + 1));
  const f = new Float64Array(MAX_CHUNK_SAMPLES);
  let x = int(-5, 5);
  let scale = int(0, 3);
  for (let i = 0; i < f.length; ) {
    const kind = int(0, 9);
    const len = int(1, 20);
    if (kind === 0) x = int(-3, 3) * 2 ** int(0, 45) + int(-3, 3); // a jump, to any magnitude
    if (kind === 1) scale = int(0, 7);
    const step = int(-5, 5) * 2 ** int(0, 12);
    const noise = 2 ** int(0, 10);
    for (let j = 0; j < len && i < f.length; j++, i++) {
      if (kind === 2) f[i] = NaN;
      else if (kind === 3) f[i] = Math.PI * (x + j);
      else if (kind === 4) f[i] = j % 2 === 0 ? -0 : 0;
      else {
        if (kind !== 5) x += step + int(-noise, noise);
        f[i] = x / 10 ** scale;
      }
    }
  }
  return f;
}

/** A gauge at 2^10..2^39 with noise up to 2^13, now and then 2..128 times wider: the XOR code carries some of its values. */
function noisy(seed: number): Float64Array {
  const rng = new Prng(seed);
  const base = 2 ** (10 + Math.floor(rng.next() * 30));
  const noise = 2 ** Math.floor(rng.next() * 14);
  return Float64Array.from({ length: MAX_CHUNK_SAMPLES }, () => base + Math.floor((rng.next() - 0.5) * noise) * (rng.next() < 0.3 ? 2 ** Math.floor(rng.next() * 8) : 1));
}

test('the encoder writes what the reference encoder of format.ts writes, for mixed series and noisy gauges', () => {
  const series = [...Array.from({ length: 300 }, (_, i) => mixed(i + 1)), ...Array.from({ length: 1300 }, (_, i) => noisy(i))];
  for (const [at, f] of series.entries()) {
    const expected = referenceChunk(f);
    const enc = new ChunkEncoder();
    f.forEach((v, i) => assert.equal(enc.append(i, v), true));
    assert.deepEqual(enc.bytes(), expected, `series ${at}`);
    assert.deepEqual(new Uint8Array(decodeChunk(expected).columns[0]!.buffer), new Uint8Array(f.buffer), `series ${at}`);
  }
});
