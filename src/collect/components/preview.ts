/**
 * @module collect/components/preview
 * Bad input is echoed back in error replies and status fields, but never whole:
 * a 200 KB string or a 10,000-deep array becomes a short preview that is
 * always serialisable (JSON.stringify of a deep value overflows the stack).
 */

/** Characters of a value shown in an error, about one line. */
export const PREVIEW_CHARS = 100;

/** `s` cut to `max` characters, the cut marked with "…". */
export function truncate(s: string, max = PREVIEW_CHARS): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/**
 * A bounded stand-in for `v`: numbers, booleans and null as they are, strings
 * truncated, objects and arrays as a truncated JSON text.
 * @example previewValue('x'.repeat(500)).length === 100
 */
export function previewValue(v: unknown, max = PREVIEW_CHARS): unknown {
  if (v === null || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'string') return truncate(v, max);
  if (typeof v === 'object') return jsonPreview(v, max);
  return scalarText(v);
}

/** Text of a value that is neither an object nor a string (undefined, bigint, symbol, function). */
function scalarText(v: unknown): string {
  if (typeof v === 'bigint' || typeof v === 'symbol' || typeof v === 'number' || typeof v === 'boolean') return v.toString();
  return typeof v === 'function' ? 'function' : 'undefined';
}

/**
 * The first `max` characters of `JSON.stringify(v)`, computed without building
 * the whole text: the walk stops once the budget is spent, so a deep or wide
 * value costs O(max) (every level writes at least one character, so the
 * recursion is at most `max` deep).
 */
export function jsonPreview(v: object, max = PREVIEW_CHARS): string {
  const out: string[] = [];
  let len = 0;
  const put = (s: string): void => {
    out.push(s);
    len += s.length;
  };
  const walk = (x: unknown): void => {
    if (len >= max) return;
    if (Array.isArray(x)) {
      put('[');
      for (let i = 0; i < x.length && len < max; i++) {
        if (i > 0) put(',');
        walk(x[i]);
      }
      put(']');
    } else if (x !== null && typeof x === 'object') {
      put('{');
      let first = true;
      for (const k of Object.keys(x)) {
        if (len >= max) break;
        if (!first) put(',');
        first = false;
        put(`${JSON.stringify(truncate(k, max))}:`);
        walk((x as Record<string, unknown>)[k]);
      }
      put('}');
    } else if (typeof x === 'string') put(JSON.stringify(truncate(x, max)));
    else if (typeof x === 'number') put(Number.isFinite(x) ? String(x) : 'null');
    else put(x === undefined || x === null ? 'null' : scalarText(x));
  };
  walk(v);
  return truncate(out.join(''), max);
}
