/**
 * @module store/chunks/format
 * The chunk layout, shared by the encoder and the decoder.
 *
 * Bytes 0-2 are a header: format version, column count, sample count. The
 * samples follow as one bit stream, most significant bit first, each sample
 * its timestamp then one value per column; the last byte is padded with zeros.
 *
 * Timestamps (integer ms): the first as a 6-bit width and that many bits, then
 * delta-of-delta in prefix-coded buckets, the scheme of Prometheus's
 * tsdb/chunkenc/xor.go, with two narrow buckets in front because scrapes a few
 * ms apart from their schedule make the small cases the common ones:
 *   0                      dod = 0
 *   10    sign, 2 bits     |dod| in 1..4
 *   110   sign, 3 bits     |dod| in 5..12
 *   1110  sign, 9 bits     |dod| in 13..524
 *   11110 sign, 16 bits    |dod| in 525..66060
 *   11111 sign, 53 bits    any |dod|
 *
 * Values (float64, bit-exact): each column starts from +0 and codes a value
 * against the previous one of its column:
 *   0                       same 64 bits as the previous value
 *   10   w-code, zigzag     decimal delta: value = n / 10^scale, n = previous n + delta
 *   110  bits               XOR with the previous value in the last XOR window
 *   1110 5 + 6 bits, bits   XOR with a new window (leading zeros, significant bits; 0 means 64)
 *   1111 3 bits, then a code that is not 0 or 1111: the column's decimal scale becomes 0..6
 * The XOR codes are Gorilla's (Pelkonen et al., VLDB 2015; Prometheus xor.go).
 * The decimal code is ours: a value with few decimals (CPU % to 2 places, a
 * counter) has XOR bits all over its mantissa, while its delta in units of
 * 10^-scale is a small integer. Its w-code is 0 (the column's last width) or
 * 1 and a 6-bit width 1..53. Decoder and encoder derive the same state from
 * the values (is the previous value n / 10^scale for an integer n?), so the
 * state costs no bits.
 */
import { EchoPerfError } from '../../core/errors.js';

export const FORMAT_VERSION = 1;
export const MAX_CHUNK_SAMPLES = 120;
/** Columns per sample: 1 for raw series, 5 for rollups (min, max, sum, count, last). */
export const MAX_CHUNK_COLUMNS = 8;
export const HEADER_BYTES = 3;
/** Largest decimal scale: values with up to 6 decimals take the decimal code. */
export const MAX_SCALE = 6;
/** Decimal numerators stay within ±2^50, so deltas (±2^51) and their zigzag (< 2^52) are exact doubles. */
export const MAX_DECIMAL = 2 ** 50;

/** The error every malformed chunk gives, naming what was wrong and where. */
export function corrupt(what: string): EchoPerfError {
  return new EchoPerfError('EP_ERR_STORE_CORRUPT', `chunk corrupt: ${what}`);
}
