/**
 * @module server/server
 * The HTTP server: fastify over Node's http server, with every limit set
 * (header size, URL length, connections in all and per client, header and
 * request timeouts, body size), error replies bounded, and the secure
 * default that a non-loopback bind needs a token. Later stages add routes to
 * `app` (e.g. `POST /api/v1/push/:component` with `preHandler: server.requireToken`).
 */
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { fastify } from 'fastify';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { EchoPerfError } from '../core/errors.js';
import { allowAll, bearerAuth, isAuthHandler, isLoopbackHost } from './auth.js';
import type { PreHandler } from './auth.js';
import { resolveServerOptions } from './options.js';
import type { ServerOptions } from './options.js';
import { limitConnectionsPerClient } from './connectionLimits.js';
import { boundErrorBody } from './errorBody.js';
import {
  HttpError,
  checkExpectationHandler,
  clientErrorHandler,
  connectHandler,
  errorHandler,
  frameworkErrorHandler,
  notFoundHandler,
} from './replies.js';
import { RouteTable } from './routeTable.js';
import { registerReadRoutes } from './routes.js';
import type { MonitorView } from './view.js';

/** Where the server listens once `listen()` resolves. */
export interface ServerAddress {
  readonly host: string;
  readonly port: number;
  /** `http://host:port`, IPv6 hosts in brackets. */
  readonly url: string;
}

export interface EchoPerfServer {
  /** The fastify instance, for later stages to add routes and hooks before `listen()`. */
  readonly app: FastifyInstance;
  /**
   * `preHandler` for write routes: `bearerAuth(options.token)` when a token is
   * set; lets everything through otherwise (only possible on loopback). The
   * server already runs it in `onRequest` for every non-GET/HEAD request to a
   * registered route; naming it on a route states the intent.
   */
  readonly requireToken: PreHandler;
  /** Every registered route path and its methods (HEAD included for GET routes). */
  routes(): { url: string; methods: string[] }[];
  /** Binds and starts answering. Port 0 gives an ephemeral port. Calling it again returns the same result. */
  listen(): Promise<ServerAddress>;
  /** Stops accepting and closes every connection, keep-alive ones included. Idempotent. */
  close(): Promise<void>;
}

/**
 * Builds the server; nothing is bound until `listen()`. Throws `EchoPerfError`
 * (`EP_ERR_ARGUMENT`) on an invalid option.
 * @example
 * const server = createServer(view, { port: 0 });
 * const { url } = await server.listen(); // 'http://127.0.0.1:41234'
 * await server.close();
 */
