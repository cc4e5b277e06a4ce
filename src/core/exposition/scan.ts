/**
 * @module core/exposition/scan
 * Shared pieces of the hand-written exposition scanners: character classes,
 * name scanning and positioned errors. Everything works on `charCodeAt` over
 * the input string: no regex, no per-char substrings.
 */
import { EchoPerfError } from '../errors.js';
import { truncateText } from '../preview.js';

export const LF = 10;
export const TAB = 9;
export const SP = 32;
export const QUOTE = 34;
export const HASH = 35;
export const COMMA = 44;
export const EQUALS = 61;
export const BACKSLASH = 92;
export const BRACE_OPEN = 123;
export const BRACE_CLOSE = 125;

const NAME_START = 1; // [a-zA-Z_:]
const NAME_CHAR = 2; // [a-zA-Z0-9_:]
const LABEL_START = 4; // [a-zA-Z_]
const LABEL_CHAR = 8; // [a-zA-Z0-9_]

/** Character classes of metric and label names, for codes below 128. */
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const alpha = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
  const digit = c >= 48 && c <= 57;
  let k = 0;
  if (alpha || c === 58) k |= NAME_START | NAME_CHAR;
  if (digit) k |= NAME_CHAR;
  if (alpha) k |= LABEL_START | LABEL_CHAR;
  if (digit) k |= LABEL_CHAR;
  CLASS[c] = k;
}

export function isNameStart(c: number): boolean {
  return c < 128 && (CLASS[c]! & NAME_START) !== 0;
}

export function isLabelStart(c: number): boolean {
  return c < 128 && (CLASS[c]! & LABEL_START) !== 0;
}

export function isNameChar(c: number): boolean {
  return c < 128 && (CLASS[c]! & NAME_CHAR) !== 0;
}

export function isLabelChar(c: number): boolean {
  return c < 128 && (CLASS[c]! & LABEL_CHAR) !== 0;
}

/** End of the metric name that starts at `i` (the first character is already checked). */
export function scanName(text: string, i: number, n: number): number {
  i++;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c >= 128 || (CLASS[c]! & NAME_CHAR) === 0) break;
    i++;
  }
  return i;
}

/** End of the label name that starts at `i` (the first character is already checked). */
export function scanLabelName(text: string, i: number, n: number): number {
  i++;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c >= 128 || (CLASS[c]! & LABEL_CHAR) === 0) break;
    i++;
  }
  return i;
}

/** True when the whole string is a valid metric name (`[a-zA-Z_:][a-zA-Z0-9_:]*`). */
export function isMetricName(s: string): boolean {
  const n = s.length;
  return n > 0 && isNameStart(s.charCodeAt(0)) && scanName(s, 0, n) === n;
}

/** True when the whole string is a valid label name (`[a-zA-Z_][a-zA-Z0-9_]*`). */
export function isLabelName(s: string): boolean {
  const n = s.length;
  return n > 0 && isLabelStart(s.charCodeAt(0)) && scanLabelName(s, 0, n) === n;
}

/**
 * True when `s` occurs in `text` at `i`. A plain loop: for the short names and
 * values of exposition lines it is cheaper than calling `startsWith`.
 */
export function matchesAt(text: string, i: number, s: string): boolean {
  const n = s.length;
  for (let k = 0; k < n; k++) {
    if (text.charCodeAt(i + k) !== s.charCodeAt(k)) return false;
  }
  return true;
}

/** How a character (or the end) is shown in messages: `'}'`, `end of line`, `end of input`. */
export function describeAt(text: string, at: number): string {
  if (at >= text.length) return 'end of input';
  const c = text.charCodeAt(at);
  if (c === LF) return 'end of line';
  if (c === TAB) return "'\\t'";
  if (c === 13) return "'\\r'";
  if (c < 32 || c === 127) return `'\\u${c.toString(16).padStart(4, '0')}'`;
  const cp = text.codePointAt(at)!;
  return `'${String.fromCodePoint(cp)}'`;
}

/** 1-based line and column (in UTF-16 code units) of offset `at`. */
export function lineColumn(text: string, at: number): { line: number; column: number } {
  const end = Math.min(Math.max(at, 0), text.length);
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: end - lineStart + 1 };
}

/** The error every parse failure throws: `line 12, column 7: <message>`. */
export function expositionError(text: string, at: number, message: string): EchoPerfError {
  const { line, column } = lineColumn(text, at);
  return new EchoPerfError('EP_ERR_EXPOSITION_PARSE', `line ${line}, column ${column}: ${boundedMessage(message)}`, {
    details: [{ line, column, offset: at }],
  });
}

/** Longest quoted name or value a message shows, and longest message. */
const MAX_QUOTED = 100;
const MAX_MESSAGE = 600;

/**
 * `message` with every quoted run (a metric or label name, a label value) cut
 * to MAX_QUOTED characters, then the whole cut to MAX_MESSAGE: a name is as
 * long as the page makes it, and an error repeats it.
 */
export function boundedMessage(message: string): string {
  if (message.length <= MAX_QUOTED) return message;
  // One pass with indexOf, no regex: a name of megabytes costs one scan, never a backtrack.
  let out = '';
  let i = 0;
  while (i < message.length && out.length <= MAX_MESSAGE) {
    const open = message.indexOf('"', i);
    if (open === -1) {
      out += message.slice(i);
      break;
    }
    const close = message.indexOf('"', open + 1);
    const end = close === -1 ? message.length : close;
    out += message.slice(i, open + 1) + truncateText(message.slice(open + 1, end), MAX_QUOTED);
    if (close === -1) break;
    out += '"';
    i = close + 1;
  }
  return out.length <= MAX_MESSAGE ? out : `${out.slice(0, MAX_MESSAGE)}…`;
}

/** Quotes a token for messages, cut to 40 characters. */
export function quoteToken(text: string, start: number, end: number): string {
  const s = end - start > 40 ? text.slice(start, start + 40) + '…' : text.slice(start, end);
  return JSON.stringify(s);
}
