/**
 * @module core/preview
 * Bounded echoes of untrusted values, for error messages and replies: a bad
 * value is shown, never repeated whole. Each function does work proportional to
 * its limit, not to the value (a 10,000-deep array or a 200 KB string costs the
 * same as a short one), and never throws.
 */

/** Characters of a value an error message or reply shows. */
export const PREVIEW_CHARS = 100;

/** Nesting shown in a JSON preview before `…`; keeps the walk shallow whatever the input. */
const PREVIEW_DEPTH = 8;

/**
 * `s` cut to `max` characters plus `…` when longer; a surrogate pair is never split.
 * @example truncateText('a'.repeat(150)) // 'aaaa…' (100 a's, then …)
 */
export function truncateText(s: string, max = PREVIEW_CHARS): string {
  if (s.length <= max) return s;
  let end = max;
  const code = s.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${s.slice(0, end)}…`;
}

/**
 * A bounded stand-in for `v`: strings truncated, objects and arrays as JSON text
 * cut at `max` characters, numbers, booleans, null and undefined as they are.
 * @example previewValue({ a: 'x'.repeat(500) }) // '{"a":"xxx…' (about 100 characters)
 */
export function previewValue(v: unknown, max = PREVIEW_CHARS): unknown {
  switch (typeof v) {
    case 'string':
      return truncateText(v, max);
    case 'number':
    case 'boolean':
    case 'undefined':
      return v;
    case 'bigint':
      return truncateText(`${v}n`, max);
    case 'object':
      return v === null ? null : jsonPreview(v, max);
    default:
      return `<${typeof v}>`;
  }
}

/**
 * JSON text of `v`, stopping once `max` characters are written (then `…`).
 * Unlike JSON.stringify it neither recurses without bound nor serialises what it will not show.
 * @example jsonPreview([[[[1]]]], 6) // '[[[[1]…'
 */
export function jsonPreview(v: unknown, max = PREVIEW_CHARS): string {
  const out = new Preview(max);
  out.value(v, 0);
  return out.text();
}

class Preview {
  private _s = '';
  private _full = false;
  constructor(private readonly _max: number) {}

  text(): string {
    return this._full ? truncateText(this._s, this._max) : this._s;
  }

  value(v: unknown, depth: number): void {
    if (this._full) return;
    if (v === null || typeof v === 'number' || typeof v === 'boolean') return this._put(JSON.stringify(v));
    if (typeof v === 'string') return this._put(JSON.stringify(truncateText(v, this._max)));
    if (typeof v === 'bigint') return this._put(JSON.stringify(previewValue(v, this._max)));
    // As JSON.stringify writes them inside an array; object members holding them are skipped below.
    if (typeof v !== 'object') return this._put('null');
    if (depth >= PREVIEW_DEPTH) return this._put(Array.isArray(v) ? '[…]' : '{…}');
    if (Array.isArray(v)) return this._array(v, depth);
    this._put('{');
    let first = true;
    // for...in stops early; Object.keys would copy every key of a huge object first.
    for (const k in v) {
      if (this._full) return;
      const member: unknown = (v as Record<string, unknown>)[k];
      if (!Object.prototype.hasOwnProperty.call(v, k) || !isJsonMember(member)) continue;
      this._put(`${first ? '' : ','}${JSON.stringify(truncateText(k, this._max))}:`);
      this.value(member, depth + 1);
      first = false;
    }
    this._put('}');
  }

  private _array(v: readonly unknown[], depth: number): void {
    this._put('[');
    for (let i = 0; i < v.length && !this._full; i++) {
      if (i > 0) this._put(',');
      this.value(v[i], depth + 1);
    }
    this._put(']');
  }

  private _put(s: string): void {
    if (this._full) return;
    this._s += s;
    if (this._s.length > this._max) this._full = true;
  }
}

/** Whether JSON.stringify keeps an object member with this value. */
function isJsonMember(v: unknown): boolean {
  return v !== undefined && typeof v !== 'function' && typeof v !== 'symbol';
}
