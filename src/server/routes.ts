/**
 * @module server/routes
 * The read endpoints: /metrics (Prometheus scrape), /healthz, /api/v1/status.
 * Each reads the monitor's view once, synchronously, and answers; nothing
 * waits on the client beyond handing the bytes to the socket, so a slow
 * scraper cannot hold up collection.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { describeError } from '../core/errors.js';
import { contentTypeFor, formatExposition, negotiateFormat } from '../core/exposition/index.js';
import { acceptsGzip, gzipAsync } from './encoding.js';
import { HttpError } from './replies.js';
import type { MonitorView } from './view.js';

/** Registers GET (and HEAD) /metrics, /healthz and /api/v1/status on `app`. */
export function registerReadRoutes(app: FastifyInstance, view: MonitorView): void {
  app.get('/metrics', (req, reply) => metrics(view, req, reply));
  app.get('/healthz', (_req, reply) => healthz(view, reply));
  app.get('/api/v1/status', (_req, reply) => {
    void reply.header('cache-control', 'no-store');
    return reply.send(view.status());
  });
}

async function metrics(view: MonitorView, req: FastifyRequest, reply: FastifyReply): Promise<string | Buffer> {
  const accept = req.headers.accept;
  const format = negotiateFormat(accept);
  let body: string;
  try {
    body = formatExposition(view.metricFamilies(), format);
  } catch (e) {
    // Bad data in the monitor is the server's fault, not the scraper's.
    throw new HttpError(500, `could not render /metrics: ${describeError(e)}`, { cause: e });
  }
  void reply
    .header('content-type', contentTypeFor(format))
    .header('cache-control', 'no-store')
    .header('vary', 'Accept, Accept-Encoding');
  if (!acceptsGzip(req.headers['accept-encoding'])) return body;
  void reply.header('content-encoding', 'gzip');
  return gzipAsync(body);
}

function healthz(view: MonitorView, reply: FastifyReply): FastifyReply {
  void reply.header('cache-control', 'no-store');
  let health: ReturnType<MonitorView['health']>;
  try {
    health = view.health();
  } catch (e) {
    return reply.code(503).send({ status: 'unavailable', error: describeError(e) });
  }
  const status = health.ok ? 'ok' : 'unavailable';
  // `status` first and last: it leads the JSON, and a `status` key in detail cannot override it.
  return reply.code(health.ok ? 200 : 503).send(Object.assign({ status }, health.detail, { status }));
}
