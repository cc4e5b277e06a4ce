/**
 * @module server/replies
 * Every error the server answers is JSON `{ "error": message }`, whatever
 * raised it: a route, fastify itself (bad URL, body too large), the router's
 * not-found path, or Node's HTTP parser (header overflow, request timeout).
 * Stack traces never leave the process; 5xx are reported to the logger.
 */
import { STATUS_CODES } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ConnectionError, FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { EchoPerfError, describeError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { truncateText } from '../core/preview.js';
import { boundErrorBody } from './errorBody.js';
import type { RouteTable } from './routeTable.js';

/** An error carrying the HTTP status to answer with; its message is sent to the client. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HttpError';
  }
}

/** The request target's path, without the query string. */
export function pathOf(url: string | undefined): string {
  const u = url ?? '/';
  const q = u.indexOf('?');
  return q === -1 ? u : u.slice(0, q);
}

function statusOf(e: unknown): number | undefined {
  if (typeof e !== 'object' || e === null || !('statusCode' in e)) return undefined;
  const s = e.statusCode;
  return typeof s === 'number' && Number.isInteger(s) && s >= 400 && s <= 599 ? s : undefined;
}

/**
 * fastify's error handler: `HttpError` and fastify's own 4xx keep their status
 * and message; `EchoPerfError` (bad API input) is 400 with its code and
 * details (DESIGN.md: "the HTTP API answers 400 with the same detail");
 * anything else is a 500 whose detail goes to the log, not to the client.
 */
export function errorHandler(logger: Logger | undefined) {
  return (err: unknown, req: FastifyRequest, reply: FastifyReply): void => {
    let status = statusOf(err);
    let body: Record<string, unknown>;
    if (err instanceof EchoPerfError && status === undefined) {
      status = 400;
      body = { error: err.message, code: err.code, ...(err.details.length > 0 ? { details: err.details } : {}) };
    } else if (status !== undefined && (status < 500 || err instanceof HttpError)) {
      body = { error: err instanceof Error ? err.message : (STATUS_CODES[status] ?? 'error') };
    } else {
      status = status ?? 500;
      body = { error: 'internal server error' };
    }
    if (status >= 500) {
      const stack = err instanceof Error && err.stack !== undefined ? `\n${err.stack}` : '';
      logger?.error(`${truncateText(req.method)} ${truncateText(pathOf(req.url))}: ${status}: ${describeError(err)}${stack}`);
    }
    void reply.code(status).header('cache-control', 'no-store').send(body);
  };
}

/**
 * fastify's not-found handler: 405 with `Allow` when another method of the
 * same path exists, 404 otherwise.
 */
export function notFoundHandler(routes: RouteTable) {
  return (req: FastifyRequest, reply: FastifyReply): void => {
    const path = pathOf(req.url);
    const allowed = routes.allowedMethods(path);
    if (allowed.length > 0) {
      void reply.code(405).header('allow', allowed.join(', ')).send({ error: 'method not allowed', method: req.method, path });
      return;
    }
    void reply.code(404).send({ error: 'not found', path });
  };
}

/** fastify's `frameworkErrors`: router failures (malformed URL, parameter too long) in our JSON shape. */
export function frameworkErrorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  const status = statusOf(err) ?? 400;
  // fastify's message repeats the whole path: say what is wrong and show the path bounded.
  // These replies skip the hooks (the router failed before any), so they are bounded here.
  const body =
    err.code === 'FST_ERR_BAD_URL'
      ? { error: 'malformed URL: invalid percent-encoding in the path', path: pathOf(req.raw.url) }
      : { error: err.message };
  void reply.code(status).send(boundErrorBody(body));
}

/** A complete `Connection: close` response with a JSON body, for answers written on the raw socket. */
export function rawJsonResponse(status: number, body: Record<string, unknown>, extraHeaders = ''): string {
  const json = JSON.stringify(body);
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/json\r\n${extraHeaders}` +
    `Content-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`
  );
}

/**
 * Node's `checkExpectation`: an `Expect` other than `100-continue` (RFC 9110
 * section 10.1.1: a server MAY answer 417). Node's own answer has no body.
 */
export function checkExpectationHandler(req: IncomingMessage, res: ServerResponse): void {
  const body = JSON.stringify({ error: 'expectation failed: only "Expect: 100-continue" is supported', got: truncateText(String(req.headers.expect)) });
  res.writeHead(417, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), connection: 'close' });
  res.end(body);
}

/** Node's `connect` (a CONNECT request): this is not a proxy. Without a listener Node drops the socket unanswered. */
export function connectHandler(_req: IncomingMessage, socket: Duplex): void {
  socket.end(rawJsonResponse(405, { error: 'method not allowed', method: 'CONNECT' }, 'Allow: GET, HEAD, POST\r\n'));
}

const CLIENT_ERRORS: Record<string, readonly [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'request header fields too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'request timeout'],
};

/**
 * Node's `clientError` (the request could not be parsed or arrived too
 * slowly): answer once, if nothing was written on the socket yet, and close it.
 */
export function clientErrorHandler(err: ConnectionError, socket: Socket): void {
  // A reset socket is gone; there is nobody to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, error] = CLIENT_ERRORS[err.code] ?? [400, 'bad request'];
  if (socket.writable && socket.bytesWritten === 0) socket.write(rawJsonResponse(status, { error }));
  socket.destroy();
}
