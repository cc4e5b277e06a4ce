/**
 * @module store/chunks/encoder
 * ChunkEncoder: appends samples in time order to one compressed chunk.
 */
import { EchoPerfError } from '../../core/errors.js';
import { jsonPreview } from '../../core/preview.js';
import { BitWriter } from './bits.js';
import { decodeChunk } from './decoder.js';
import { FORMAT_VERSION, HEADER_BYTES, MAX_CHUNK_COLUMNS, MAX_CHUNK_SAMPLES } from './format.js';
import { MAX_TIMESTAMP_BITS, nextReference, writeFirstTimestamp, writeResidual } from './timestamps.js';
import { ColumnState } from './columnState.js';
import { MAX_VALUE_BITS, encodeValue } from './values.js';

/**
 * Appends samples in time order; `columns` float values per sample (1 for raw
 * series; 5 for rollups: min, max, sum, count, last). `bytes()` is a complete,
 * decodable chunk at any moment.
 *
 * @example
 * const enc = new ChunkEncoder();
 * enc.append(1_700_000_000_000, 0.5);
 * enc.append(1_700_000_001_000, 0.75);
 * decodeChunk(enc.bytes()); // { t: [1700000000000, 1700000001000], columns: [[0.5, 0.75]] }
 */
export class ChunkEncoder {
  readonly columns: number;
  private readonly _w: BitWriter;
  private readonly _state: ColumnState[];
  private _n = 0;
  private _first: number | undefined;
  private _last: number | undefined;
  /** Reference interval the next delta is coded against (timestamps.ts). */
  private _ref = 0;
  private _refused = 0;

  constructor(columns = 1) {
    if (!Number.isInteger(columns) || columns < 1 || columns > MAX_CHUNK_COLUMNS) {
      throw new EchoPerfError('EP_ERR_ARGUMENT', `ChunkEncoder columns: got ${jsonPreview(columns)}; expected an integer 1..${MAX_CHUNK_COLUMNS}`);
    }
    this.columns = columns;
    this._w = new BitWriter(HEADER_BYTES + 16 * columns, HEADER_BYTES * 8);
    this._w.buf[0] = FORMAT_VERSION;
    this._w.buf[1] = columns;
    this._state = Array.from({ length: columns }, () => new ColumnState());
  }

  /** Samples appended. */
  get count(): number {
    return this._n;
  }

  get firstT(): number | undefined {
    return this._first;
  }

  get lastT(): number | undefined {
    return this._last;
  }

  /** Appends refused for their timestamp: not an integer ms in 0..2^53-1, or not after the last one (out of order or duplicate). */
  get rejected(): number {
    return this._refused;
  }

  get full(): boolean {
    return this._n >= MAX_CHUNK_SAMPLES;
  }

  /** Size of `bytes()` without copying. */
  get byteLength(): number {
    return (this._w.pos + 7) >>> 3;
  }

  /**
   * false (and nothing written) when t is not an integer ms > the last t, or
   * the chunk is full. Throws EP_ERR_ARGUMENT when the values are not
   * `columns` numbers.
   */
  append(t: number, ...values: number[]): boolean {
    return this.appendRow(t, values);
  }

  /** append() with the values in an array-like, so callers with rows at hand allocate nothing. */
  appendRow(t: number, values: ArrayLike<number>): boolean {
    const cols = this.columns;
    if (values.length !== cols) {
      throw new EchoPerfError('EP_ERR_ARGUMENT', `ChunkEncoder.append values: got ${values.length}; expected ${cols} (the chunk's columns)`);
    }
    for (let k = 0; k < cols; k++) {
      const v = values[k];
      if (typeof v !== 'number') {
        throw new EchoPerfError('EP_ERR_ARGUMENT', `ChunkEncoder.append values[${k}]: got ${jsonPreview(v)}; expected a number`);
      }
    }
    if (this._n >= MAX_CHUNK_SAMPLES) return false;
    if (!Number.isSafeInteger(t) || t < 0 || (this._last !== undefined && t <= this._last)) {
      this._refused++;
      return false;
    }
    const w = this._w;
    w.reserve(MAX_TIMESTAMP_BITS + MAX_VALUE_BITS * cols);
    if (this._last === undefined) {
      writeFirstTimestamp(w, t);
      this._first = t;
    } else {
      const delta = t - this._last;
      const res = delta - this._ref;
      writeResidual(w, res);
      this._ref = nextReference(this._ref, delta, res);
    }
    this._last = t;
    for (let k = 0; k < cols; k++) encodeValue(w, this._state[k]!, values[k]!);
    this._n++;
    w.buf[2] = this._n;
    return true;
  }

  /** The chunk so far, as a copy: decodable at any moment (a partial chunk is persisted at every flush). */
  bytes(): Uint8Array {
    return this._w.buf.slice(0, (this._w.pos + 7) >>> 3);
  }

  /** Resumes appending to a chunk read back from disk (restart); throws EP_ERR_STORE_CORRUPT on a bad chunk. */
  static resume(bytes: Uint8Array): ChunkEncoder {
    const { t, columns } = decodeChunk(bytes);
    const enc = new ChunkEncoder(columns.length);
    // Re-encoding the decoded samples rebuilds the encoder's whole state (windows,
    // scales, widths) and, the encoder being deterministic, the same bytes.
    // Bits are copied as two uint32 halves, so NaN payloads cannot be canonicalised on the way.
    const row = new Float64Array(columns.length);
    const rowBits = new Uint32Array(row.buffer);
    const colBits = columns.map((c) => new Uint32Array(c.buffer, c.byteOffset, c.length * 2));
    for (let i = 0; i < t.length; i++) {
      for (let k = 0; k < columns.length; k++) {
        rowBits[2 * k] = colBits[k]![2 * i]!;
        rowBits[2 * k + 1] = colBits[k]![2 * i + 1]!;
      }
      enc.appendRow(t[i]!, row);
    }
    return enc;
  }
}
