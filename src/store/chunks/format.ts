/**
 * @module store/chunks/format
 * The chunk layout, shared by the encoder and the decoder.
 *
 * Bytes 0-2 are a header: format version, column count, sample count. The
 * samples follow as one bit stream, most significant bit first, each sample
 * its timestamp then one value per column; the last byte is padded with zeros.
 *
 * Timestamps (integer ms): the first as a 6-bit width and that many bits; then
 * each delta as its residual against a reference interval, in prefix-coded
 * buckets after Prometheus's delta-of-delta ones (tsdb/chunkenc/xor.go), made
 * narrow at the small end where scrape jitter lands (timestamps.ts says why):
 *   0                      0
 *   10    sign, 1 bit      |r| in 1..2
 *   110   sign, 2 bits     |r| in 3..6
 *   1110  sign, 5 bits     |r| in 7..38
 *   11110 sign, 17 bits    |r| in 39..131110
 *   11111 sign, 53 bits    any |r|
 * The reference starts at 0 and becomes the delta (rounded to a whole 10, 100
 * or 1000 ms when within 24 ms and 1/16 of it) after the first delta and after
 * any residual beyond ±38.
 *
 * Values (float64, bit-exact): each column starts from +0 and codes a value
 * against the previous one of its column:
 *   0                       same 64 bits as the previous value
 *   10   Rice code          decimal: value = n / 10^scale, n = previous n + predicted delta + residual
 *   110  bits               XOR with the previous value in the last XOR window
 *   1110 5 + 6 bits, bits   XOR with a new window (leading zeros, significant bits; 0 means 64)
 *   1111 3 bits, then a code that is not 0 or 1111: the column's decimal scale becomes 0..6
 * The XOR codes are Gorilla's (Pelkonen et al., VLDB 2015; Prometheus xor.go).
 * The decimal code is ours: a value with few decimals (CPU % to 2 places, a
 * counter) has XOR bits all over its mantissa, while its delta in units of
 * 10^-scale is a small integer. The residual is zigzag-coded, then Rice-coded
 * with the parameter k of JPEG-LS (the least k with N * 2^k >= A, A the sum of
 * recent residuals, N their count): up to 15 ones and a zero, then k bits; or
 * 16 ones, a 6-bit width and the residual. The predicted delta is the previous
 * delta when recent deltas varied less than they measured (a counter's steady
 * rate), else 0 (a gauge). Encoder and decoder derive all this state from the
 * values, so it costs no bits.
 */
import { EchoPerfError } from '../../core/errors.js';

/**
 * 3: the Rice parameter is 0 once A is halved to 0 (2 made it 32 there: a counter that never deviated from its
 * rate then cost an XOR a value). 2: timestamps against a reference interval, Rice-coded decimal residuals (1 had
 * delta-of-delta and width-coded deltas).
 */
export const FORMAT_VERSION = 3;
/**
 * The oldest version still read: 2 differs from 3 only in that one Rice parameter, which the decoder
 * takes as 2 took it, so history written before 3 stays readable (and a chunk resumed after an
 * upgrade is rewritten as 3 with the same samples).
 */
export const OLDEST_READABLE_VERSION = 2;
/** The Rice parameter once A is 0, by version: what 2 computed there (bitLength(-1)), and the least k (0) since. */
export function riceKAtZero(version: number): number {
  return version === 2 ? 32 : 0;
}
export const MAX_CHUNK_SAMPLES = 120;
/** Columns per sample: 1 for raw series, 5 for rollups (min, max, sum, count, last), up to 16 (a histogram's buckets sharing timestamps). */
export const MAX_CHUNK_COLUMNS = 16;
export const HEADER_BYTES = 3;
/** Largest decimal scale: values with up to 6 decimals take the decimal code. */
export const MAX_SCALE = 6;
/** Decimal numerators stay within ±2^49, so deltas (±2^50), residuals (±2^51) and their zigzag (< 2^52) are exact doubles. */
export const MAX_DECIMAL = 2 ** 49;

/** The error every malformed chunk gives, naming what was wrong and where. */
export function corrupt(what: string): EchoPerfError {
  return new EchoPerfError('EP_ERR_STORE_CORRUPT', `chunk corrupt: ${what}`);
}
