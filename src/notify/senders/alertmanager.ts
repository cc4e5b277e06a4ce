/**
 * @module notify/senders/alertmanager
 * Sends alerts to an Alertmanager the way Prometheus does (notifier/manager.go,
 * rules/alerting.go): POST `<url>/api/v2/alerts` with a JSON array of
 * `{labels, annotations, startsAt, endsAt, generatorURL}`, re-sent while firing
 * (the route's repeat_interval, 1 min by default, is Prometheus's resend delay).
 * Alertmanager resolves an alert by itself once its `endsAt` has passed, so a
 * firing alert's `endsAt` is a lease, set when the attempt is made, not when
 * the notification was queued.
 */
import type { NotifierConfig } from '../../config/notifiers.js';
import { notifierNameOf } from '../../config/notifiers.js';
import { SystemClock, type Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import { isSecretName, redactUrl } from '../../core/redact.js';
import type { Notification } from '../notification.js';
import type { Notifier } from '../notifier.js';
import { postJson, userAgent } from './http.js';

export type AlertmanagerNotifierConfig = Extract<NotifierConfig, { type: 'alertmanager' }>;

export interface AlertmanagerContext {
  logger: Logger;
  /** Where send time comes from. Default the wall clock. */
  clock?: Pick<Clock, 'now'>;
  /**
   * How often rules are evaluated (ms), read at each send so a changed
   * interval counts: the lease of a firing alert grows with it. Default 60 000.
   */
  evaluationIntervalMs?: number | (() => number);
}

/** Prometheus's --rules.alert.resend-delay default (cmd/prometheus/main.go). */
export const RESEND_DELAY_MS = 60_000;
/** Prometheus's global evaluation_interval default (config/config.go). */
export const DEFAULT_EVALUATION_INTERVAL_MS = 60_000;
/**
 * Alerts per POST at most, as Prometheus batches them (notifier/notifier.go
 * maxBatchSize). A retry after a partly sent notification sends all batches
 * again, which Alertmanager merges into the alerts it holds by label set.
 */
export const MAX_BATCH = 64;

/** One element of the body of POST /api/v2/alerts (alertmanager api/v2/openapi.yaml, postableAlert). */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL?: string;
}

/**
 * The alerts as sent at `now`. A firing alert is valid until
 * now + 4 × max(evaluation interval, resend delay): rules/alerting.go gives that
 * lease "to allow for two Eval or Alertmanager send failures". A resolved
 * alert ends when it resolved.
 */
export function toPostableAlerts(
  n: Notification,
  now: number,
  evaluationIntervalMs = DEFAULT_EVALUATION_INTERVAL_MS,
  externalLabels: Readonly<Record<string, string>> = {},
): PostableAlert[] {
  const lease = 4 * Math.max(evaluationIntervalMs, RESEND_DELAY_MS);
  return n.alerts.map((a) => {
    // Alertmanager refuses an alert that ends before it starts (types.Alert.Validate).
    const ends = Math.max(a.startsAt, a.status === 'firing' || a.endsAt === undefined ? now + lease : a.endsAt);
    return {
      // The alert's own labels win over the external ones, as in Prometheus's notifier (notifier/notifier.go).
      labels: nonEmpty({ ...externalLabels, ...a.labels }),
      annotations: nonEmpty(a.annotations),
      startsAt: new Date(a.startsAt).toISOString(),
      endsAt: new Date(ends).toISOString(),
      ...(a.generatorURL !== '' ? { generatorURL: a.generatorURL } : {}),
    };
  });
}

/** Prometheus drops labels with an empty value (an empty value is the same as no label), and so do we. */
function nonEmpty(m: Readonly<Record<string, string>>): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(m)) if (v !== '') out[k] = v;
  return out;
}

/** `<url>/api/v2/alerts`, keeping a path prefix (an Alertmanager behind `--web.route-prefix` or a proxy) and the query. */
export function alertsEndpoint(base: string): URL {
  const u = new URL(base);
  u.pathname = `${u.pathname.replace(/\/+$/, '')}/api/v2/alerts`;
  u.hash = '';
  return u;
}

export function createAlertmanagerNotifier(cfg: AlertmanagerNotifierConfig, ctx: AlertmanagerContext): Notifier {
  const name = notifierNameOf(cfg);
  // The URL's user:pass@, if any, stays in: postJson sends it as Basic auth, as Prometheus's Go client does.
  const endpoint = alertsEndpoint(cfg.url).href;
  const target = redactUrl(endpoint);
  const configured = cfg.headers ?? {};
  const secrets = Object.entries(configured)
    .filter(([k]) => isSecretName(k) || k.toLowerCase() === 'proxy-authorization')
    .map(([, v]) => v);
  const clock = ctx.clock ?? new SystemClock();
  const interval = ctx.evaluationIntervalMs;
  const intervalMs = (): number => {
    const v = typeof interval === 'function' ? interval() : interval;
    return v !== undefined && Number.isFinite(v) && v > 0 ? v : DEFAULT_EVALUATION_INTERVAL_MS;
  };
  const what = `alertmanager notifier ${JSON.stringify(name)}`;
  return {
    name,
    type: 'alertmanager',
    target,
    async send(n: Notification, signal: AbortSignal): Promise<void> {
      if (n.alerts.length === 0) return;
      const alerts = toPostableAlerts(n, clock.now(), intervalMs(), cfg.external_labels);
      const headers = Object.create(null) as Record<string, string>;
      headers['user-agent'] = userAgent();
      for (const [k, v] of Object.entries(configured)) headers[k.toLowerCase()] = v;
      headers['content-type'] = 'application/json';
      for (let i = 0; i < alerts.length; i += MAX_BATCH) {
        await postJson(endpoint, JSON.stringify(alerts.slice(i, i + MAX_BATCH)), headers, signal, what, { shownUrl: target, secrets });
      }
      ctx.logger.debug(`${what}: delivered ${n.id} (${n.alerts.length} alerts) to ${target}`);
    },
  };
}
