/**
 * @module store/refs
 * References to stored samples: a series id and the sample's sequence number
 * in that series (its count of samples written before it). A reference stays
 * valid while the ring still holds the sample; the store answers `undefined`
 * for one it no longer holds, so a view over old data thins out rather than
 * reading another sample.
 */

/** A list of sample references, in the order they were taken. */
export interface Refs {
  readonly ids: Int32Array;
  readonly seqs: Float64Array;
}

const EMPTY_IDS = new Int32Array(0);
const EMPTY_SEQS = new Float64Array(0);

/** Refs with nothing in them. */
export const NO_REFS: Refs = { ids: EMPTY_IDS, seqs: EMPTY_SEQS };

/** A growable list of references (typed arrays, no object per sample). */
export class RefList {
  private _ids = new Int32Array(64);
  private _seqs = new Float64Array(64);
  private _n = 0;

  get length(): number {
    return this._n;
  }

  push(id: number, seq: number): void {
    if (this._n === this._ids.length) {
      const ids = new Int32Array(this._n * 2);
      ids.set(this._ids);
      this._ids = ids;
      const seqs = new Float64Array(this._n * 2);
      seqs.set(this._seqs);
      this._seqs = seqs;
    }
    this._ids[this._n] = id;
    this._seqs[this._n] = seq;
    this._n++;
  }

  /** Appends every reference of `r`. */
  pushAll(r: Refs): void {
    for (let i = 0; i < r.ids.length; i++) this.push(r.ids[i]!, r.seqs[i]!);
  }

  clear(): void {
    this._n = 0;
  }

  /** The references as exact-size arrays (a history shares equal id lists between ticks itself). */
  freeze(): Refs {
    const n = this._n;
    if (n === 0) return NO_REFS;
    return { ids: this._ids.slice(0, n), seqs: this._seqs.slice(0, n) };
  }
}
