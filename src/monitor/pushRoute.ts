/**
 * @module monitor/pushRoute
 * `POST /api/v1/push/{component}`: components in other processes (mostly
 * Python) push JSON `{"metric": value, ...}` or Prometheus text. 400 names every
 * bad field (malformed JSON too); 413 over `push_max_body_bytes`; a bearer token
 * is required when the server has one (always when bound beyond loopback).
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
        const component = req.params.component;
        if (!/^[a-zA-Z0-9_.-]{1,64}$/.test(component)) {
          return reply.code(400).send({ error: 'invalid component', errors: [{ field: 'component', value: component, expected: 'a name of 1-64 letters, digits, _ . -' }] });
        }
        const body = typeof req.body === 'string' ? req.body : '';
        const r = monitor.acceptPush(component, body, req.headers['content-type'] ?? 'application/json');
        if (!r.ok) return reply.code(400).send({ error: 'invalid payload', component: r.component, errors: r.errors });
        return reply.code(200).send({ status: 'ok', component: r.component, accepted: r.samples.length });
      },
    );
    done();
  });
}
