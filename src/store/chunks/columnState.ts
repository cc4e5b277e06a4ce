/**
 * @module store/chunks/columnState
 * What the encoder and the decoder of one column both know after each value,
 * and the rules that update it: the XOR window, the decimal scale, the
 * previous decimal numerator and delta, and the running statistics that pick
 * the delta predictor and the Rice parameter. Both sides run the same rules on
 * the same values, so none of it is written to the chunk.
 */
import { bitLength } from './bits.js';
import { MAX_DECIMAL } from './format.js';

export const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6];
/** Rice quotients are written in unary up to this; beyond, a 6-bit width and the residual in full. */
export const RICE_ESCAPE = 16;
/** Running statistics are halved at this count, so they follow the last few dozen samples. */
const STATS_WINDOW = 16;
export const POW2 = Array.from({ length: 54 }, (_, i) => 2 ** i);

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
  /** Previous decimal delta (n - previous n); 0 after a value of another code. */
  dPrev = 0;
  /** Rice parameter of decimal residuals and the running sum and count it follows (JPEG-LS's A and N). */
  k = 0;
  riceA = 1;
  riceN = 1;
  /** k once A is halved to 0: 0, or 32 in a format-2 chunk being decoded (format.ts, riceKAtZero). */
  riceKAtZero = 0;
  /** Running sums of |delta| and |delta - previous delta|: the smaller picks the predictor. */
  sumD = 0;
  sumDD = 0;
  statN = 0;
}

/** n such that n / 10^k is v bit for bit (|n| ≤ 2^49), or NaN. */
export function decimalAt(v: number, k: number): number {
  const p = POW10[k]!;
  const n = Math.round(v * p);
  if (n / p !== v || n > MAX_DECIMAL || n < -MAX_DECIMAL) return NaN;
  // n / p is +0 for n = ±0, so -0 has no decimal form.
  if (v === 0 && 1 / v < 0) return NaN;
  return n;
}

export function rescale(c: ColumnState, k: number): void {
  c.scale = k;
  const n = decimalAt(c.v, k);
  c.nValid = n === n;
  c.n = c.nValid ? n : 0;
  // Statistics in the old scale's units would mislead for a while; start afresh.
  c.dPrev = 0;
  c.k = 0;
  c.riceA = 1;
  c.riceN = 1;
  c.sumD = 0;
  c.sumDD = 0;
  c.statN = 0;
}

/** The decimal delta's predictor: the previous delta (a steady rate, as of counters) or none (a level, as of gauges). */
export function predicted(c: ColumnState): number {
  return c.sumDD < c.sumD ? c.dPrev : 0;
}

/** Updates the running statistics with a decimal delta `d` (0 for a repeated value). */
export function observe(c: ColumnState, d: number): void {
  const dd = d - c.dPrev;
  c.sumD += Math.min(d < 0 ? -d : d, POW2[32]!);
  c.sumDD += Math.min(dd < 0 ? -dd : dd, POW2[32]!);
  if (++c.statN === STATS_WINDOW) {
    c.sumD = Math.floor(c.sumD / 2);
    c.sumDD = Math.floor(c.sumDD / 2);
    c.statN = STATS_WINDOW / 2;
  }
  c.dPrev = d;
}

/**
 * Statistics after a decimal delta, whichever code carried the value (the
 * decoder sees the delta either way). An escaped delta is an outlier: it
 * neither steers the predictor nor is predicted from.
 */
export function learn(c: ColumnState, d: number, zz: number): void {
  const escaped = zz >= RICE_ESCAPE * POW2[c.k]!;
  adaptRice(c, zz);
  if (escaped) c.dPrev = 0;
  else observe(c, d);
}

/** JPEG-LS's rule: the least k with N * 2^k >= A. An escape counts as 16 * 2^k, so one outlier moves k by a few steps only. */
function adaptRice(c: ColumnState, zz: number): void {
  c.riceA += Math.min(zz, POW2[c.k + 4]!);
  if (++c.riceN === STATS_WINDOW) {
    c.riceA = Math.floor(c.riceA / 2);
    c.riceN = STATS_WINDOW / 2;
  }
  const x = Math.ceil(c.riceA / c.riceN);
  // A run of exact predictions halves A to 0, where the least k is 0 (format 2 took bitLength(-1), 32, there).
  c.k = Math.min(52 - 4, x === 0 ? c.riceKAtZero : bitLength(x - 1));
}

