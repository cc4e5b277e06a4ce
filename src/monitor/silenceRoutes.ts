/**
 * @module monitor/silenceRoutes
 * Silences over HTTP, in the shapes of Alertmanager's API v2
 * (api/v2/openapi.yaml): `GET /api/v1/silences[?state=active]`,
 * `POST /api/v1/silences` (answers `{silenceID}`), `DELETE /api/v1/silences/{id}`,
 * and `GET /api/v1/alerts` with each alert's `status: {state, silencedBy, inhibitedBy}`.
 * Writes need the bearer token when the server has one (always off loopback);
 * bodies are bounded and every bad field gets a 400 naming it.
 */
import type { PerformanceAlert } from '../alert/alert.js';
import { alertLabels } from '../alert/labelSet.js';
import { SILENCE_STATES, type SilenceInput, type SilenceState } from '../alert/silences.js';
import { EchoPerfError } from '../core/errors.js';
import { truncateText } from '../core/preview.js';
import { HttpError, type EchoPerfServer } from '../server/index.js';
import type { UnifiedPerformanceMonitor } from './unifiedMonitor.js';

/** A silence is a few matchers and two texts: 64 KiB is far more than one needs. */
export const SILENCE_BODY_LIMIT = 64 * 1024;
const FIELDS = new Set(['matchers', 'startsAt', 'endsAt', 'duration', 'createdBy', 'comment']);

export function addSilenceRoutes(server: EchoPerfServer, monitor: UnifiedPerformanceMonitor): void {
  const app = server.app;
  app.get<{ Querystring: Record<string, unknown> }>('/api/v1/silences', (req, reply) => {
    const state = req.query['state'];
    if (state !== undefined && !(typeof state === 'string' && (SILENCE_STATES as readonly string[]).includes(state))) {
      throw new HttpError(400, `state: got ${truncateText(JSON.stringify(state) ?? "")}; expected pending, active or expired`);
    }
    void reply.header('cache-control', 'no-store');
    return reply.send(monitor.silences.list(state === undefined ? {} : { state: state as SilenceState }));
  });
  app.post('/api/v1/silences', { preHandler: server.requireToken, bodyLimit: SILENCE_BODY_LIMIT }, (req, reply) => {
    const silence = monitor.silences.add(silenceInput(req.body));
    return reply.code(200).send({ silenceID: silence.id, silence });
  });
  app.delete<{ Params: { id: string } }>('/api/v1/silences/:id', { preHandler: server.requireToken }, (req, reply) => {
    const s = monitor.silences.expire(req.params.id);
    if (s === undefined) throw new HttpError(404, `no silence with id ${JSON.stringify(truncateText(req.params.id))}`);
    return reply.send(s);
  });
  app.get<{ Querystring: Record<string, unknown> }>('/api/v1/alerts', (req, reply) => {
    const filter = alertFilter(req.query);
    void reply.header('cache-control', 'no-store');
    const alerts = monitor.firingAlerts().map((a) => alertmanagerAlert(monitor, a));
    return reply.send(alerts.filter((a) => (filter.state === undefined || a.status.state === filter.state) && (filter.severity === undefined || a.labels['severity'] === filter.severity)));
  });
}

function silenceInput(body: unknown): SilenceInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new EchoPerfError('EP_ERR_ARGUMENT', `body: got ${truncateText(JSON.stringify(body) ?? String(body))}; expected a JSON object {matchers, endsAt or duration, createdBy, comment}`);
  }
  const o = body as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!FIELDS.has(k)) throw new EchoPerfError('EP_ERR_ARGUMENT', `${truncateText(k)}: unknown field; expected only matchers, startsAt, endsAt, duration, createdBy, comment`);
  }
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const k of FIELDS) if (o[k] !== undefined) out[k] = o[k];
  return out as unknown as SilenceInput;
}

/** Alertmanager API v2 `GettableAlert`. */
const ALERT_FILTERS: Readonly<Record<string, readonly string[]>> = { state: ['active', 'suppressed'], severity: ['info', 'warning', 'critical'] };

/** `?state=active|suppressed&severity=info|warning|critical`; anything else is a 400 naming the parameter. */
function alertFilter(q: Record<string, unknown>): { state?: string; severity?: string } {
  const out: { state?: string; severity?: string } = {};
  for (const [k, v] of Object.entries(q)) {
    const allowed = Object.hasOwn(ALERT_FILTERS, k) ? ALERT_FILTERS[k]! : undefined;
    if (allowed === undefined) throw new HttpError(400, `${truncateText(k)}: unknown parameter; expected state or severity`);
    if (typeof v !== 'string' || !allowed.includes(v)) throw new HttpError(400, `${k}: got ${truncateText(JSON.stringify(v) ?? '')}; expected ${allowed.join(', ')}`);
    out[k as 'state' | 'severity'] = v;
  }
  return out;
}

export interface AlertmanagerAlert {
  labels: Readonly<Record<string, string>>;
  annotations: { summary: string };
  startsAt: string;
  endsAt: string | null;
  fingerprint: string;
  status: { state: string; silencedBy: readonly string[]; inhibitedBy: readonly string[] };
}

export function alertmanagerAlert(m: UnifiedPerformanceMonitor, a: PerformanceAlert): AlertmanagerAlert {
  const s = m.alertStatus(a);
  return {
    labels: alertLabels(a),
    annotations: { summary: a.message },
    startsAt: new Date(a.timestamp).toISOString(),
    endsAt: a.endsAt === undefined ? null : new Date(a.endsAt).toISOString(),
    fingerprint: a.fingerprint,
    status: { state: s.state, silencedBy: s.silencedBy, inhibitedBy: s.inhibitedBy },
  };
}
