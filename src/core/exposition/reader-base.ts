/**
 * @module core/exposition/reader-base
 * What the text 0.0.4 and OpenMetrics line readers share: the input, the
 * visitor, name caches, quoted label values and escape handling.
 *
 * Escapes follow Prometheus (model/textparse/promparse.go `lvalReplacer`,
 * `helpReplacer`): in label values `\\`, `\"` and `\n` are decoded and any other
 * backslash pair is kept as written; a raw newline inside a label value is
 * rejected (as prometheus/common expfmt/text_parse.go and the OpenMetrics lexer do).
 */
import type { MetricType } from '../types.js';
import { checkLabelLimits, sampleLimitError } from './limits.js';
import type { ExpositionSample, ExpositionVisitor } from './model.js';
import { NO_LIMITS, type ResolvedLimits } from './options.js';
import {
  BACKSLASH,
  LF,
  QUOTE,
  describeAt,
  expositionError,
  isLabelChar,
  isNameChar,
  matchesAt,
  quoteToken,
  scanLabelName,
  scanName,
} from './scan.js';

/** How many recent metric names `readName` tries before scanning. */
const RECENT_NAMES = 4;

/** Past this many labels in one sample, duplicate names are checked with a Set. */
const LINEAR_DUP_CHECK = 16;

export abstract class LineReader {
  protected readonly n: number;
  /** Scratch result: the offset just past what the last helper consumed. */
  protected pos = 0;
  /** The previous sample's name, reused when the next one is equal. */
  protected prevName: string | undefined = undefined;
  /** The last few distinct names read, tried when the previous one does not match. */
  private readonly recentNames: Array<string | undefined> = new Array<string | undefined>(RECENT_NAMES).fill(undefined);
  private recentNext = 0;
  /** Label names and values of the previous sample, by position (also the current sample's names so far). */
  protected readonly names: string[] = [];
  protected readonly values: string[] = [];
  /** Exemplar label names of the current exemplar, for the duplicate check. */
  protected readonly exemplarNames: string[] = [];
  /** The names of the current sample, once it has more than LINEAR_DUP_CHECK (reset per sample). */
  protected dupSet: Set<string> | undefined = undefined;
  /**
   * How many label names of the previous sample are in `names`. They are
   * distinct, so a sample that repeats them slot by slot needs no duplicate check.
   */
  protected prevCount = 0;
  /** Offsets of the next newline and backslash at or after the last label value read (amortised scans). */
  private nextLF = -1;
  private nextBackslash = -1;
  /** Samples read so far, and how many the page may have (`Infinity`: no limit). */
  private samplesRead = 0;
  private readonly sampleCap: number;
  /** True when some label limit is set, so each sample's labels are measured. */
  private readonly labelLimits: boolean;

  constructor(
    protected readonly text: string,
    protected readonly visitor: ExpositionVisitor,
    private readonly limits: ResolvedLimits = NO_LIMITS,
  ) {
    this.n = text.length;
    this.sampleCap = limits.maxSamples;
    this.labelLimits = limits.labels;
  }

  /** Reads the whole input, calling the visitor for each metadata line and sample. */
  run(): void {
    this.runSlice(0, Infinity);
  }

  /**
   * Reads the lines that start in [from, until) and returns where the next
   * line starts, or -1 once the input is done. Lines are read whole, so a
   * caller can read a large page in slices and let other work run in between.
   */
  abstract runSlice(from: number, until: number): number;

  /** Counts the sample line at `at` before it is read; throws past `sample_limit`. */
  protected countSample(at: number): void {
    if (++this.samplesRead > this.sampleCap) throw sampleLimitError(this.text, at, this.samplesRead, this.sampleCap);
  }

  /** Hands a read sample to the visitor, after the label limits when any is set. */
  protected emit(s: ExpositionSample, at: number): void {
    if (this.labelLimits) checkLabelLimits(this.text, at, s.name, s.labels, this.limits);
    this.visitor.sample(s, at);
  }

