/** @module cli/errorText  One line that says why an operation failed, causes included. */

const MAX_DEPTH = 4;
const MAX_LENGTH = 300;

function messageOf(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return e.message !== '' ? e.message : typeof code === 'string' ? code : e.name;
  }
  return String(e);
}

/**
 * The message and its causes, outermost first: fetch rejects with "fetch failed"
 * and keeps the reason (`connect ECONNREFUSED 127.0.0.1:1`, a DNS or TLS error)
 * in `cause`, an AggregateError when several addresses were tried.
 * @example describeError(new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:1') }))
 * // 'fetch failed: connect ECONNREFUSED 127.0.0.1:1'
 */
export function describeError(e: unknown): string {
  const parts: string[] = [];
  let cur: unknown = e;
  for (let depth = 0; depth < MAX_DEPTH && cur !== undefined && cur !== null; depth++) {
    if (cur instanceof AggregateError && cur.errors.length > 0) {
      parts.push([...new Set(cur.errors.slice(0, 4).map(messageOf))].join('; '));
      break;
    }
    const m = messageOf(cur);
    if (!parts.includes(m)) parts.push(m);
    cur = cur instanceof Error ? cur.cause : undefined;
  }
  const text = parts.join(': ');
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH)}...` : text;
}
