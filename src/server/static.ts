/**
 * @module server/static
 * The dashboard's files: `/` (index.html), `/assets/app.js` and
 * `/assets/app.css`, as `npm run build` bundles them into dist/web. Only this
 * fixed list is served, read into memory once, so no request path ever reaches
 * the file system (no traversal to guard against). Every reply carries a strict
 * Content-Security-Policy: the page runs its own bundled script and nothing
 * else, no inline script or style, no third-party host.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from './replies.js';

/** The policy every dashboard reply carries; `connect-src 'self'` covers the API and the event stream. */
export const DASHBOARD_CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

/** URL path → file under dist/web and its content type. Nothing outside this table is served. */
const FILES: ReadonlyArray<readonly [url: string, file: string, type: string]> = [
  ['/', 'index.html', 'text/html; charset=utf-8'],
  ['/assets/app.js', 'assets/app.js', 'text/javascript; charset=utf-8'],
  ['/assets/app.css', 'assets/app.css', 'text/css; charset=utf-8'],
];

/** The dashboard's files as OpenAPI 3.1 path items, for the API's document (server/openapi.ts). */
export const DASHBOARD_OPENAPI_PATHS: Readonly<Record<string, unknown>> = Object.fromEntries(
  FILES.map(([url, , type]) => [
    url,
    {
      get: {
        summary: url === '/' ? 'The dashboard page (docs/dashboard.md).' : `The dashboard's ${type.startsWith('text/css') ? 'stylesheet' : 'script'}.`,
        responses: {
          '200': { description: 'The file', content: { [type.split(';')[0]!]: { schema: { type: 'string' } } } },
          '304': { description: 'Unchanged (If-None-Match)' },
          '404': { description: 'The dashboard is not built (npm run build)' },
        },
      },
    },
  ]),
);

interface Loaded {
  body: Buffer;
  type: string;
  etag: string;
}

/**
 * Where the built files are: next to the compiled server (dist/server → dist/web),
 * or dist/web under the package root when the sources run directly (src/server).
 */
export function defaultWebDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, '..', 'web'), join(here, '..', '..', 'dist', 'web')];
  return candidates.find((d) => existsSync(join(d, 'index.html'))) ?? candidates[0]!;
}

/**
 * Registers GET (and HEAD) for each dashboard file. Files are read on first
 * request and kept; when the dashboard was not built, the page answers 404
 * saying how to build it.
 */
export function addDashboardRoutes(app: FastifyInstance, dir: string = defaultWebDir()): void {
  const cache = new Map<string, Loaded>();
  const load = (file: string, type: string): Loaded => {
    let hit = cache.get(file);
    if (hit === undefined) {
      let body: Buffer;
      try {
        body = readFileSync(join(dir, file));
      } catch {
        throw new HttpError(404, `dashboard file ${file} not found in ${dir}; run \`npm run build\` to build the dashboard`);
      }
      hit = { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
      cache.set(file, hit);
    }
    return hit;
  };
  for (const [url, file, type] of FILES) {
    app.get(url, (req: FastifyRequest, reply: FastifyReply) => {
      const f = load(file, type);
      void reply
        .header('content-security-policy', DASHBOARD_CSP)
        .header('x-content-type-options', 'nosniff')
        .header('referrer-policy', 'no-referrer')
        .header('etag', f.etag)
        // The page is revalidated each load (its asset URLs do not change between builds); assets too, cheaply by ETag.
        .header('cache-control', 'no-cache');
      if (etagMatches(req.headers['if-none-match'], f.etag)) return reply.code(304).send();
      return reply.header('content-type', f.type).send(f.body);
    });
  }
}

/** RFC 9110 section 13.1.2: `If-None-Match` is `*` or a list of (weak or strong) entity tags, compared weakly. */
function etagMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  // Bounded: the header is bounded by the server's header size limit.
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}
