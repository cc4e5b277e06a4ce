/**
 * @module export/remoteWrite/snappyBlock
 * Snappy's block format read back, for bodies that may be hostile
 * (github.com/google/snappy format_description.txt). Lengths are unsigned
 * and every element is checked against the input and the declared output, so
 * the work is linear in the declared length: the snappyjs reader takes a
 * 4-byte literal length with its top bit set as negative and loops for ever.
 */

/** Most bytes one element can write per byte it takes (a 3-byte copy of 64): a larger declared length is a lie. */
export const MAX_EXPANSION = 22;

/** The uncompressed length a block starts with (a little-endian varint of at most 32 bits) and where its elements begin. */
export function blockLength(body: Uint8Array): { length: number; start: number } | undefined {
  let n = 0;
  for (let i = 0; i < 5 && i < body.byteLength; i++) {
    const b = body[i]!;
    n += (b & 0x7f) * 2 ** (7 * i);
    if (b < 0x80) return n <= 0xffffffff ? { length: n, start: i + 1 } : undefined;
  }
  return undefined;
}

/** The uncompressed bytes; throws Error naming what is wrong. */
export function uncompressBlock(body: Uint8Array, maxBytes: number): Uint8Array {
  const head = blockLength(body);
  if (head === undefined) throw new Error('no snappy length header');
  const bound = Math.min(maxBytes, body.byteLength * MAX_EXPANSION + 64);
  if (head.length > bound) throw new Error(`a declared uncompressed length of ${head.length} bytes (at most ${bound})`);
  const out = new Uint8Array(head.length);
  let pos = head.start;
  let o = 0;
  const need = (n: number): void => {
    if (pos + n > body.byteLength) throw new Error(`an element cut short at byte ${pos}`);
  };
  while (pos < body.byteLength) {
    const tag = body[pos++]!;
    let len: number;
    if ((tag & 3) === 0) {
      len = (tag >>> 2) + 1;
      if (len > 60) {
        const extra = len - 60;
        need(extra);
        len = 0;
        for (let i = 0; i < extra; i++) len += body[pos + i]! * 2 ** (8 * i);
        len += 1;
        pos += extra;
      }
      need(len);
      if (o + len > out.length) throw new Error(`a literal past the declared length at byte ${pos}`);
      out.set(body.subarray(pos, pos + len), o);
      pos += len;
      o += len;
      continue;
    }
    let offset: number;
    if ((tag & 3) === 1) {
      need(1);
      len = ((tag >>> 2) & 7) + 4;
      offset = ((tag >>> 5) << 8) | body[pos]!;
      pos += 1;
    } else if ((tag & 3) === 2) {
      need(2);
      len = (tag >>> 2) + 1;
      offset = body[pos]! | (body[pos + 1]! << 8);
      pos += 2;
    } else {
      need(4);
      len = (tag >>> 2) + 1;
      offset = body[pos]! + body[pos + 1]! * 2 ** 8 + body[pos + 2]! * 2 ** 16 + body[pos + 3]! * 2 ** 24;
      pos += 4;
    }
    if (offset === 0 || offset > o) throw new Error(`a copy from offset ${offset} at output byte ${o}`);
    if (o + len > out.length) throw new Error(`a copy past the declared length at byte ${pos}`);
    // Byte by byte: a copy may overlap what it writes (offset < length repeats a pattern).
    for (let i = 0; i < len; i++) out[o + i] = out[o - offset + i]!;
    o += len;
  }
  if (o !== out.length) throw new Error(`${o} bytes where the header declared ${out.length}`);
  return out;
}
