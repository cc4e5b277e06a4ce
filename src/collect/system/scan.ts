/**
 * @module collect/system/scan
 * A forward-only scanner over /proc text. The files are read every second, so
 * parsing walks the string with charCodeAt instead of split + regex: no
 * intermediate arrays, one string allocated per token asked for.
 */

const SPACE = 32;
const TAB = 9;
const NEWLINE = 10;
const ZERO = 48;
const NINE = 57;

/** A cursor over one file's text. Reuse one instance per reader (reset() per read). */
export class Scanner {
  text = '';
  pos = 0;

  reset(text: string): this {
    this.text = text;
    this.pos = 0;
    return this;
  }

  get eof(): boolean {
    return this.pos >= this.text.length;
  }

  /** True when only blanks remain before the end of the current line. */
  atLineEnd(): boolean {
    this.skipBlanks();
    return this.pos >= this.text.length || this.text.charCodeAt(this.pos) === NEWLINE;
  }

  skipBlanks(): void {
    const t = this.text;
    let p = this.pos;
    while (p < t.length) {
      const c = t.charCodeAt(p);
      if (c !== SPACE && c !== TAB) break;
      p++;
    }
    this.pos = p;
  }

  /**
   * An unsigned decimal integer after optional blanks; NaN when there is none
   * (the cursor does not move then). Values above 2^53 lose precision, which
   * for byte and tick counters is far below anything a rate can show.
   */
  uint(): number {
    this.skipBlanks();
    const t = this.text;
    let p = this.pos;
    let v = 0;
    const start = p;
    while (p < t.length) {
      const c = t.charCodeAt(p);
      if (c < ZERO || c > NINE) break;
      v = v * 10 + (c - ZERO);
      p++;
    }
    this.pos = p;
    return p === start ? NaN : v;
  }

  /** The next run of non-blank characters on this line ('' at the line's end). */
  token(): string {
    this.skipBlanks();
    const t = this.text;
    const start = this.pos;
    let p = start;
    while (p < t.length) {
      const c = t.charCodeAt(p);
      if (c === SPACE || c === TAB || c === NEWLINE) break;
      p++;
    }
    this.pos = p;
    return t.slice(start, p);
  }

  /** Text up to (not including) `ch` on this line, trimmed of leading blanks; the cursor moves past `ch`. Undefined when the line has no `ch`. */
  until(ch: string): string | undefined {
    this.skipBlanks();
    const t = this.text;
    const at = t.indexOf(ch, this.pos);
    const eol = this.lineEnd();
    if (at < 0 || at > eol) return undefined;
    const s = t.slice(this.pos, at);
    this.pos = at + ch.length;
    return s;
  }

  /** True when the text at the cursor starts with `s`. */
  startsWith(s: string): boolean {
    return this.text.startsWith(s, this.pos);
  }

  /** Moves to the start of the next line. */
  nextLine(): void {
    this.pos = this.lineEnd() + 1;
  }

  private lineEnd(): number {
    const i = this.text.indexOf('\n', this.pos);
    return i < 0 ? this.text.length : i;
  }
}
