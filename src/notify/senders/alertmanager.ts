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
import { isSecretName, redactUrl, scrubSecrets, urlSecrets } from '../../core/redact.js';
import type { Notification } from '../notification.js';
import { DeliveryError, retryableStatus, type Notifier } from '../notifier.js';

export type AlertmanagerNotifierConfig = Extract<NotifierConfig, { type: 'alertmanager' }>;

export interface AlertmanagerOptions {
  /** How often rules are evaluated (ms): the lease of a firing alert grows with it. Default 60 000. */
  evaluationIntervalMs?: number;
  /** Where send time comes from. Default the wall clock. */
  clock?: Clock;
}

/** Prometheus's --rules.alert.resend-delay default (cmd/prometheus/main.go). */
export const RESEND_DELAY_MS = 60_000;
/**
 * Alerts per POST at most, as Prometheus batches them (notifier/notifier.go
 * maxBatchSize). A retry after a partly sent notification sends all batches
 * again, which Alertmanager merges into the alerts it holds by label set.
 */
export const MAX_BATCH = 64;
/** Bytes of Alertmanager's answer read at most (its error bodies are one short JSON message). */
const MAX_ANSWER = 64 * 1024;
/** Characters of the answer quoted in an error. */
const MAX_QUOTED = 200;

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
export function toPostableAlerts(n: Notification, now: number, evaluationIntervalMs = 60_000): PostableAlert[] {
  const lease = 4 * Math.max(evaluationIntervalMs, RESEND_DELAY_MS);
  return n.alerts.map((a) => {
    // Alertmanager refuses an alert that ends before it starts (types.Alert.Validate).
    const ends = Math.max(a.startsAt, a.status === 'firing' || a.endsAt === undefined ? now + lease : a.endsAt);
    return {
      labels: nonEmpty(a.labels),
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

/**
 * The URL's user and password as a Basic Authorization header, taken out of
 * the URL: fetch refuses a URL with credentials, while Prometheus's
 * Alertmanager client (Go's net/http) sends them as Basic auth.
 */
function basicAuth(endpoint: URL): Record<string, string> {
  if (endpoint.username === '' && endpoint.password === '') return {};
  const decode = (s: string): string => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  const value = `Basic ${Buffer.from(`${decode(endpoint.username)}:${decode(endpoint.password)}`, 'utf8').toString('base64')}`;
  endpoint.username = '';
  endpoint.password = '';
  return { authorization: value };
}

/** `<url>/api/v2/alerts`, keeping a path prefix (an Alertmanager behind `--web.route-prefix` or a proxy) and the query. */
export function alertsEndpoint(base: string): URL {
  const u = new URL(base);
  u.pathname = `${u.pathname.replace(/\/+$/, '')}/api/v2/alerts`;
  u.hash = '';
  return u;
}

export function createAlertmanagerNotifier(cfg: AlertmanagerNotifierConfig, ctx: { logger: Logger }, opts: AlertmanagerOptions = {}): Notifier {
  const name = notifierNameOf(cfg);
  const endpoint = alertsEndpoint(cfg.url);
  const target = redactUrl(endpoint.href);
  const secrets = urlSecrets(endpoint.href);
  const configured = cfg.headers ?? {};
  const auth = basicAuth(endpoint);
  const headers = { ...(Object.keys(configured).some((k) => k.toLowerCase() === 'authorization') ? {} : auth), ...configured };
  const clock = opts.clock ?? new SystemClock();
  const evaluationIntervalMs = opts.evaluationIntervalMs ?? 60_000;
  for (const [k, v] of Object.entries(headers)) if (isSecretName(k) || k.toLowerCase() === 'proxy-authorization') secrets.push(v);
  const what = `alertmanager notifier ${name} to ${target}`;
  return {
    name,
    type: 'alertmanager',
    target,
    async send(n: Notification, signal: AbortSignal): Promise<void> {
      if (n.alerts.length === 0) return;
      const alerts = toPostableAlerts(n, clock.now(), evaluationIntervalMs);
      for (let i = 0; i < alerts.length; i += MAX_BATCH) await post(endpoint, JSON.stringify(alerts.slice(i, i + MAX_BATCH)), headers, signal, what, secrets);
      ctx.logger.debug(`${what}: notification ${n.id} delivered (${n.alerts.length} alert(s))`);
    },
  };
}

/**
 * One POST of a JSON body: 2xx is delivered; 408, 429, 5xx, a network error or
 * the caller's abort may pass on a later attempt; any other status will not.
 */
async function post(url: URL, body: string, headers: Record<string, string>, signal: AbortSignal, what: string, secrets: readonly string[]): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', body, headers: { ...headers, 'content-type': 'application/json' }, signal, redirect: 'manual' });
  } catch (err) {
    if (signal.aborted) throw new DeliveryError(`${what}: timed out`, true);
    const cause = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    throw new DeliveryError(`${what}: ${scrubSecrets(cause, secrets)}`, true);
  }
  let answer: string;
  try {
    answer = await readBounded(res);
  } catch {
    if (signal.aborted) throw new DeliveryError(`${what}: timed out reading the answer (HTTP ${res.status})`, true);
    answer = '';
  }
  if (res.status >= 200 && res.status < 300) return;
  const quoted = scrubSecrets(answer.trim().slice(0, MAX_QUOTED), secrets).replace(/\p{Cc}/gu, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  throw new DeliveryError(`${what}: HTTP ${res.status}${quoted !== '' ? `: ${quoted}` : ''}`, retryableStatus(res.status));
}

/** The answer's first MAX_ANSWER bytes as text; the rest is cancelled, not read. */
async function readBounded(res: Response): Promise<string> {
  if (res.body === null) return '';
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size >= MAX_ANSWER) {
      await reader.cancel();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, MAX_ANSWER).toString('utf8');
}
