/**
 * @module server/auth
 * Secure defaults (DESIGN.md): the server binds loopback; binding elsewhere
 * requires a bearer token, which every write endpoint checks. The GET
 * endpoints (/metrics, /healthz, /api/v1/status) stay open.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { EchoPerfError } from '../core/errors.js';

export { isLoopbackHost } from '../core/net.js';

/** A fastify `preHandler` hook in callback style. */
export type PreHandler = (req: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void;

// Hashing both sides first gives equal-length inputs to timingSafeEqual, so
// neither the content nor the length of the token leaks through timing.
const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * Whether an `Authorization` header carries `Bearer <token>` (scheme
 * case-insensitive, RFC 7235), compared in constant time.
 * @example bearerTokenMatches('Bearer s3cret', 's3cret') // true
 */
export function bearerTokenMatches(authorization: string | undefined, token: string): boolean {
  if (authorization === undefined) return false;
  const m = /^bearer +(\S+) *$/i.exec(authorization);
  const given = m?.[1] ?? '';
  const equal = timingSafeEqual(digest(given), digest(token));
  return m !== null && equal;
}

/**
 * A `preHandler` that lets a request through only with `Authorization: Bearer <token>`;
 * otherwise it answers 401 with `WWW-Authenticate: Bearer` (RFC 6750 section 3).
 * @example app.post('/api/v1/push/:component', { preHandler: bearerAuth(token) }, handler)
 */
/** Marks the handlers bearerAuth makes, so the server can tell a route that checks its own token. */
export const AUTH_HANDLER: unique symbol = Symbol('echo-perf bearer auth');

/** Whether `f` is a handler made by bearerAuth. */
export function isAuthHandler(f: unknown): boolean {
  return typeof f === 'function' && (f as unknown as Record<symbol, unknown>)[AUTH_HANDLER] === true;
}

export function bearerAuth(token: string): PreHandler {
  if (typeof token !== 'string' || token === '') {
    const got = typeof token === 'string' ? 'an empty string' : typeof token;
    throw new EchoPerfError('EP_ERR_ARGUMENT', `bearerAuth: got ${got}; expected a non-empty token string`);
  }
  const check: PreHandler = (req, reply, done) => {
    if (bearerTokenMatches(req.headers.authorization, token)) {
      done();
      return;
    }
    const error = req.headers.authorization === undefined ? 'missing bearer token' : 'invalid bearer token';
    const challenge =
      req.headers.authorization === undefined ? 'Bearer realm="echo-perf"' : 'Bearer realm="echo-perf", error="invalid_token"';
    // Answering from a callback-style hook: the reply ends the request, `done` is not called.
    void reply.code(401).header('www-authenticate', challenge).send({ error });
  };
  Object.defineProperty(check, AUTH_HANDLER, { value: true });
  return check;
}

/** A `preHandler` that lets every request through: write routes on a loopback-only server without a token. */
export const allowAll: PreHandler = (_req, _reply, done) => done();
