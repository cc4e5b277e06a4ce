/**
 * @module core/exposition/numbers
 * Number parsing for the exposition scanners, with Go's `strconv.ParseFloat`
 * grammar, which is what Prometheus applies to values (model/textparse/promparse.go
 * `parseFloat`: no hex, no `_`, no `p`; `Inf`, `+inf`, `infinity` and `NaN` in any
 * case), and the two timestamp forms (integer ms in text 0.0.4, float seconds in
 * OpenMetrics).
 */

/** Exact powers of ten: `m * 10^e` and `m / 10^e` round correctly for m < 2^53 and e <= 22 (Clinger's fast path). */
const POW10 = [
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
  1e21, 1e22,
];

/** Case-insensitive match of `text[i, end)` against a lowercase ASCII word. */
function wordIs(text: string, i: number, end: number, word: string): boolean {
  if (end - i !== word.length) return false;
  for (let k = 0; k < word.length; k++) {
    if ((text.charCodeAt(i + k) | 0x20) !== word.charCodeAt(k)) return false;
  }
  return true;
}

/**
 * Parses `text[start, end)` as Go's `strconv.ParseFloat(s, 64)` does, minus hex
 * and `_`, which Prometheus rejects. Returns `undefined` when the token is not a
 * float, or overflows (Go's ErrRange, which Prometheus rejects as well).
 */
export function parseFloatToken(text: string, start: number, end: number): number | undefined {
  let i = start;
  if (i >= end) return undefined;
  let c = text.charCodeAt(i);
  let neg = false;
  let signed = false;
  if (c === 43 || c === 45) {
    neg = c === 45;
    signed = true;
    if (++i >= end) return undefined;
    c = text.charCodeAt(i);
  }
  if ((c < 48 || c > 57) && c !== 46) {
    if (wordIs(text, i, end, 'inf') || wordIs(text, i, end, 'infinity')) return neg ? -Infinity : Infinity;
    if (!signed && wordIs(text, i, end, 'nan')) return NaN;
    return undefined;
  }
  let m = 0;
  let nd = 0; // significant digits in m
  let scale = 0; // decimal exponent of m
  let digits = false;
  let slow = false;
  while (i < end) {
    c = text.charCodeAt(i);
    if (c < 48 || c > 57) break;
    digits = true;
    if (nd > 0 || c !== 48) {
      if (nd < 15) {
        m = m * 10 + (c - 48);
        nd++;
      } else slow = true;
    }
    i++;
  }
  if (c === 46 && i < end) {
    i++;
    while (i < end) {
      c = text.charCodeAt(i);
      if (c < 48 || c > 57) break;
      digits = true;
      if (nd > 0 || c !== 48) {
        if (nd < 15) {
          m = m * 10 + (c - 48);
          nd++;
          scale--;
        } else slow = true;
      } else scale--;
      i++;
    }
  }
  if (!digits) return undefined;
  if (i < end && (c === 101 || c === 69)) {
    if (++i >= end) return undefined;
    c = text.charCodeAt(i);
    let eneg = false;
    if (c === 43 || c === 45) {
      eneg = c === 45;
      if (++i >= end) return undefined;
    }
    let e = 0;
    const eStart = i;
    while (i < end) {
      c = text.charCodeAt(i);
      if (c < 48 || c > 57) break;
      if (e < 100000) e = e * 10 + (c - 48);
      i++;
    }
    if (i === eStart) return undefined;
    scale += eneg ? -e : e;
  }
  if (i !== end) return undefined;
  if (!slow) {
    if (m === 0) return neg ? -0 : 0;
    if (scale >= -22 && scale <= 22) {
      const v = scale < 0 ? m / POW10[-scale]! : m * POW10[scale]!;
      return neg ? -v : v;
    }
  }
  // The grammar is checked above, so Number() sees only what Go accepts.
  const v = Number(text.slice(start, end));
  return Number.isFinite(v) ? v : undefined;
}

/**
 * Parses an OpenMetrics timestamp (float seconds) to integer milliseconds,
 * truncating toward zero as Prometheus does (`int64(ts * 1000)`,
 * model/textparse/openmetricsparse.go). Plain decimals are converted digit by
 * digit, so `1.001` gives exactly 1001 ms. Returns `undefined` when invalid,
 * NaN or infinite.
 */
export function parseSecondsToMs(text: string, start: number, end: number): number | undefined {
  let i = start;
  let neg = false;
  if (i < end) {
    const c0 = text.charCodeAt(i);
    if (c0 === 45 || c0 === 43) {
      neg = c0 === 45;
      i++;
    }
  }
  let whole = 0;
  let nd = 0;
  let c = 0;
  while (i < end) {
    c = text.charCodeAt(i);
    if (c < 48 || c > 57) break;
    whole = whole * 10 + (c - 48);
    nd++;
    i++;
  }
  let frac = 0;
  let fd = 0;
  const exact = nd > 0 && nd <= 12;
  if (exact && i < end && c === 46) {
    i++;
    while (i < end) {
      c = text.charCodeAt(i);
      if (c < 48 || c > 57) break;
      if (fd < 3) frac = frac * 10 + (c - 48);
      fd++;
      i++;
    }
  }
  if (exact && i === end) {
    while (fd < 3) {
      frac *= 10;
      fd++;
    }
    const ms = whole * 1000 + frac;
    return neg && ms !== 0 ? -ms : ms;
  }
  const s = parseFloatToken(text, start, end);
  if (s === undefined || !Number.isFinite(s)) return undefined;
  const ms = Math.trunc(s * 1000);
  return ms === 0 ? 0 : ms;
}

/**
 * Parses a text 0.0.4 timestamp: decimal digits only (`<sTimestamp>{D}+` in
 * model/textparse/promlex.l), in int64 range. Returns `undefined` when invalid.
 */
export function parseMsTimestamp(text: string, start: number, end: number): number | undefined {
  const len = end - start;
  if (len === 0 || len > 19) return undefined;
  let v = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
    v = v * 10 + (c - 48);
  }
  if (len === 19 && text.slice(start, end) > '9223372036854775807') return undefined;
  return v;
}
