/**
 * @module server/routeTable
 * Remembers which methods each route path answers, so that a request for a
 * known path with another method gets 405 and an `Allow` header (RFC 9110
 * section 15.5.6) instead of fastify's 404.
 */

interface Entry {
  readonly match: (path: string) => boolean;
  readonly methods: Set<string>;
}

export class RouteTable {
  private readonly _entries = new Map<string, Entry>();

  /** Records a route as fastify's `onRoute` hook reports it. */
  add(method: string | readonly string[], url: string): void {
    let entry = this._entries.get(url);
    if (entry === undefined) {
      entry = { match: compilePattern(url), methods: new Set() };
      this._entries.set(url, entry);
    }
    for (const m of typeof method === 'string' ? [method] : method) entry.methods.add(m.toUpperCase());
    // fastify answers HEAD for every GET route (exposeHeadRoutes).
    if (entry.methods.has('GET')) entry.methods.add('HEAD');
  }

  /** Every route path with the methods it answers, in registration order. */
  list(): { url: string; methods: string[] }[] {
    return [...this._entries].map(([url, e]) => ({ url, methods: [...e.methods].sort() }));
  }

  /** The methods some route answers for `path` (no query string), sorted; empty when no route matches. */
  allowedMethods(path: string): string[] {
    const out = new Set<string>();
    for (const e of this._entries.values()) {
      if (e.match(path)) for (const m of e.methods) out.add(m);
    }
    return [...out].sort();
  }
}

/**
 * Turns a fastify route path into a matcher: `:name` matches one path segment,
 * `*` the rest of the path. Patterns with regex parameters (`:id(^\\d+)`) are
 * compared literally, which errs towards 404 over 405.
 */
function compilePattern(url: string): (path: string) => boolean {
  if (url.includes('(')) return (path) => path === url;
  let src = '';
  for (const seg of url.split(/(:[A-Za-z0-9_]+|\*)/)) {
    if (seg === '*') src += '.*';
    else if (seg.startsWith(':')) src += '[^/]+';
    else src += seg.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  const re = new RegExp(`^${src}$`);
  return (path) => re.test(path);
}
