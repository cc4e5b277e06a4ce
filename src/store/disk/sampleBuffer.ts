/**
 * @module store/disk/sampleBuffer
 * The main thread's side of the persistent tier: `(id, t, v)` written into
 * fixed blocks of three typed arrays (no per-sample objects), handed to the
 * writer thread by transfer a block at a time.
 */
import type { Batch } from './protocol.js';

export const MAX_BLOCK = 16_384;

export class SampleBuffer {
  private _cur: Batch;
  private readonly _full: Batch[] = [];
  /** Samples dropped here because the writer had not taken the last `max` samples yet. */
  dropped = 0;

  constructor(
    /** Most samples held here; whole oldest blocks are dropped past it. */
    private readonly _max: number,
    readonly blockSize = Math.max(64, Math.min(MAX_BLOCK, Math.floor(_max / 4))),
  ) {
    this._cur = this._block();
  }

  private _block(): Batch {
    const n = this.blockSize;
    return { ids: new Uint32Array(n), ts: new Float64Array(n), vs: new Float64Array(n), n: 0, off: 0 };
  }

  /** Samples held (full blocks and the one filling). */
  get count(): number {
    return this._full.length * this.blockSize + this._cur.n;
  }

  get fullBlocks(): number {
    return this._full.length;
  }

  /** Appends; true when a block just filled (the caller may hand it over). */
  push(id: number, t: number, v: number): boolean {
    const b = this._cur;
    const i = b.n;
    b.ids[i] = id;
    b.ts[i] = t;
    b.vs[i] = v;
    b.n = i + 1;
    if (b.n < this.blockSize) return false;
    this._full.push(b);
    this._cur = this._block();
    while (this._full.length * this.blockSize > this._max && this._full.length > 1) this.dropped += this._full.shift()!.n;
    return true;
  }

  /** The oldest full block, if any. */
  takeFull(): Batch | undefined {
    return this._full.shift();
  }

  /** Everything held, oldest first, the partly filled block included. */
  takeAll(): Batch[] {
    const out = this._full.splice(0);
    if (this._cur.n > 0) {
      out.push(this._cur);
      this._cur = this._block();
    }
    return out;
  }
}
