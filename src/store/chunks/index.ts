/**
 * @module store/chunks
 * Compressed sample chunks, Gorilla / Prometheus XOR style (format.ts has the
 * layout): ChunkEncoder appends, decodeChunk reads back.
 */
export { ChunkEncoder } from './encoder.js';
export { decodeChunk } from './decoder.js';
export type { DecodedChunk } from './decoder.js';
export { FORMAT_VERSION as CHUNK_FORMAT_VERSION, MAX_CHUNK_COLUMNS, MAX_CHUNK_SAMPLES } from './format.js';
