/**
 * @module store/chunks/decoder
 * decodeChunk: a chunk back to its timestamps and values. Input is untrusted
 * (a file on disk): every field is checked, reads never pass the end, and the
 * work and memory are bounded by the header's counts (≤ 120 samples × 8 columns).
 */
import { EchoPerfError } from '../../core/errors.js';
import { BitReader } from './bits.js';
import { FORMAT_VERSION, HEADER_BYTES, MAX_CHUNK_COLUMNS, MAX_CHUNK_SAMPLES, OLDEST_READABLE_VERSION, corrupt, riceKAtZero } from './format.js';
import { nextReference, readFirstTimestamp, readResidual } from './timestamps.js';
import { ColumnState } from './columnState.js';
import { decodeValue } from './values.js';

export interface DecodedChunk {
  /** Timestamps, integer ms, strictly increasing. */
  t: Float64Array;
  /** One array per column, each as long as `t`; values bit-exact as appended. */
  columns: Float64Array[];
}

/**
 * Decodes a chunk written by ChunkEncoder; throws EP_ERR_STORE_CORRUPT when it is malformed.
 * @example
 * const { t, columns } = decodeChunk(enc.bytes());
 */
export function decodeChunk(bytes: Uint8Array): DecodedChunk {
  if (!(bytes instanceof Uint8Array)) {
    throw new EchoPerfError('EP_ERR_ARGUMENT', `decodeChunk bytes: got ${typeof bytes}; expected a Uint8Array`);
  }
  if (bytes.length < HEADER_BYTES) throw corrupt(`${bytes.length} bytes; expected at least a ${HEADER_BYTES}-byte header`);
  const version = bytes[0]!;
  const cols = bytes[1]!;
  const count = bytes[2]!;
  if (version < OLDEST_READABLE_VERSION || version > FORMAT_VERSION) throw corrupt(`format version ${version}; expected ${OLDEST_READABLE_VERSION}..${FORMAT_VERSION}`);
  if (cols < 1 || cols > MAX_CHUNK_COLUMNS) throw corrupt(`column count ${cols}; expected 1..${MAX_CHUNK_COLUMNS}`);
  if (count > MAX_CHUNK_SAMPLES) throw corrupt(`sample count ${count}; expected at most ${MAX_CHUNK_SAMPLES}`);

  const t = new Float64Array(count);
  const columns: Float64Array[] = [];
  const bits: Uint32Array[] = [];
  const state: ColumnState[] = [];
  for (let k = 0; k < cols; k++) {
    const c = new Float64Array(count);
    columns.push(c);
    bits.push(new Uint32Array(c.buffer));
    const st = new ColumnState();
    st.riceKAtZero = riceKAtZero(version);
    state.push(st);
  }

  const r = new BitReader(bytes, HEADER_BYTES * 8);
  let last = 0;
  let ref = 0;
  for (let i = 0; i < count; i++) {
    r.sample = i;
    if (i === 0) {
      last = readFirstTimestamp(r);
    } else {
      const res = readResidual(r);
      const delta = ref + res;
      if (delta < 1) throw corrupt(`sample ${i} is ${delta} ms after the previous one; expected timestamps to increase`);
      last += delta;
      if (last > Number.MAX_SAFE_INTEGER) throw corrupt(`sample ${i} has timestamp ${last}; expected at most 2^53-1`);
      ref = nextReference(ref, delta, res);
    }
    t[i] = last;
    for (let k = 0; k < cols; k++) decodeValue(r, state[k]!, bits[k]!, i);
  }
  checkEnd(r, bytes);
  return { t, columns };
}

/** The samples must end in the last byte, padded with zeros: anything else is damage or a different format. */
function checkEnd(r: BitReader, bytes: Uint8Array): void {
  const used = (r.pos + 7) >>> 3;
  if (used !== bytes.length) throw corrupt(`the samples end at byte ${used} of ${bytes.length}; expected them to fill the chunk`);
  const pad = r.pos & 7;
  if (pad !== 0 && (bytes[used - 1]! & (0xff >>> pad)) !== 0) throw corrupt(`the last byte's padding bits are not zero`);
}
