/**
 * @module store/chunks/values
 * One column's value codes (layout in format.ts): same value, decimal delta,
 * and Gorilla XOR. Encoder and decoder keep the same ColumnState and update
 * it from the values alone, so a state change costs no bits. 64-bit work is
 * done on two uint32 halves of the IEEE-754 bits, which keeps NaN payloads
 * (the stale marker), -0 and ±Inf bit-exact.
 */
import type { BitReader, BitWriter } from './bits.js';
import { bitLength, ctz32 } from './bits.js';
import { MAX_DECIMAL, MAX_SCALE, corrupt } from './format.js';

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Index of the high (sign, exponent, top of mantissa) half in a Uint32Array view of float64s. */
export const HI = LITTLE_ENDIAN ? 1 : 0;
export const LO = 1 - HI;
const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6];

/** Worst case of one value: scale change (4 + 3), then a new XOR window (4 + 5 + 6 + 64). */
export const MAX_VALUE_BITS = 86;
/** A wider decimal width than needed is kept while it costs no more than a new width field would. */
const WIDTH_SLACK = 6;
/** A scale change is not worth it for a value that needs many more decimals than the column's. */
const MAX_SCALE_STEP = 2;

export class ColumnState {
  /** Previous value: bits and number. Every column starts from +0. */
  hi = 0;
  lo = 0;
  v = 0;
  /** XOR window (leading and trailing zero bits); lead -1 until the first XOR. */
  lead = -1;
  trail = 0;
  /** Decimal scale, -1 until a value takes the decimal code. */
  scale = -1;
  /** Previous value as n / 10^scale, when it is one. */
  n = 0;
  nValid = false;
  /** Width of the last decimal delta; 0 until the first. */
  width = 0;
}

/** n such that n / 10^k is v bit for bit (|n| ≤ 2^50), or NaN. */
function decimalAt(v: number, k: number): number {
  const p = POW10[k]!;
  const n = Math.round(v * p);
  if (n / p !== v || n > MAX_DECIMAL || n < -MAX_DECIMAL) return NaN;
  // n / p is +0 for n = ±0, so -0 has no decimal form.
  if (v === 0 && 1 / v < 0) return NaN;
  return n;
}

/** The scale a column should switch to for v, or -1. */
function scaleFor(v: number, scale: number): number {
  const x = v * 1e6;
  // Cheap and conservative: any v with ≤ 6 decimals is within a few ulps of x / 1e6 for an integer x.
  if (!(Math.abs(x - Math.round(x)) <= Math.abs(x) * 2 ** -49)) return -1;
  const last = scale < 0 ? MAX_SCALE : Math.min(MAX_SCALE, scale + MAX_SCALE_STEP);
  for (let k = scale + 1; k <= last; k++) if (decimalAt(v, k) === decimalAt(v, k)) return k;
  return -1;
}

function setPrev(c: ColumnState, v: number, hi: number, lo: number): void {
  c.v = v;
  c.hi = hi;
  c.lo = lo;
}

export function encodeValue(w: BitWriter, c: ColumnState, v: number): void {
  f64[0] = v;
  const hi = u32[HI]!;
  const lo = u32[LO]!;
  if (hi === c.hi && lo === c.lo) {
    w.bit(0);
    return;
  }
  if (c.scale >= 0) {
    const n = decimalAt(v, c.scale);
    if (n === n) {
      encodeDecimal(w, c, v, n, hi, lo);
      return;
    }
  }
  const k = scaleFor(v, c.scale);
  if (k >= 0) {
    w.bits(0b1111, 4);
    w.bits(k, 3);
    rescale(c, k);
    encodeDecimal(w, c, v, decimalAt(v, k), hi, lo);
    return;
  }
  writeXor(w, c, hi, lo);
  c.nValid = false;
  setPrev(c, v, hi, lo);
}

function rescale(c: ColumnState, k: number): void {
  c.scale = k;
  const n = decimalAt(c.v, k);
  c.nValid = n === n;
  c.n = c.nValid ? n : 0;
}

function encodeDecimal(w: BitWriter, c: ColumnState, v: number, n: number, hi: number, lo: number): void {
  if (c.nValid) {
    const d = n - c.n;
    const zz = d >= 0 ? d * 2 : -d * 2 - 1;
    const need = bitLength(zz);
    w.bits(0b10, 2);
    if (c.width >= need && c.width - need <= WIDTH_SLACK) {
      w.bit(0);
      w.wide(zz, c.width);
    } else {
      w.bit(1);
      w.bits(need, 6);
      w.wide(zz, need);
      c.width = need;
    }
  } else {
    writeXor(w, c, hi, lo);
  }
  c.n = n;
  c.nValid = true;
  setPrev(c, v, hi, lo);
}

