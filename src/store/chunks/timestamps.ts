/**
 * @module store/chunks/timestamps
 * Timestamp codes (layout in format.ts). Timestamps are integer ms in
 * 0..2^53-1, so every delta and residual is an exact double.
 *
 * Each delta is coded against a reference interval rather than against the
 * previous delta (Gorilla's delta-of-delta). A scheduler that keeps a grid
 * (ours: SystemClock.every) lands each scrape a few ms late, independently:
 * t_i = grid_i + j_i. The delta minus the interval is then j_i - j_{i-1},
 * while delta-of-delta is j_i - 2j_{i-1} + j_{i-2}, twice the variance (about
 * 0.8 bits more of entropy a sample for ±3 ms). The reference follows the delta
 * whenever a residual leaves the jitter buckets, so a changed interval or a
 * missed scrape costs what it costs with delta-of-delta.
 */
import type { BitReader, BitWriter } from './bits.js';
import { bitLength } from './bits.js';
import { corrupt } from './format.js';

/** Worst case of one timestamp: the widest bucket (5 + 1 + 53) or the first timestamp (6 + 53). */
export const MAX_TIMESTAMP_BITS = 59;
/** Residuals beyond this move the reference interval (the end of the 10-bit bucket). */
const JITTER_MAX = 38;
/** A new reference is rounded to a whole 1000, 100 or 10 ms when the delta is this close to it: intervals are round numbers. */
const ROUND_MAX = 24;

export function writeFirstTimestamp(w: BitWriter, t: number): void {
  const n = bitLength(t);
  w.bits(n, 6);
  w.wide(t, n);
}

export function readFirstTimestamp(r: BitReader): number {
  const n = r.bits(6);
  if (n > 53) throw corrupt(`first timestamp is ${n} bits wide; expected at most 53`);
  const t = r.wide(n);
  if (t > Number.MAX_SAFE_INTEGER) throw corrupt(`first timestamp ${t} is past 2^53-1`);
  return t;
}

/** The reference interval after a delta whose residual against `ref` was `res`. */
export function nextReference(ref: number, delta: number, res: number): number {
  if (ref !== 0 && res <= JITTER_MAX && res >= -JITTER_MAX) return ref;
  const tolerance = Math.min(ROUND_MAX, delta / 16);
  for (let step = 1000; step >= 10; step /= 10) {
    const c = Math.round(delta / step) * step;
    if (c > 0 && Math.abs(delta - c) <= tolerance) return c;
  }
  return delta;
}

/**
 *   0                      0
 *   10    sign, 1 bit      1..2
 *   110   sign, 2 bits     3..6
 *   1110  sign, 5 bits     7..38
 *   11110 sign, 17 bits    39..131110
 *   11111 sign, 53 bits    any
 */
export function writeResidual(w: BitWriter, res: number): void {
  if (res === 0) {
    w.bit(0);
    return;
  }
  const sign = res < 0 ? 1 : 0;
  const m = sign === 1 ? -res : res;
  if (m <= 2) {
    w.bits(0b10, 2);
    w.bits((sign << 1) | (m - 1), 2);
  } else if (m <= 6) {
    w.bits(0b110, 3);
    w.bits((sign << 2) | (m - 3), 3);
  } else if (m <= 38) {
    w.bits(0b1110, 4);
    w.bits((sign << 5) | (m - 7), 6);
  } else if (m <= 131110) {
    w.bits(0b11110, 5);
    w.bit(sign);
    w.bits(m - 39, 17);
  } else {
    w.bits(0b11111, 5);
    w.bit(sign);
    w.wide(m, 53);
  }
}

export function readResidual(r: BitReader): number {
  let sign: number;
  let m: number;
  switch (r.ones(5)) {
    case 0:
      return 0;
    case 1: {
      const x = r.bits(2);
      sign = x >>> 1;
      m = (x & 1) + 1;
      break;
    }
    case 2: {
      const x = r.bits(3);
      sign = x >>> 2;
      m = (x & 3) + 3;
      break;
    }
    case 3: {
      const x = r.bits(6);
      sign = x >>> 5;
      m = (x & 31) + 7;
      break;
    }
    case 4:
      sign = r.bit();
      m = r.bits(17) + 39;
      break;
    default:
      sign = r.bit();
      m = r.wide(53);
  }
  return sign === 1 ? -m : m;
}