  protected fail(at: number, message: string): never {
    throw expositionError(this.text, at, message);
  }

  protected got(at: number): string {
    return describeAt(this.text, at);
  }

  /** Offset just past the end of the line that contains `i`. */
  protected skipLine(i: number): number {
    const k = this.text.indexOf('\n', i);
    return k === -1 ? this.n : k + 1;
  }

  /**
   * Reads the metric name that starts at `i` (first character checked by the
   * caller); sets `pos` past it. Reuses the previous sample's name when the
   * text repeats it, without scanning it again.
   */
  protected readName(i: number): string {
    const text = this.text;
    const prev = this.prevName;
    if (prev !== undefined && matchesAt(text, i, prev) && !isNameChar(text.charCodeAt(i + prev.length))) {
      this.pos = i + prev.length;
      return prev;
    }
    // Histograms cycle through _bucket, _sum, _count: try the last few names before scanning.
    const recent = this.recentNames;
    for (let k = 0; k < RECENT_NAMES; k++) {
      const r = recent[k];
      if (r !== undefined && r !== prev && matchesAt(text, i, r) && !isNameChar(text.charCodeAt(i + r.length))) {
        this.pos = i + r.length;
        this.prevName = r;
        return r;
      }
    }
    const end = scanName(text, i, this.n);
    this.pos = end;
    const name = text.slice(i, end);
    this.prevName = name;
    recent[this.recentNext] = name;
    this.recentNext = (this.recentNext + 1) % RECENT_NAMES;
    return name;
  }

  /** Like `readName` for the label name at `i`; `slot` >= 0 reuses the previous sample's name at that position. */
  protected readLabelName(i: number, slot: number): string {
    const text = this.text;
    const prev = slot < 0 ? undefined : this.names[slot];
    if (prev !== undefined && matchesAt(text, i, prev) && !isLabelChar(text.charCodeAt(i + prev.length))) {
      this.pos = i + prev.length;
      return prev;
    }
    const end = scanLabelName(text, i, this.n);
    this.pos = end;
    return text.slice(i, end);
  }

  /**
   * Reads a quoted label value whose opening quote is just before `i`; sets
   * `pos` past the closing quote. `slot` >= 0 reuses the previous sample's value
   * at that position when the text repeats it.
   */
  protected readLabelValue(i: number, slot: number, label: string): string {
    const text = this.text;
    const prev = slot < 0 ? undefined : this.values[slot];
    // Cached values hold no quote, backslash or newline, so a match followed by '"' is the whole value.
    if (prev !== undefined && matchesAt(text, i, prev) && text.charCodeAt(i + prev.length) === QUOTE) {
      this.pos = i + prev.length + 1;
      return prev;
    }
    const q = text.indexOf('"', i);
    if (this.nextLF < i) {
      this.nextLF = text.indexOf('\n', i);
      if (this.nextLF === -1) this.nextLF = this.n;
    }
    if (q === -1 || this.nextLF < q) {
      const at = Math.min(this.nextLF, this.n);
      this.fail(at, `expected '"' to close the value of label "${label}", got ${this.got(at)}`);
    }
    if (this.nextBackslash < i) {
      this.nextBackslash = text.indexOf('\\', i);
      if (this.nextBackslash === -1) this.nextBackslash = this.n;
    }
    if (this.nextBackslash < q) return this.readEscapedLabelValue(i, this.nextBackslash, label);
    this.pos = q + 1;
    const v = text.slice(i, q);
    if (slot >= 0) this.values[slot] = v;
    return v;
  }

