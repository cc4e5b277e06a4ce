/**
 * @module core/exposition/om-reader
 * Line reader for OpenMetrics 1.0.0, written after model/textparse/openmetricslex.l
 * and openmetricsparse.go (prometheus/prometheus):
 * - exactly one space separates tokens; no blank lines, no comments other than
 *   `# HELP`, `# TYPE`, `# UNIT` and the final `# EOF`;
 * - metadata lines are `# KEYWORD name text\n` (the space after the name is required,
 *   even for empty HELP text); UNIT must be a `_`-separated suffix of the name;
 * - `name[{labels}] value [timestamp] [# {exemplar labels} value [timestamp]]`, with
 *   timestamps in float seconds (converted to integer ms, truncating as Prometheus does);
 * - the input must end with `# EOF` (optionally followed by one newline) and nothing after.
 */
import type { Exemplar, ExpositionSample } from './model.js';
import { parseFloatToken, parseSecondsToMs } from './numbers.js';
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
  isLabelStart,
  isNameStart,
  quoteToken,
  scanName,
} from './scan.js';

const NO_EOF = "expected '# EOF' as the last line of OpenMetrics input, got end of input";

export class OpenMetricsReader extends LineReader {
  runSlice(from: number, until: number): number {
    const text = this.text;
    const n = this.n;
    let i = from;
    while (i < n) {
      if (i >= until) return i;
      const c = text.charCodeAt(i);
      if (c === HASH) {
        i = this.meta(i);
        if (i < 0) return -1;
      } else {
        i = this.sample(i, c);
      }
    }
    return this.fail(n, NO_EOF);
  }

  /** A `#` line at `i`. Returns the next line's offset, or -1 after `# EOF`. */
  private meta(i: number): number {
    const text = this.text;
    const n = this.n;
    if (text.charCodeAt(i + 1) !== SP) {
      this.fail(i + 1, `expected ' ' after '#' (OpenMetrics allows only HELP, TYPE, UNIT and EOF lines), got ${this.got(i + 1)}`);
    }
    const j = i + 2;
    if (text.startsWith('EOF', j)) {
      const k = j + 3;
      if (k >= n) return -1;
      if (text.charCodeAt(k) !== LF) this.fail(k, `expected end of line after '# EOF', got ${this.got(k)}`);
      if (k + 1 < n) this.fail(k + 1, "unexpected content after '# EOF'");
      return -1;
    }
    let kind: 'HELP' | 'TYPE' | 'UNIT';
    if (text.startsWith('HELP ', j)) kind = 'HELP';
    else if (text.startsWith('TYPE ', j)) kind = 'TYPE';
    else if (text.startsWith('UNIT ', j)) kind = 'UNIT';
    else return this.fail(j, `expected HELP, TYPE, UNIT or EOF after '# ', got ${this.got(j)}`);
    const k = j + 5;
    if (!isNameStart(text.charCodeAt(k))) this.fail(k, `expected metric name after ${kind}, got ${this.got(k)}`);
    const nameEnd = scanName(text, k, n);
    const name = text.slice(k, nameEnd);
    if (text.charCodeAt(nameEnd) !== SP) {
      this.fail(nameEnd, `expected ' ' after metric name "${name}" in ${kind} line, got ${this.got(nameEnd)}`);
    }
    const start = nameEnd + 1;
    const end = text.indexOf('\n', start);
    if (end === -1) this.fail(n, NO_EOF);
    if (kind === 'HELP') {
      this.visitor.help(name, this.unescapeHelp(start, end, true), i);
    } else if (kind === 'TYPE') {
      this.visitor.type(name, this.metricType(start, end, true), i);
    } else {
      const unit = text.slice(start, end);
      const u = unit.length;
      if (u > 0 && !(name.length > u + 1 && name.endsWith(unit) && name.charCodeAt(name.length - u - 1) === 95)) {
        this.fail(start, `unit "${unit}" is not a suffix of metric name "${name}" (expected a name ending in "_${unit}")`);
      }
      this.visitor.unit(name, unit, i);
    }
    return end + 1;
  }

