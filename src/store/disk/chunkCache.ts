/**
 * @module store/disk/chunkCache
 * Decoded chunks kept for repeated range reads (a dashboard asks for the same
 * week every few seconds), least recently used first out, bounded in bytes.
 * The key holds the chunk's end and count: the open chunk, rewritten at every
 * flush, gets a new key each time, so a stale entry is never returned.
 */
import type { DecodedChunk } from '../chunks/index.js';

export class DecodedChunkCache {
  private readonly _map = new Map<string, DecodedChunk>();
  private _bytes = 0;

  constructor(readonly maxBytes: number) {}

  get bytes(): number {
    return this._bytes;
  }

  get(key: string): DecodedChunk | undefined {
    const d = this._map.get(key);
    if (d !== undefined) {
      // Map keeps insertion order: re-inserting marks it most recently used.
      this._map.delete(key);
      this._map.set(key, d);
    }
    return d;
  }

  set(key: string, d: DecodedChunk): void {
    const size = sizeOf(d);
    if (size > this.maxBytes / 8 || this._map.has(key)) return;
    this._map.set(key, d);
    this._bytes += size;
    for (const [k, old] of this._map) {
      if (this._bytes <= this.maxBytes) break;
      this._map.delete(k);
      this._bytes -= sizeOf(old);
    }
  }
}

function sizeOf(d: DecodedChunk): number {
  let n = d.t.byteLength + 64;
  for (const c of d.columns) n += c.byteLength;
  return n;
}
