/**
 * @module core/exposition/text-reader
 * Line reader for the Prometheus text format 0.0.4, written after
 * model/textparse/promlex.l and promparse.go (prometheus/prometheus) and
 * expfmt/text_parse.go (prometheus/common):
 * - blanks and tabs may separate tokens; blank lines are allowed;
 * - `# HELP name text` / `# TYPE name type` (after one or more blanks); any other
 *   `#` line is a comment; HELP/TYPE text is the rest of the line after the one
 *   blank that ends the name, and the type must be spelled exactly;
 * - `name[{labels}] value [timestamp]`, the timestamp being integer milliseconds
 *   (`{D}+`: no sign), the value a Go float;
 * - label pairs are separated by commas (a trailing comma is allowed).
 * Stricter than promparse in two corners: a label value may not span lines, and a
 * value must be separated from the metric name by a blank (promlex reads
 * `foo-1` as foo = -1).
 */
import type { ExpositionSample } from './model.js';
import { parseFloatToken, parseMsTimestamp } from './numbers.js';
import { LineReader } from './reader-base.js';
import {
  BRACE_CLOSE,
  BRACE_OPEN,
  COMMA,
  EQUALS,
  HASH,
  LF,
  QUOTE,
  SP,
  TAB,
  isLabelStart,
  isNameStart,
  quoteToken,
  scanName,
} from './scan.js';

export class TextReader extends LineReader {
  runSlice(from: number, until: number): number {
    const text = this.text;
    const n = this.n;
    let i = from;
    while (i < n) {
      if (i >= until) return i;
      let c = text.charCodeAt(i);
      while (c === SP || c === TAB) {
        if (++i >= n) return -1;
        c = text.charCodeAt(i);
      }
      if (c === LF) {
        i++;
      } else if (c === HASH) {
        i = this.comment(i);
      } else {
        i = this.sample(i, c);
      }
    }
    return -1;
  }

  /** A `#` line at `i`: HELP, TYPE, or a comment to skip. Returns the next line's offset. */
  private comment(i: number): number {
    const text = this.text;
    const n = this.n;
    let j = i + 1;
    let c = text.charCodeAt(j);
    if (c !== SP && c !== TAB) return this.skipLine(j);
    do c = text.charCodeAt(++j);
    while (c === SP || c === TAB);
    const isHelp = text.startsWith('HELP', j);
    if (!isHelp && !text.startsWith('TYPE', j)) return this.skipLine(j);
    const keyword = isHelp ? 'HELP' : 'TYPE';
    j += 4;
    c = text.charCodeAt(j);
    // `# HELPER`, or `# HELP` alone on its line, is a comment (promlex needs blanks after the keyword).
    if (c !== SP && c !== TAB) return this.skipLine(j);
    do c = text.charCodeAt(++j);
    while (c === SP || c === TAB);
    if (!isNameStart(c)) this.fail(j, `expected metric name after ${keyword}, got ${this.got(j)}`);
    const nameEnd = scanName(text, j, n);
    const name = text.slice(j, nameEnd);
    let start = nameEnd;
    let end = nameEnd;
    c = text.charCodeAt(nameEnd);
    if (c === SP || c === TAB) {
      start = nameEnd + 1;
      end = text.indexOf('\n', start);
      if (end === -1) end = n;
    } else if (nameEnd < n && c !== LF) {
      this.fail(nameEnd, `expected a blank after metric name "${name}" in ${keyword} line, got ${this.got(nameEnd)}`);
    }
    if (isHelp) this.visitor.help(name, this.unescapeHelp(start, end, false), i);
    else this.visitor.type(name, this.metricType(start, end, false), i);
    return end + 1;
  }

