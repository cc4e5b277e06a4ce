/**
 * @module store/chunks/values
 * One column's value codes (layout in format.ts): same value, decimal delta,
 * and Gorilla XOR, over the ColumnState both sides keep. 64-bit work is
 * done on two uint32 halves of the IEEE-754 bits, which keeps NaN payloads
 * (the stale marker), -0 and ±Inf bit-exact.
 */
import type { BitReader, BitWriter } from './bits.js';
import { bitLength, ctz32 } from './bits.js';
import type { ColumnState } from './columnState.js';
import { POW10, POW2, RICE_ESCAPE, decimalAt, learn, observe, predicted, rescale } from './columnState.js';
import { MAX_DECIMAL, MAX_SCALE, corrupt } from './format.js';

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Index of the high (sign, exponent, top of mantissa) half in a Uint32Array view of float64s. */
export const HI = LITTLE_ENDIAN ? 1 : 0;
export const LO = 1 - HI;

/** Worst case of one value: scale change (4 + 3), then a new XOR window (4 + 5 + 6 + 64). */
export const MAX_VALUE_BITS = 86;
/** A scale change is not worth it for a value that needs many more decimals than the column's. */
const MAX_SCALE_STEP = 2;

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
    if (c.nValid) observe(c, 0);
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
  c.dPrev = 0;
  setPrev(c, v, hi, lo);
}

function encodeDecimal(w: BitWriter, c: ColumnState, v: number, n: number, hi: number, lo: number): void {
  let decimal = c.nValid;
  let d = 0;
  let zz = 0;
  let q = 0;
  if (decimal) {
    d = n - c.n;
    const e = d - predicted(c);
    zz = e >= 0 ? e * 2 : -e * 2 - 1;
    q = Math.floor(zz / POW2[c.k]!);
    const cost = 2 + (q < RICE_ESCAPE ? q + 1 + c.k : RICE_ESCAPE + 6 + bitLength(zz));
    // An outlier (a column's first value, a jump) may be cheaper as XOR; below 16 bits it never is.
    if (cost > 16 && xorCost(c, hi, lo) < cost) decimal = false;
  }
  if (decimal) {
    w.bits(0b10, 2);
    if (q < RICE_ESCAPE) {
      // q ones and a zero, then the k low bits.
      w.bits(((1 << q) - 1) << 1, q + 1);
      w.wide(zz - q * POW2[c.k]!, c.k);
    } else {
      const width = bitLength(zz);
      w.bits((1 << RICE_ESCAPE) - 1, RICE_ESCAPE);
      w.bits(width, 6);
      w.wide(zz, width);
    }
  } else {
    writeXor(w, c, hi, lo);
  }
  if (c.nValid) learn(c, d, zz);
  else c.dPrev = 0;
  c.n = n;
  c.nValid = true;
  setPrev(c, v, hi, lo);
}

/** Bits the XOR codes would take for this value. */
function xorCost(c: ColumnState, hi: number, lo: number): number {
  const xhi = (hi ^ c.hi) >>> 0;
  const xlo = (lo ^ c.lo) >>> 0;
  const lead = xhi !== 0 ? Math.min(31, Math.clz32(xhi)) : 31;
  const trail = xlo !== 0 ? ctz32(xlo) : 32 + ctz32(xhi);
  const sig = 64 - lead - trail;
  const reuse = 64 - c.lead - c.trail;
  return c.lead >= 0 && lead >= c.lead && trail >= c.trail && reuse <= sig + 12 ? 3 + reuse : 15 + sig;
}

function writeXor(w: BitWriter, c: ColumnState, hi: number, lo: number): void {
  const xhi = (hi ^ c.hi) >>> 0;
  const xlo = (lo ^ c.lo) >>> 0;
  // Five bits hold at most 31 leading zeros, as in Prometheus.
  const lead = xhi !== 0 ? Math.min(31, Math.clz32(xhi)) : 31;
  const trail = xlo !== 0 ? ctz32(xlo) : 32 + ctz32(xhi);
  const sig = 64 - lead - trail;
  const reuse = 64 - c.lead - c.trail;
  // Reuse the window unless a new one, 12 bits of header dearer, would be shorter still.
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
  else if (c.nValid) observe(c, 0);
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
    case 3: {
      const wasDecimal = c.scale >= 0 && c.nValid;
      const n0 = c.n;
      const pred = predicted(c);
      if (code === 2) {
        if (c.lead < 0) throw corrupt(`sample ${r.sample} reuses an XOR window before any was set`);
      } else {
        const lead = r.bits(5);
        const sig = r.bits(6) || 64;
        const trail = 64 - lead - sig;
        if (trail < 0) throw corrupt(`sample ${r.sample} has an XOR window of ${lead} leading and ${sig} significant bits; expected at most 64 in all`);
        c.lead = lead;
        c.trail = trail;
      }
      readXor(r, c, c.lead, c.trail);
      if (wasDecimal && c.nValid) {
        const d = c.n - n0;
        const e = d - pred;
        learn(c, d, e >= 0 ? e * 2 : -e * 2 - 1);
      } else {
        c.dPrev = 0;
      }
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
  const q = r.ones(RICE_ESCAPE);
  let zz: number;
  if (q < RICE_ESCAPE) {
    zz = q * POW2[c.k]! + r.wide(c.k);
  } else {
    const width = r.bits(6);
    if (width < 1 || width > 52) throw corrupt(`sample ${r.sample} has a decimal residual ${width} bits wide; expected 1..52`);
    zz = r.wide(width);
  }
  const d = predicted(c) + (zz % 2 === 0 ? zz / 2 : -(zz + 1) / 2);
  const n = c.n + d;
  if (!(n <= MAX_DECIMAL && n >= -MAX_DECIMAL)) throw corrupt(`sample ${r.sample} has a decimal numerator ${n}; expected within ±2^49`);
  learn(c, d, zz);
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
