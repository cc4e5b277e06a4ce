/**
 * @module core/exposition/byte-writer
 * A growable UTF-8 byte buffer for rendering pages: ASCII is copied char by
 * char, anything else goes through Buffer's encoder. Rendering into bytes and
 * decoding once avoids the many short-lived strings that concatenation makes.
 * One buffer (up to 16 MiB) is kept between renders, since rendering is synchronous.
 */

const KEEP_MAX = 16 * 1024 * 1024;
let spare: Buffer | undefined;

export class ByteWriter {
  private buf: Buffer;
  private len = 0;
  private ascii = true;

  constructor() {
    this.buf = spare ?? Buffer.allocUnsafe(64 * 1024);
    spare = undefined;
  }

  /** Appends a string (UTF-8). */
  str(s: string): void {
    const n = s.length;
    if (this.len + n * 3 > this.buf.length) this.grow(n * 3);
    const buf = this.buf;
    let pos = this.len;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 128) {
        pos += buf.write(s.slice(i), pos, 'utf8');
        this.ascii = false;
        break;
      }
      buf[pos++] = c;
    }
    this.len = pos;
  }

  /**
   * Appends `s` escaped for the exposition formats: `\\` and newline always,
   * `"` when `quotes` (label values; OpenMetrics HELP).
   */
  escaped(s: string, quotes: boolean): void {
    const n = s.length;
    // 3 bytes per UTF-16 unit covers every case: an escape is 2 bytes, a BMP char at most 3, a surrogate pair 4.
    if (this.len + n * 3 > this.buf.length) this.grow(n * 3);
    const buf = this.buf;
    let pos = this.len;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 128) {
        if (c === 92 || c === 10 || (quotes && c === 34)) {
          buf[pos++] = 92;
          buf[pos++] = c === 10 ? 110 : c;
        } else {
          buf[pos++] = c;
        }
      } else {
        let k = i + 1;
        while (k < n && s.charCodeAt(k) >= 128) k++;
        pos += buf.write(s.slice(i, k), pos, 'utf8');
        this.ascii = false;
        i = k - 1;
      }
    }
    this.len = pos;
  }

  /** Appends one ASCII character code. */
  byte(c: number): void {
    if (this.len >= this.buf.length) this.grow(1);
    this.buf[this.len++] = c;
  }

  /** The text written; the writer must not be used afterwards. */
  finish(): string {
    const s = this.buf.toString(this.ascii ? 'latin1' : 'utf8', 0, this.len);
    if (this.buf.length <= KEEP_MAX) spare = this.buf;
    return s;
  }

  private grow(extra: number): void {
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + extra));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }
}
