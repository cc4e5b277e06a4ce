/**
 * @module store/chunks/timestamps
 * Delta-of-delta timestamp buckets (layout in format.ts). Timestamps are
 * integer ms in 0..2^53-1, so every delta and dod is an exact double.
 */
import type { BitReader, BitWriter } from './bits.js';
import { bitLength } from './bits.js';
import { corrupt } from './format.js';

/** Worst case of one timestamp: the widest bucket (5 + 1 + 53) or the first timestamp (6 + 53). */
export const MAX_TIMESTAMP_BITS = 59;

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

export function writeDod(w: BitWriter, dod: number): void {
  if (dod === 0) {
    w.bit(0);
    return;
  }
  const sign = dod < 0 ? 1 : 0;
  const m = sign === 1 ? -dod : dod;
  if (m <= 4) {
    w.bits(0b10, 2);
    w.bits((sign << 2) | (m - 1), 3);
  } else if (m <= 12) {
    w.bits(0b110, 3);
    w.bits((sign << 3) | (m - 5), 4);
  } else if (m <= 524) {
    w.bits(0b1110, 4);
    w.bits((sign << 9) | (m - 13), 10);
  } else if (m <= 66060) {
    w.bits(0b11110, 5);
    w.bits(sign, 1);
    w.bits(m - 525, 16);
  } else {
    w.bits(0b11111, 5);
    w.bits(sign, 1);
    w.wide(m, 53);
  }
}

export function readDod(r: BitReader): number {
  let sign: number;
  let m: number;
  switch (r.ones(5)) {
    case 0:
      return 0;
    case 1: {
      const x = r.bits(3);
      sign = x >>> 2;
      m = (x & 3) + 1;
      break;
    }
    case 2: {
      const x = r.bits(4);
      sign = x >>> 3;
      m = (x & 7) + 5;
      break;
    }
    case 3: {
      const x = r.bits(10);
      sign = x >>> 9;
      m = (x & 511) + 13;
      break;
    }
    case 4:
      sign = r.bit();
      m = r.bits(16) + 525;
      break;
    default:
      sign = r.bit();
      m = r.wide(53);
  }
  return sign === 1 ? -m : m;
}
