/**
 * @module monitor/pushRoute
 * `POST /api/v1/push/{component}`: components in other processes (mostly
 * Python) push JSON `{"metric": value, ...}` or Prometheus text. 400 names every
 * bad field (malformed JSON too) with a bounded preview of its value; 429 when a
 * new component would pass `max_push_components`; 413 over
 * `push_max_body_bytes`; a bearer token is required when the server has one
 * (always when bound beyond loopback).
 */
import type { EchoPerfServer } from '../server/index.js';
import type { UnifiedPerformanceMonitor } from './unifiedMonitor.js';

export function addPushRoute(server: EchoPerfServer, monitor: UnifiedPerformanceMonitor): void {
  const bodyLimit = monitor.config.push_max_body_bytes;
  void server.app.register((scope, _opts, done) => {
    // Bodies are read as text here so malformed JSON gets our field-level 400, not a generic parser error.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit }, (_req, body, next) => next(null, body));
    scope.post<{ Params: { component: string } }>(
      '/api/v1/push/:component',
      { preHandler: server.requireToken, bodyLimit },
      async (req, reply) => {
        const body = typeof req.body === 'string' ? req.body : '';
        const r = monitor.acceptPush(req.params.component, body, req.headers['content-type'] ?? 'application/json');
        if (r.ok) {
          return reply.code(200).send({ status: 'ok', component: r.component, accepted: r.samples.length - r.outOfOrder, ...(r.outOfOrder > 0 ? { out_of_order: r.outOfOrder } : {}) });
        }
        const error = r.status === 429 ? 'too many pushed components' : r.errors[0]?.field === 'component' ? 'invalid component' : 'invalid payload';
        return reply.code(r.status).send({
          error,
          component: r.component,
          errors: r.errors,
          ...(r.omittedErrors !== undefined ? { errors_omitted: r.omittedErrors } : {}),
          ...(r.count !== undefined ? { count: r.count, limit: r.limit } : {}),
        });
      },
    );
    done();
  });
}
