/**
 * @module store/chunks/bits
 * Bit-granular writer and reader over a Uint8Array, most significant bit
 * first (the order of Prometheus's bstream). A call moves at most 32 bits;
 * wider fields go as two halves, so the hot path stays in int32 arithmetic,
 * with no BigInt and no allocation per sample.
 */
import { corrupt } from './format.js';

const TWO32 = 4294967296;

/** Appends bits; `reserve` once per sample with its worst case, so each write needs no bounds check. */
export class BitWriter {
  buf: Uint8Array;
  /** Bits written so far, counted from the start of the buffer. */
  pos: number;

  constructor(initialBytes: number, startBits: number) {
    this.buf = new Uint8Array(initialBytes);
    this.pos = startBits;
  }

  reserve(bits: number): void {
    const need = (this.pos + bits + 7) >>> 3;
    if (need <= this.buf.length) return;
    const next = new Uint8Array(Math.max(need, this.buf.length * 2));
    next.set(this.buf);
    this.buf = next;
  }

  bit(b: number): void {
    if (b !== 0) this.buf[this.pos >>> 3]! |= 0x80 >>> (this.pos & 7);
    this.pos++;
  }

  /** The low `n` (0..32) bits of `v`. */
  bits(v: number, n: number): void {
    const buf = this.buf;
    let pos = this.pos;
    while (n > 0) {
      const free = 8 - (pos & 7);
      if (n <= free) {
        buf[pos >>> 3]! |= (v & ((1 << n) - 1)) << (free - n);
        pos += n;
        break;
      }
      n -= free;
      buf[pos >>> 3]! |= (v >>> n) & ((1 << free) - 1);
      pos += free;
    }
    this.pos = pos;
  }

  /** A non-negative integer below 2^n, n up to 53. */
  wide(x: number, n: number): void {
    if (n > 32) {
      this.bits(Math.floor(x / TWO32), n - 32);
      this.bits(x >>> 0, 32);
    } else {
      this.bits(x >>> 0, n);
    }
  }
}

/** Reads what BitWriter wrote; every read past `end` throws EP_ERR_STORE_CORRUPT. */
export class BitReader {
  readonly buf: Uint8Array;
  pos: number;
  /** Bits available, counted from the start of the buffer. */
  readonly end: number;
  /** The sample being read, for error messages. */
  sample = 0;

  constructor(buf: Uint8Array, startBits: number) {
    this.buf = buf;
    this.pos = startBits;
    this.end = buf.length * 8;
  }

  bit(): number {
    const pos = this.pos;
    if (pos >= this.end) throw this.truncated(1);
    this.pos = pos + 1;
    return (this.buf[pos >>> 3]! >>> (7 - (pos & 7))) & 1;
  }

  /** A prefix code of 1s ended by a 0 (or by reaching `max` 1s): the number of 1s. */
  ones(max: number): number {
    let n = 0;
    while (n < max && this.bit() === 1) n++;
    return n;
  }

  /** `n` (0..32) bits as a non-negative number. */
  bits(n: number): number {
    let pos = this.pos;
    if (pos + n > this.end) throw this.truncated(n);
    const buf = this.buf;
    let v = 0;
    while (n > 0) {
      const used = pos & 7;
      const avail = 8 - used;
      const byte = buf[pos >>> 3]! & (0xff >>> used);
      if (n <= avail) {
        v = v * (1 << n) + (byte >>> (avail - n));
        pos += n;
        break;
      }
      v = v * (1 << avail) + byte;
      n -= avail;
      pos += avail;
    }
    this.pos = pos;
    return v;
  }

  /** `n` (0..53) bits as a non-negative integer. */
  wide(n: number): number {
    if (n <= 32) return this.bits(n);
    const hi = this.bits(n - 32);
    return hi * TWO32 + this.bits(32);
  }

  private truncated(n: number): Error {
    return corrupt(`sample ${this.sample} needs bits ${this.pos}..${this.pos + n - 1} but the chunk holds ${this.end} bits (${this.buf.length} bytes)`);
  }
}

/** Number of bits needed for a non-negative integer below 2^53 (0 for 0). */
export function bitLength(x: number): number {
  return x < TWO32 ? 32 - Math.clz32(x) : 64 - Math.clz32(Math.floor(x / TWO32));
}

/** Trailing zero bits of a non-zero int32. */
export function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}