export function createServer(view: MonitorView, options: ServerOptions = {}): EchoPerfServer {
  const o = resolveServerOptions(options);
  const app = fastify({
    logger: false,
    http: {
      maxHeaderSize: o.maxHeaderBytes,
      // A client that trickles its headers is cut off after this (408); the
      // default, 60 s, would let a few slow sockets hold the connection budget.
      headersTimeout: o.headersTimeoutMs,
      requestTimeout: o.requestTimeoutMs,
      // Node checks the two timeouts above only every connectionsCheckingInterval (default 30 s).
      connectionsCheckingInterval: Math.min(1000, Math.max(10, Math.floor(o.headersTimeoutMs / 4))),
      // Node answers a missing Host with a bare 400 of its own; the onRequest hook answers it in JSON.
      requireHostHeader: false,
    },
    requestTimeout: o.requestTimeoutMs,
    // Socket inactivity (e.g. a client that stops reading the response). Twice
    // the request timeout, so a slow request gets its 408 before the socket is dropped.
    connectionTimeout: 2 * o.requestTimeoutMs,
    keepAliveTimeout: o.keepAliveTimeoutMs,
    maxRequestsPerSocket: o.maxRequestsPerSocket,
    bodyLimit: o.bodyLimit,
    // close() ends keep-alive and stalled connections at once instead of waiting out their timeouts.
    forceCloseConnections: true,
    // Path parameters are bounded by the URL length check alone.
    routerOptions: { maxParamLength: o.maxUrlLength },
    clientErrorHandler,
    frameworkErrors: frameworkErrorHandler,
    schemaController: { compilersFactory: lazySchemaCompilers },
  });
  app.server.maxConnections = o.maxConnections;
  limitConnectionsPerClient(app.server, o.maxConnectionsPerIp);
  app.server.on('checkExpectation', checkExpectationHandler);
  app.server.on('connect', connectHandler);
  // A hook, not setReplySerializer: fastify's not-found and router-error replies bypass the serializer.
  app.addHook('preSerialization', (_req, reply, payload, done) => {
    done(null, reply.statusCode >= 400 ? boundErrorBody(payload) : payload);
  });

  const requireToken = o.token === undefined ? allowAll : bearerAuth(o.token);
  const routes = new RouteTable();
  // Routes that check a token of their own (a bearerAuth other than requireToken): the server's
  // token is not asked of them too, so an embedding program can guard its routes its own way.
  const ownAuth = new Set<string>();
  app.addHook('onRoute', (route) => {
    routes.add(route.method, route.url ?? route.path);
    const pre = [route.preHandler].flat();
    if (pre.some((f) => f !== requireToken && isAuthHandler(f))) {
      for (const m of [route.method].flat()) ownAuth.add(`${m} ${route.url ?? route.path}`);
    }
  });
  app.addHook('onRequest', (req, reply, done) => {
    const length = req.raw.url?.length ?? 0;
    if (length > o.maxUrlLength) {
      void reply.send(new HttpError(414, `URL too long: ${length} characters; limit ${o.maxUrlLength}`));
      return;
    }
    // RFC 9112 section 3.2: a server MUST answer 400 to an HTTP/1.1 request without Host,
    // and to any request with more than one (Node keeps the first and drops the rest).
    if (req.raw.httpVersion === '1.1' && req.headers.host === undefined) {
      void reply.send(new HttpError(400, 'missing Host header (required in HTTP/1.1)'));
      return;
    }
    if (hostHeaderCount(req.raw.rawHeaders) > 1) {
      void reply.send(new HttpError(400, 'more than one Host header'));
      return;
    }
    // Every write to a registered route needs the token, checked here, before its body is
    // read or parsed: a route that forgets `requireToken` is still covered, and a client
    // without the token cannot make the server buffer and parse a body up to the limit.
    // Unmatched routes fall through to their 404/405.
    if (req.method !== 'GET' && req.method !== 'HEAD' && req.routeOptions.url !== undefined && !ownAuth.has(`${req.method} ${req.routeOptions.url}`)) {
      requireToken(req, reply, done);
      return;
    }
    done();
  });
  app.setErrorHandler(errorHandler(o.logger));
  app.setNotFoundHandler(notFoundHandler(routes));
  registerReadRoutes(app, view);

  let listening: Promise<ServerAddress> | undefined;
  let closing: Promise<void> | undefined;

  const start = async (): Promise<ServerAddress> => {
    if (!isLoopbackHost(o.host) && o.token === undefined) {
      throw new EchoPerfError(
        'EP_ERR_ARGUMENT',
        `server host ${JSON.stringify(o.host)} is not a loopback address: a token is required to bind it ` +
          '(set the token option; write endpoints such as push check it), or bind 127.0.0.1',
      );
    }
    // fastify binds "localhost" as one server per resolved address; the extra
    // servers would miss maxConnections, so localhost means 127.0.0.1 here.
    const host = o.host.toLowerCase() === 'localhost' ? '127.0.0.1' : o.host.replace(/^\[(.*)\]$/, '$1');
    await app.listen({ host, port: o.port });
    const addr = app.server.address() as AddressInfo;
    const shown = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    return { host: addr.address, port: addr.port, url: `http://${shown}:${addr.port}` };
  };

  return {
    app,
    requireToken,
    routes: () => routes.list(),
    listen: () => (listening ??= start()),
    close: () => (closing ??= app.close().then(() => undefined)),
  };
}

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;
type BuildCompiler = (...args: unknown[]) => unknown;

/**
 * fastify's own JSON-schema compilers, loaded the first time a route declares a schema.
 * Left to itself, fastify builds them when the instance is made: ajv three times over (its
 * validator, ajv-formats and fast-json-stringify each resolve their own copy) and
 * fast-json-stringify, ~290 modules: 8 MiB of RSS for a bare instance, 3 MiB of the agent's
 * (BENCHMARKS.md, "where the RSS goes"). No route of ours declares a schema (bodies are read by our own readers, the
 * config by valibot); an embedding program's routes that do get the same compilers as before, from
 * fastify's own dependencies (fastify/lib/schema-controller.js falls back to exactly these).
 */
const lazySchemaCompilers: CompilersFactory = (() => {
  const fromFastify = createRequire(import.meta.resolve('fastify'));
  let validator: BuildCompiler | undefined;
  let serializer: BuildCompiler | undefined;
  return {
    buildValidator: ((...args: unknown[]) => (validator ??= (fromFastify('@fastify/ajv-compiler') as () => BuildCompiler)())(...args)) as NonNullable<CompilersFactory['buildValidator']>,
    buildSerializer: ((...args: unknown[]) => (serializer ??= (fromFastify('@fastify/fast-json-stringify-compiler') as () => BuildCompiler)())(...args)) as NonNullable<CompilersFactory['buildSerializer']>,
  };
})();

/** Host lines in the request; rawHeaders alternates names and values, at most Node's maxHeadersCount (2000) pairs. */
function hostHeaderCount(raw: readonly string[]): number {
  let n = 0;
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.length === 4 && raw[i]!.toLowerCase() === 'host') n++;
  return n;
}
