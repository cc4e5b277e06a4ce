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

export class RingPages {
  readonly stride: number;
  /** Rings per page. */
  readonly perPage: number;
  readonly tPages: Uint32Array[] = [];
  readonly vPages: Float64Array[] = [];
  private readonly _free: number[] = [];
  private _next = 0;

  constructor(stride: number) {
    this.stride = stride;
    this.perPage = Math.max(1, Math.floor(PAGE_BYTES / (stride * SAMPLE_BYTES)));
  }

  /** Rings in use. */
  get used(): number {
    return this._next - this._free.length;
  }

  /** Bytes allocated for samples (pages, whether used or free). */
  get bytes(): number {
    return this.tPages.length * this.perPage * this.stride * SAMPLE_BYTES;
  }

  /** A free ring's number; its slots hold garbage until written. */
  alloc(): number {
    const free = this._free.pop();
    if (free !== undefined) return free;
    const ring = this._next++;
    if (ring >= this.tPages.length * this.perPage) {
      const n = this.perPage * this.stride;
      this.tPages.push(new Uint32Array(n));
      this.vPages.push(new Float64Array(n));
    }
    return ring;
  }

  release(ring: number): void {
    this._free.push(ring);
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
