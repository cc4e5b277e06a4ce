/**
 * @module server/errorBody
 * What every error reply goes through before it is serialised. Error replies (4xx/5xx) often echo what
 * the client sent (a bad value, the path); they are bounded here, whoever built
 * them, so a 200 KB value is never sent back whole and a 10,000-deep one cannot
 * make serialisation overflow the stack and turn a 400 into a 500.
 */
import { jsonPreview, PREVIEW_CHARS, previewValue, truncateText } from '../core/preview.js';

/** Keys whose values repeat the client's input: shown as a preview of PREVIEW_CHARS. */
const ECHO_KEYS: ReadonlySet<string> = new Set(['value', 'path', 'method', 'component', 'got', 'url']);
/** Any other string of an error reply (messages, expectations). */
const TEXT_CHARS = 300;
/** Items of an array, keys of an object, before the rest is summarised. */
const MAX_ITEMS = 100;
/** Nesting kept as JSON; deeper parts become a bounded JSON text preview. */
const MAX_DEPTH = 6;

/**
 * A copy of an error body with every echoed value, string, array and object bounded.
 * @example boundErrorBody({ error: 'x', value: 'v'.repeat(1e5) }) // value cut to 100 characters + …
 */
export function boundErrorBody(body: unknown): unknown {
  return bound(body, undefined, 0);
}

function bound(v: unknown, key: string | undefined, depth: number): unknown {
  if (key !== undefined && ECHO_KEYS.has(key)) return previewValue(v, PREVIEW_CHARS);
  if (typeof v === 'string') return truncateText(v, TEXT_CHARS);
  if (typeof v === 'bigint') return previewValue(v);
  if (v === null || typeof v !== 'object') return v;
  if (depth >= MAX_DEPTH) return jsonPreview(v, PREVIEW_CHARS);
  if (Array.isArray(v)) {
    const out = v.slice(0, MAX_ITEMS).map((x) => bound(x, undefined, depth + 1));
    if (v.length > MAX_ITEMS) out.push(`… ${v.length - MAX_ITEMS} more`);
    return out;
  }
  // Null prototype: a key named __proto__ in the echoed input stays a plain key.
  const out = Object.create(null) as Record<string, unknown>;
  let n = 0;
  for (const k in v) {
    if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
    if (n++ === MAX_ITEMS) {
      out['…'] = 'more keys not shown';
      break;
    }
    out[truncateText(k, PREVIEW_CHARS)] = bound((v as Record<string, unknown>)[k], k, depth + 1);
  }
  return out;
}