function writeXor(w: BitWriter, c: ColumnState, hi: number, lo: number): void {
  const xhi = (hi ^ c.hi) >>> 0;
  const xlo = (lo ^ c.lo) >>> 0;
  // Five bits hold at most 31 leading zeros, as in Prometheus.
  const lead = xhi !== 0 ? Math.min(31, Math.clz32(xhi)) : 31;
  const trail = xlo !== 0 ? ctz32(xlo) : 32 + ctz32(xhi);
  const sig = 64 - lead - trail;
  const reuse = 64 - c.lead - c.trail;
  if (c.lead >= 0 && lead >= c.lead && trail >= c.trail && reuse <= sig + 12) {
    w.bits(0b110, 3);
    writeShifted(w, xhi, xlo, c.trail, reuse);
  } else {
    w.bits(0b1110, 4);
    w.bits(lead, 5);
    w.bits(sig & 63, 6);
    writeShifted(w, xhi, xlo, trail, sig);
    c.lead = lead;
    c.trail = trail;
  }
}

function writeShifted(w: BitWriter, xhi: number, xlo: number, trail: number, sig: number): void {
  let shi: number;
  let slo: number;
  if (trail === 0) {
    shi = xhi;
    slo = xlo;
  } else if (trail < 32) {
    slo = (xlo >>> trail) | (xhi << (32 - trail));
    shi = xhi >>> trail;
  } else {
    slo = xhi >>> (trail - 32);
    shi = 0;
  }
  if (sig > 32) {
    w.bits(shi, sig - 32);
    w.bits(slo, 32);
  } else {
    w.bits(slo, sig);
  }
}

/** Reads one value of column `c` into `out` (a uint32 view of float64s) at float index `i`. */
export function decodeValue(r: BitReader, c: ColumnState, out: Uint32Array, i: number): void {
  const code = r.ones(4);
  if (code !== 0) decodeChanged(r, c, code);
  out[2 * i + HI] = c.hi;
  out[2 * i + LO] = c.lo;
}

/** `code`: the 1s of the value's prefix (1: decimal, 2: XOR reuse, 3: XOR new window, 4: scale change). */
function decodeChanged(r: BitReader, c: ColumnState, code: number): void {
  switch (code) {
    case 1:
      decodeDecimal(r, c);
      break;
    case 2:
      if (c.lead < 0) throw corrupt(`sample ${r.sample} reuses an XOR window before any was set`);
      readXor(r, c, c.lead, c.trail);
      break;
    case 3: {
      const lead = r.bits(5);
      const sig = r.bits(6) || 64;
      const trail = 64 - lead - sig;
      if (trail < 0) throw corrupt(`sample ${r.sample} has an XOR window of ${lead} leading and ${sig} significant bits; expected at most 64 in all`);
      c.lead = lead;
      c.trail = trail;
      readXor(r, c, lead, trail);
      break;
    }
    default: {
      const k = r.bits(3);
      if (k > MAX_SCALE || k <= c.scale) {
        throw corrupt(`sample ${r.sample} changes the decimal scale from ${c.scale} to ${k}; expected a larger scale, at most ${MAX_SCALE}`);
      }
      rescale(c, k);
      const next = r.ones(4);
      if (next === 0 || next === 4) throw corrupt(`sample ${r.sample} changes the decimal scale, then codes no new value (prefix of ${next} ones)`);
      decodeChanged(r, c, next);
    }
  }
}

function decodeDecimal(r: BitReader, c: ColumnState): void {
  if (c.scale < 0 || !c.nValid) throw corrupt(`sample ${r.sample} has a decimal delta but the previous value has no decimal form`);
  let width = c.width;
  if (r.bit() === 1) {
    width = r.bits(6);
    if (width < 1 || width > 53) throw corrupt(`sample ${r.sample} has a decimal delta ${width} bits wide; expected 1..53`);
    c.width = width;
  } else if (width === 0) {
    throw corrupt(`sample ${r.sample} reuses a decimal delta width before any was set`);
  }
  const zz = r.wide(width);
  const n = c.n + (zz % 2 === 0 ? zz / 2 : -(zz + 1) / 2);
  if (n > MAX_DECIMAL || n < -MAX_DECIMAL) throw corrupt(`sample ${r.sample} has a decimal numerator ${n}; expected within ±2^50`);
  const v = n / POW10[c.scale]!;
  f64[0] = v;
  c.n = n;
  setPrev(c, v, u32[HI]!, u32[LO]!);
}

function readXor(r: BitReader, c: ColumnState, lead: number, trail: number): void {
  const sig = 64 - lead - trail;
  let shi = 0;
  let slo: number;
  if (sig > 32) {
    shi = r.bits(sig - 32);
    slo = r.bits(32);
  } else {
    slo = r.bits(sig);
  }
  let xhi: number;
  let xlo: number;
  if (trail === 0) {
    xhi = shi;
    xlo = slo;
  } else if (trail < 32) {
    xhi = (shi << trail) | (slo >>> (32 - trail));
    xlo = slo << trail;
  } else {
    xhi = slo << (trail - 32);
    xlo = 0;
  }
  const hi = (c.hi ^ xhi) >>> 0;
  const lo = (c.lo ^ xlo) >>> 0;
  u32[HI] = hi;
  u32[LO] = lo;
  setPrev(c, f64[0]!, hi, lo);
  if (c.scale >= 0) {
    const n = decimalAt(c.v, c.scale);
    c.nValid = n === n;
    c.n = c.nValid ? n : 0;
  }
}