  /** A sample line whose first non-blank character `c` is at `i`. Returns the next line's offset. */
  private sample(i: number, c: number): number {
    const text = this.text;
    const n = this.n;
    if (!isNameStart(c)) this.fail(i, `expected metric name or '#' at start of line, got ${this.got(i)}`);
    this.countSample(i);
    const name = this.readName(i);
    let j = this.pos;
    c = text.charCodeAt(j);
    if (c !== BRACE_OPEN) {
      if (c !== SP && c !== TAB) {
        this.fail(j, `expected '{' or a blank after metric name "${name}", got ${this.got(j)}`);
      }
      // promlex allows blanks between the name and the brace.
      do c = text.charCodeAt(++j);
      while (c === SP || c === TAB);
    }
    let labels: Record<string, string>;
    if (c === BRACE_OPEN) {
      labels = this.labels(j + 1, name);
      j = this.pos;
      c = text.charCodeAt(j);
      while (c === SP || c === TAB) c = text.charCodeAt(++j);
    } else {
      labels = {};
    }
    const vStart = j;
    while (j < n && c !== SP && c !== TAB && c !== LF) c = text.charCodeAt(++j);
    if (j === vStart) this.fail(j, `expected value of "${name}", got ${this.got(j)}`);
    const value = parseFloatToken(text, vStart, j);
    if (value === undefined) {
      this.fail(vStart, `invalid value ${quoteToken(text, vStart, j)} of "${name}": expected a float such as 1, -2.5e3, +Inf or NaN`);
    }
    while (c === SP || c === TAB) c = text.charCodeAt(++j);
    let s: ExpositionSample;
    if (j >= n || c === LF) {
      s = { name, labels, value };
    } else {
      const tStart = j;
      while (j < n && c !== SP && c !== TAB && c !== LF) c = text.charCodeAt(++j);
      const ts = parseMsTimestamp(text, tStart, j);
      if (ts === undefined) {
        this.fail(tStart, `invalid timestamp ${quoteToken(text, tStart, j)}: expected integer milliseconds`);
      }
      while (c === SP || c === TAB) c = text.charCodeAt(++j);
      if (j < n && c !== LF) this.fail(j, `expected end of line after timestamp, got ${this.got(j)}`);
      s = { name, labels, value, timestamp: ts };
    }
    this.emit(s, i);
    return j + 1;
  }

  /** Label pairs after the `{` at `i - 1`; sets `pos` past the `}`. */
  private labels(i: number, metric: string): Record<string, string> {
    const text = this.text;
    const names = this.names;
    const labels: Record<string, string> = {};
    this.dupSet = undefined;
    const prevCount = this.prevCount;
    let dirty = false;
    let count = 0;
    let j = i;
    let c = text.charCodeAt(j);
    for (;;) {
      while (c === SP || c === TAB) c = text.charCodeAt(++j);
      if (c === BRACE_CLOSE) break;
      if (!isLabelStart(c)) this.fail(j, `expected label name or '}' in labels of "${metric}", got ${this.got(j)}`);
      const ls = j;
      const lname = this.readLabelName(ls, count);
      if (dirty || count >= prevCount || lname !== names[count]) {
        dirty = true;
        this.checkLabelName(names, count, lname, ls);
        names[count] = lname;
      }
      j = this.pos;
      c = text.charCodeAt(j);
      while (c === SP || c === TAB) c = text.charCodeAt(++j);
      if (c !== EQUALS) this.fail(j, `expected '=' after label name "${lname}", got ${this.got(j)}`);
      c = text.charCodeAt(++j);
      while (c === SP || c === TAB) c = text.charCodeAt(++j);
      if (c !== QUOTE) this.fail(j, `expected '"' to start the value of label "${lname}", got ${this.got(j)}`);
      const value = this.readLabelValue(j + 1, count, lname);
      this.storeLabel(labels, lname, value);
      count++;
      j = this.pos;
      c = text.charCodeAt(j);
      while (c === SP || c === TAB) c = text.charCodeAt(++j);
      if (c === COMMA) {
        c = text.charCodeAt(++j);
      } else if (c !== BRACE_CLOSE) {
        this.fail(j, `expected ',' or '}' after the value of label "${lname}", got ${this.got(j)}`);
      }
    }
    this.pos = j + 1;
    this.prevCount = count;
    return labels;
  }
}