  /** A sample line starting with `c` at `i`. Returns the next line's offset. */
  private sample(i: number, c: number): number {
    const text = this.text;
    const n = this.n;
    if (!isNameStart(c)) {
      if (c === LF) this.fail(i, 'unexpected empty line (OpenMetrics does not allow blank lines)');
      this.fail(i, `expected metric name or '#' at start of line, got ${this.got(i)}`);
    }
    this.countSample(i);
    const name = this.readName(i);
    let j = this.pos;
    let labels: Record<string, string>;
    c = text.charCodeAt(j);
    if (c === BRACE_OPEN) {
      labels = this.labels(j + 1, name, false);
      j = this.pos;
      c = text.charCodeAt(j);
    } else {
      labels = {};
    }
    if (c !== SP) this.fail(j, `expected ' ' before the value of "${name}", got ${this.got(j)}`);
    const vStart = ++j;
    c = text.charCodeAt(j);
    while (j < n && c !== SP && c !== LF) c = text.charCodeAt(++j);
    if (j === vStart) this.fail(j, `expected value of "${name}", got ${this.got(j)}`);
    const value = parseFloatToken(text, vStart, j);
    if (value === undefined) {
      this.fail(vStart, `invalid value ${quoteToken(text, vStart, j)} of "${name}": expected a float such as 1, -2.5e3, +Inf or NaN`);
    }
    let ts: number | undefined;
    let exemplar: Exemplar | undefined;
    if (c === SP) {
      j++;
      if (!text.startsWith('# {', j)) {
        const tStart = j;
        c = text.charCodeAt(j);
        while (j < n && c !== SP && c !== LF) c = text.charCodeAt(++j);
        if (j === tStart) this.fail(j, `expected timestamp or '# {' after the value of "${name}", got ${this.got(j)}`);
        ts = parseSecondsToMs(text, tStart, j);
        if (ts === undefined) {
          this.fail(tStart, `invalid timestamp ${quoteToken(text, tStart, j)}: expected seconds as a finite float`);
        }
        if (c === SP) {
          j++;
          if (!text.startsWith('# {', j)) this.fail(j, `expected '# {' to start an exemplar, got ${this.got(j)}`);
        }
      }
      if (text.startsWith('# {', j)) {
        exemplar = this.exemplar(j + 3, name);
        j = this.pos;
      }
    }
    if (j >= n) this.fail(n, NO_EOF);
    if (text.charCodeAt(j) !== LF) this.fail(j, `expected end of line, got ${this.got(j)}`);
    let s: ExpositionSample;
    if (exemplar === undefined) {
      s = ts === undefined ? { name, labels, value } : { name, labels, value, timestamp: ts };
    } else {
      s = ts === undefined ? { name, labels, value, exemplar } : { name, labels, value, timestamp: ts, exemplar };
    }
    this.emit(s, i);
    return j + 1;
  }

  /** An exemplar whose label set opens just before `i`; sets `pos` at the end of the line. */
  private exemplar(i: number, metric: string): Exemplar {
    const text = this.text;
    const n = this.n;
    const labels = this.labels(i, metric, true);
    let j = this.pos;
    if (text.charCodeAt(j) !== SP) this.fail(j, `expected ' ' before the exemplar value, got ${this.got(j)}`);
    const vStart = ++j;
    let c = text.charCodeAt(j);
    while (j < n && c !== SP && c !== LF) c = text.charCodeAt(++j);
    if (j === vStart) this.fail(j, `expected exemplar value, got ${this.got(j)}`);
    const value = parseFloatToken(text, vStart, j);
    if (value === undefined) {
      this.fail(vStart, `invalid exemplar value ${quoteToken(text, vStart, j)}: expected a float such as 1, -2.5e3, +Inf or NaN`);
    }
    if (c !== SP) {
      this.pos = j;
      return { labels, value };
    }
    const tStart = ++j;
    c = text.charCodeAt(j);
    while (j < n && c !== SP && c !== LF) c = text.charCodeAt(++j);
    const ts = j === tStart ? undefined : parseSecondsToMs(text, tStart, j);
    if (ts === undefined) {
      this.fail(tStart, `invalid exemplar timestamp ${quoteToken(text, tStart, j)}: expected seconds as a finite float`);
    }
    this.pos = j;
    return { labels, value, timestamp: ts };
  }

  /** Label pairs after the `{` at `i - 1`, with no blanks anywhere; sets `pos` past the `}`. */
  private labels(i: number, metric: string, exemplar: boolean): Record<string, string> {
    const text = this.text;
    const names = exemplar ? this.exemplarNames : this.names;
    const labels: Record<string, string> = {};
    this.dupSet = undefined;
    const prevCount = exemplar ? 0 : this.prevCount;
    let dirty = exemplar;
    let count = 0;
    let j = i;
    let c = text.charCodeAt(j);
    const where = exemplar ? `exemplar labels of "${metric}"` : `labels of "${metric}"`;
    while (c !== BRACE_CLOSE) {
      if (!isLabelStart(c)) this.fail(j, `expected label name or '}' in ${where}, got ${this.got(j)}`);
      const ls = j;
      const lname = this.readLabelName(ls, exemplar ? -1 : count);
      if (dirty || count >= prevCount || lname !== names[count]) {
        dirty = true;
        this.checkLabelName(names, count, lname, ls);
        names[count] = lname;
      }
      j = this.pos;
      if (text.charCodeAt(j) !== EQUALS) this.fail(j, `expected '=' after label name "${lname}", got ${this.got(j)}`);
      j++;
      if (text.charCodeAt(j) !== QUOTE) {
        this.fail(j, `expected '"' to start the value of label "${lname}", got ${this.got(j)}`);
      }
      const value = this.readLabelValue(j + 1, exemplar ? -1 : count, lname);
      this.storeLabel(labels, lname, value);
      count++;
      j = this.pos;
      c = text.charCodeAt(j);
      if (c === COMMA) {
        c = text.charCodeAt(++j);
      } else if (c !== BRACE_CLOSE) {
        this.fail(j, `expected ',' or '}' after the value of label "${lname}", got ${this.got(j)}`);
      }
    }
    this.pos = j + 1;
    if (!exemplar) this.prevCount = count;
    return labels;
  }
}
