/**
 * @module store/rings
 * Ring storage for rings of one size: every ring has `stride` slots, a
 * timestamp as a 32-bit offset in ms from its series' base time and a float64
 * value (12 bytes a slot). Rings live side by side in pages of about 64 KiB,
 * so a series costs no typed-array objects of its own, and a freed ring is
 * handed to the next series that needs one of this size.
 */

/** Bytes a page of rings aims at: enough to amortise a page's objects, little left unused in a small setup. */
const PAGE_BYTES = 64 << 10;
/** Bytes one stored sample takes: a Uint32 time offset and a Float64 value. */
export const SAMPLE_BYTES = 12;

const NO_T = new Uint32Array(0);
const NO_V = new Float64Array(0);

export class RingPages {
  readonly stride: number;
  /** Rings per page. */
  readonly perPage: number;
  readonly tPages: Uint32Array[] = [];
  readonly vPages: Float64Array[] = [];
  /** Rings in use per page: a page none uses gives its memory back (rings grow out of small pages). */
  private readonly _usedIn: number[] = [];
  private readonly _free: number[] = [];
  private _next = 0;
  private _pagesHeld = 0;

  constructor(stride: number) {
    this.stride = stride;
    this.perPage = Math.max(1, Math.floor(PAGE_BYTES / (stride * SAMPLE_BYTES)));
  }

  /** Bytes allocated for samples (pages held, whether their rings are used or free). */
  get bytes(): number {
    return this._pagesHeld * this.perPage * this.stride * SAMPLE_BYTES;
  }

  /** A free ring's number; its slots hold garbage until written. */
  alloc(): number {
    const ring = this._free.pop() ?? this._next++;
    const page = this.page(ring);
    if (page === this.tPages.length) {
      this.tPages.push(NO_T);
      this.vPages.push(NO_V);
      this._usedIn.push(0);
      // A new page's other rings are free for the next allocations, lowest first.
      for (let r = (page + 1) * this.perPage - 1; r > ring; r--) this._free.push(r);
      this._next = (page + 1) * this.perPage;
    }
    if (this._usedIn[page] === 0) {
      const n = this.perPage * this.stride;
      this.tPages[page] = new Uint32Array(n);
      this.vPages[page] = new Float64Array(n);
      this._pagesHeld++;
    }
    this._usedIn[page]!++;
    return ring;
  }

  release(ring: number): void {
    this._free.push(ring);
    const page = this.page(ring);
    if (--this._usedIn[page]! === 0) {
      this.tPages[page] = NO_T;
      this.vPages[page] = NO_V;
      this._pagesHeld--;
    }
  }

  /** Page index of a ring. */
  page(ring: number): number {
    return (ring / this.perPage) | 0;
  }

  /** Index of a ring's first slot within its page. */
  offset(ring: number): number {
    return (ring % this.perPage) * this.stride;
  }
}
