/**
 * @module server/openapi
 * The HTTP API described as an OpenAPI 3.1 document (spec.openapis.org/oas/v3.1.0),
 * served at `GET /api/v1/openapi.json`. Every route the agent registers is here;
 * a test compares the two. Schemas use JSON Schema 2020-12, as 3.1 does.
 */

import { DASHBOARD_OPENAPI_PATHS } from './static.js';

type Json = Record<string, unknown>;

const str = { type: 'string' };
const num = { type: 'number' };
const labels = { type: 'object', additionalProperties: str, description: 'Label name to value.' };
const error = { description: 'Bad input: the message names the field or parameter, the value (truncated) and what was expected.', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
const json = (schema: Json, description = 'OK'): Json => ({ description, content: { 'application/json': { schema } } });
const query = (name: string, description: string, extra: Json = {}): Json => ({ name, in: 'query', schema: str, description, ...extra });
const bearer = [{ bearer: [] }];
const tokenNote = 'Needs the bearer token when the agent has one (always when bound beyond loopback).';

const alertSchema: Json = {
  type: 'object',
  description: "An alert as Alertmanager's API v2 `GettableAlert` has it.",
  properties: {
    labels,
    annotations: { type: 'object', properties: { summary: str } },
    startsAt: { type: 'string', format: 'date-time' },
    endsAt: { type: ['string', 'null'], format: 'date-time' },
    fingerprint: str,
    status: {
      type: 'object',
      properties: { state: { enum: ['active', 'suppressed'] }, silencedBy: { type: 'array', items: str }, inhibitedBy: { type: 'array', items: str } },
    },
  },
  required: ['labels', 'annotations', 'startsAt', 'endsAt', 'fingerprint', 'status'],
};

const paths: Record<string, Json> = {
  ...(DASHBOARD_OPENAPI_PATHS as Record<string, Json>),
  '/metrics': {
    get: {
      summary: 'Every series in the Prometheus text format 0.0.4, or OpenMetrics 1.0 when the Accept header asks for it; gzip on request.',
      responses: { '200': { description: 'The exposition.', content: { 'text/plain; version=0.0.4': { schema: str }, 'application/openmetrics-text; version=1.0.0': { schema: str } } } },
    },
  },
  '/healthz': {
    get: {
      summary: 'Liveness: 200 while the collection loop ticks, 503 otherwise.',
      responses: { '200': json({ type: 'object', properties: { status: { const: 'ok' } } }), '503': json({ type: 'object', properties: { status: { const: 'unavailable' } } }, 'Not live') },
    },
  },
  '/readyz': {
    get: {
      summary: 'Readiness: 200 once monitoring runs and a tick completed, 503 with the reason otherwise.',
      responses: {
        '200': json({ type: 'object', properties: { status: { const: 'ready' }, ticks: num, lastTickAt: num } }),
        '503': json({ type: 'object', properties: { status: { const: 'unavailable' }, reason: str } }, 'Not ready'),
      },
    },
  },
  '/api/v1/status': {
    get: {
      summary: 'The performance summary, plus `system` (running, startedAt, uptimeSeconds, monitorInterval, server) and `components` (state and collector per component).',
      responses: { '200': json({ type: 'object', properties: { timestamp: num, monitoringActive: { type: 'boolean' }, system: { type: 'object' }, components: { type: 'object' } } }) },
    },
  },
  '/api/v1/metrics/current': {
    get: {
      summary: 'The latest snapshot and every current series (internal names), at most 10,000.',
      responses: {
        '200': json({
          type: 'object',
          properties: {
            timestamp: { ...num, description: 'ms since the epoch' },
            snapshot: { type: ['object', 'null'], description: 'PerformanceMetrics; null before the first tick.' },
            series: { type: 'array', items: { type: 'object', properties: { metric: str, labels, value: { type: ['number', 'null'] }, unit: str }, required: ['metric', 'labels', 'value'] } },
            truncated: { type: 'boolean' },
          },
          required: ['timestamp', 'snapshot', 'series'],
        }),
        '400': error,
      },
    },
  },
  '/api/v1/query': {
    get: {
      summary: "One metric's history. Times as Prometheus's HTTP API takes them (RFC 3339 or unix seconds) or `now` / `-1h`; at most 11,000 points per series.",
      parameters: [
        query('metric', 'A name as /metrics shows it or as the library names it.', { required: true }),
        query('label', 'name=value; repeatable; exact match.', { schema: { type: 'array', items: str }, style: 'form', explode: true }),
        query('start', 'Default: end minus one hour.'),
        query('end', 'Default: now.'),
        query('step', 'Seconds or a duration (15s, 1m); > 0. Default: the points as stored.'),
      ],
      responses: {
        '200': json({
          type: 'object',
          properties: {
            metric: str,
            tier: { enum: ['memory', 'raw', 'minute', 'hour'] },
            series: { type: 'array', items: { type: 'object', properties: { labels, points: { type: 'array', items: { type: 'array', prefixItems: [num, num], minItems: 2, maxItems: 2 } } } } },
            truncated: { type: 'boolean' },
          },
          required: ['metric', 'tier', 'series'],
        }),
        '400': error,
      },
    },
  },
  '/api/v1/series': {
    get: {
      summary: 'The current series with their type, unit and help, at most 10,000.',
      parameters: [query('match', 'Only metric names containing this text.')],
      responses: {
        '200': json({
          type: 'object',
          properties: {
            series: { type: 'array', items: { type: 'object', properties: { metric: str, labels, type: str, unit: { type: ['string', 'null'] }, help: str } } },
            truncated: { type: 'boolean' },
          },
          required: ['series', 'truncated'],
        }),
        '400': error,
      },
    },
  },
  '/api/v1/stream': {
    get: {
      summary:
        'Server-sent events: `event: tick` once per tick with `{t, snapshot, series: [{metric, labels, value}]}` (at most 5,000 series), ' +
        '`event: alert` with an alert as GET /api/v1/alerts lists them, and a `: ping` comment every 15 s. At most 32 streams; a client leaving more than 1 MiB unread is dropped.',
      parameters: [query('metrics', 'Comma-separated internal metric names; only their series are sent.')],
      responses: { '200': { description: 'The event stream.', content: { 'text/event-stream': { schema: str } } }, '400': error, '503': error },
    },
  },
  '/api/v1/openapi.json': {
    get: { summary: 'This document.', responses: { '200': json({ type: 'object' }) } },
  },
  '/api/v1/push/{component}': {
    post: {
      summary: 'A component in another process pushes its metrics: JSON {"metric": value, ...} or the Prometheus text format. ' + tokenNote,
      security: bearer,
      parameters: [{ name: 'component', in: 'path', required: true, schema: str }],
      requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', additionalProperties: num } }, 'text/plain': { schema: str } } },
      responses: {
        '200': json({ type: 'object', properties: { status: { const: 'ok' }, component: str, accepted: num, out_of_order: num } }),
        '400': error,
        '401': error,
        '413': error,
        '429': error,
      },
    },
  },
  '/api/v1/silences': {
    get: {
      summary: "Silences, as Alertmanager's API v2 lists them.",
      parameters: [query('state', 'pending, active or expired.', { schema: { enum: ['pending', 'active', 'expired'] } })],
      responses: { '200': json({ type: 'array', items: { type: 'object' } }), '400': error },
    },
    post: {
      summary: 'Adds a silence: {matchers, startsAt?, endsAt or duration, createdBy, comment}. ' + tokenNote,
      security: bearer,
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: { type: 'object', properties: { matchers: {}, startsAt: str, endsAt: str, duration: num, createdBy: str, comment: str }, additionalProperties: false },
          },
        },
      },
      responses: { '200': json({ type: 'object', properties: { silenceID: str, silence: { type: 'object' } } }), '400': error, '401': error },
    },
  },
  '/api/v1/silences/{id}': {
    delete: {
      summary: 'Expires a silence. ' + tokenNote,
      security: bearer,
      parameters: [{ name: 'id', in: 'path', required: true, schema: str }],
      responses: { '200': json({ type: 'object' }), '401': error, '404': error },
    },
  },
  '/api/v1/alerts': {
    get: {
      summary: "The firing alerts, as Alertmanager's API v2 lists them.",
      parameters: [
        query('state', 'active or suppressed.', { schema: { enum: ['active', 'suppressed'] } }),
        query('severity', 'info, warning or critical.', { schema: { enum: ['info', 'warning', 'critical'] } }),
      ],
      responses: { '200': json({ type: 'array', items: { $ref: '#/components/schemas/Alert' } }), '400': error },
    },
  },
};

/** The document; a fresh object each call, so a caller may change its copy. */
export function openApiDocument(): Json {
  return {
    openapi: '3.1.0',
    info: { title: 'echo-perf', version: '1', description: 'Real-time performance monitor for AI inference stacks: metrics, history, alerts, silences, push.' },
    paths: structuredClone(paths),
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Error: { type: 'object', properties: { error: str, code: str, details: { type: 'array' } }, required: ['error'] },
        Alert: structuredClone(alertSchema),
      },
    },
  };
}