  private readEscapedLabelValue(i: number, firstEscape: number, label: string): string {
    const text = this.text;
    const n = this.n;
    let out = '';
    let seg = i;
    let j = firstEscape;
    for (;;) {
      if (j >= n) this.fail(j, `expected '"' to close the value of label "${label}", got end of input`);
      const c = text.charCodeAt(j);
      if (c === QUOTE) break;
      if (c === LF) this.fail(j, `expected '"' to close the value of label "${label}", got end of line`);
      if (c !== BACKSLASH) {
        j++;
        continue;
      }
      if (j + 1 >= n || text.charCodeAt(j + 1) === LF) {
        this.fail(j + 1, `expected an escaped character after '\\' in the value of label "${label}", got ${this.got(j + 1)}`);
      }
      const e = text.charCodeAt(j + 1);
      if (e === BACKSLASH || e === QUOTE || e === 110) {
        out += text.slice(seg, j) + (e === 110 ? '\n' : e === QUOTE ? '"' : '\\');
        seg = j + 2;
      }
      // Any other pair is kept verbatim, as Prometheus's lvalReplacer leaves it.
      j += 2;
    }
    this.pos = j + 1;
    return out + text.slice(seg, j);
  }

  /**
   * Decodes HELP text `text[start, end)`: `\\` and `\n` always, `\"` in
   * OpenMetrics (whose Prometheus parser uses the label-value replacer); any
   * other backslash is kept.
   */
  protected unescapeHelp(start: number, end: number, om: boolean): string {
    const text = this.text;
    let out = '';
    let seg = start;
    // A bounded scan: indexOf would search past `end`, to the end of the page.
    for (let k = start; k + 1 < end; k++) {
      if (text.charCodeAt(k) !== BACKSLASH) continue;
      const e = text.charCodeAt(k + 1);
      if (e === BACKSLASH || e === 110 || (om && e === QUOTE)) {
        out += text.slice(seg, k) + (e === 110 ? '\n' : e === QUOTE ? '"' : '\\');
        seg = k + 2;
        k++;
      }
    }
    return seg === start ? text.slice(start, end) : out + text.slice(seg, end);
  }

  /**
   * Checks a label name that is not known to differ from the sample's other
   * names: rejects duplicates (as expfmt's "duplicate label names" does) and
   * the reserved `__name__`. `names[0, count)` holds the names read so far.
   */
  protected checkLabelName(names: string[], count: number, name: string, at: number): void {
    if (name.length === 8 && name === '__name__') this.fail(at, 'label name "__name__" is reserved');
    if (count < LINEAR_DUP_CHECK) {
      for (let k = 0; k < count; k++) {
        if (names[k] === name) this.fail(at, `duplicate label name "${name}"`);
      }
      return;
    }
    let set = this.dupSet;
    if (set === undefined || set.size !== count) set = this.dupSet = new Set(names.slice(0, count));
    if (set.has(name)) this.fail(at, `duplicate label name "${name}"`);
    set.add(name);
  }

  /** Stores one label; `__proto__` is defined as an own property rather than set (which would change the prototype). */
  protected storeLabel(labels: Record<string, string>, name: string, value: string): void {
    if (name.length === 9 && name === '__proto__') {
      Object.defineProperty(labels, name, { value, enumerable: true, writable: true, configurable: true });
    } else {
      labels[name] = value;
    }
  }

  /** The metric type a TYPE line names, or fails listing what the format accepts. */
  protected metricType(start: number, end: number, om: boolean): MetricType {
    const t = this.text.slice(start, end);
    switch (t) {
      case 'counter':
      case 'gauge':
      case 'histogram':
      case 'summary':
        return t;
      case 'untyped':
        if (!om) return t;
        break;
      case 'unknown':
      case 'info':
      case 'stateset':
      case 'gaugehistogram':
        if (om) return t;
        break;
    }
    const expected = om
      ? 'counter, gauge, histogram, gaugehistogram, summary, info, stateset or unknown'
      : 'counter, gauge, histogram, summary or untyped';
    return this.fail(start, `invalid metric type ${quoteToken(this.text, start, end)}: expected ${expected}`);
  }
}
