/**
 * @module config/notifiers
 * Where alerts go: `notifiers: [{ type, … }]`. Every notifier has a route
 * (`min_severity`, `match`, `match_re` on the alert's labels) and, for those
 * that leave the machine, Alertmanager's grouping and timing (`group_by`,
 * `group_wait` 30 s, `group_interval` 5 min, `repeat_interval` 4 h —
 * alertmanager docs/configuration.md) and a delivery policy (timeout,
 * retries with backoff, how long a notification may wait in the outbox).
 * Durations are seconds, as everywhere in the config.
 */
import { z } from 'zod';
import { labelName, labelRegex, positiveSeconds, seconds, severity } from './rules/common.js';

export const notifierName = z.string().regex(/^[a-zA-Z][a-zA-Z0-9_.-]{0,63}$/, 'a name of 1-64 letters, digits, _ . - starting with a letter');
const httpUrl = z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }).max(4096);
/** An HTTP header name (RFC 9110 token) and a value without line breaks. */
const headers = z
  .record(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/, 'an HTTP header name'), z.string().max(8192).regex(/^[^\r\n\0]*$/, 'a header value without line breaks'))
  .refine((h) => Object.keys(h).length <= 64, { message: 'at most 64 headers' });

const emailAddress = z.email({ error: 'an email address such as oncall@example.org' }).max(320);

const retry = z
  .strictObject({
    /** seconds before the first retry; each next one waits twice as long (full jitter), up to max_backoff */
    initial_backoff: positiveSeconds.default(1),
    /** seconds between retries at most: a receiver back from an outage hears within this */
    max_backoff: positiveSeconds.default(60),
    /** seconds a notification may wait for delivery; older ones are dropped and counted failed (1 day) */
    max_age: positiveSeconds.default(86_400),
  })
  .default({ initial_backoff: 1, max_backoff: 60, max_age: 86_400 });

interface Defaults {
  group_wait: number;
  group_interval: number;
  repeat_interval: number;
  min_severity: 'info' | 'warning' | 'critical';
  group_by: string[];
}
const AM_DEFAULTS: Defaults = { group_wait: 30, group_interval: 300, repeat_interval: 14_400, min_severity: 'info', group_by: ['component'] };

/** The route, grouping and delivery fields every remote notifier has; `d` gives the type's defaults. */
function remote(d: Defaults) {
  return {
    /** unique among notifiers; default the type (a second notifier of a type must be named) */
    name: notifierName.optional(),
    enabled: z.boolean().default(true),
    /** the least severity sent */
    min_severity: severity.default(d.min_severity),
    /** label → exact value the alert must have (labels: alertname, severity, component, metric, kind, and the series' own) */
    match: z.record(labelName, z.string().max(1024)).optional(),
    /** label → regex the whole value must match */
    match_re: z.record(labelName, labelRegex).optional(),
    /** labels whose values form one group (one notification); [] puts every alert in one group */
    group_by: z.array(labelName).max(16).default(d.group_by),
    /** seconds before the first notification of a new group (a flap shorter than this is never sent) */
    group_wait: seconds.default(d.group_wait),
    /** seconds between notifications of a group that changed */
    group_interval: seconds.default(d.group_interval),
    /** seconds after which an unchanged firing group is sent again; 0 = never */
    repeat_interval: seconds.default(d.repeat_interval),
    /** send a notification when a group's alerts resolve */
    send_resolved: z.boolean().default(true),
    /** seconds one delivery attempt may take */
    timeout: positiveSeconds.max(300).default(10),
    retry,
    /** notifications waiting at most; past it the oldest are dropped and counted failed */
    max_queue: z.number().int().min(1).max(1_000_000).default(10_000),
  };
}

const webhook = z.strictObject({
  type: z.literal('webhook'),
  ...remote(AM_DEFAULTS),
  /** receives POSTs of Alertmanager's webhook payload (version 4) */
  url: httpUrl,
  headers: headers.optional(),
  /** HMAC-SHA256 key: the body's signature goes in `X-Echo-Perf-Signature: sha256=<hex>` */
  secret: z.string().min(8).max(1024).optional(),
  /** alerts per notification at most; 0 = all (Alertmanager's max_alerts; the rest counted in truncatedAlerts) */
  max_alerts: z.number().int().min(0).max(100_000).default(0),
});

const slack = z.strictObject({
  type: z.literal('slack'),
  ...remote(AM_DEFAULTS),
  /** a Slack incoming-webhook URL */
  url: httpUrl,
  /** overrides the webhook's channel */
  channel: z.string().min(1).max(256).optional(),
  username: z.string().min(1).max(256).optional(),
});

const email = z.strictObject({
  type: z.literal('email'),
  ...remote({ ...AM_DEFAULTS, min_severity: 'critical' }),
  /** recipients */
  to: z.array(emailAddress).min(1).max(100),
  from: emailAddress,
  smtp: z.strictObject({
    host: z.string().min(1).max(255),
    port: z.number().int().min(1).max(65535).default(587),
    /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it */
    secure: z.boolean().default(false),
    /** refuse to send unless the connection is encrypted (STARTTLS required) */
    require_tls: z.boolean().default(false),
    username: z.string().min(1).max(1024).optional(),
    password: z.string().min(1).max(1024).optional(),
  }),
});

const alertmanager = z.strictObject({
  type: z.literal('alertmanager'),
  // Prometheus's sending (cmd/prometheus/main.go, rules/alerting.go): changes at once, every alert
  // re-sent every resend-delay (1 min) while firing, so Alertmanager never sees a live alert expire.
  ...remote({ group_wait: 0, group_interval: 0, repeat_interval: 60, min_severity: 'info', group_by: [] }),
  /** the Alertmanager's base URL; alerts go to <url>/api/v2/alerts */
  url: httpUrl,
  headers: headers.optional(),
  /**
   * labels added to every alert sent, an alert's own label winning, as Prometheus adds its
   * global.external_labels (notifier/notifier.go): set `instance` to tell nodes of a fleet apart;
   * leave it out, or the same, on agents of an HA pair so Alertmanager deduplicates their alerts
   */
  external_labels: z
    .record(labelName, z.string().min(1).max(1024))
    .refine((m) => Object.keys(m).length <= 32, { error: 'at most 32 labels' })
    .optional(),
});

const command = z.strictObject({
  type: z.literal('command'),
  ...remote(AM_DEFAULTS),
  /** the executable and its arguments, run without a shell; the notification comes as JSON on stdin */
  argv: z.array(z.string().min(1).max(4096).regex(/^[^\0]*$/, 'an argument without NUL')).min(1).max(64),
  /** environment variables added to the command's (PATH and HOME are passed on) */
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name').max(256), z.string().max(8192).regex(/^[^\0]*$/, 'a value without NUL')).optional(),
});

/** Local outputs: each alert event as it happens, no grouping, no outbox. */
function local() {
  return {
    name: notifierName.optional(),
    enabled: z.boolean().default(true),
    min_severity: severity.default('info'),
    match: z.record(labelName, z.string().max(1024)).optional(),
    match_re: z.record(labelName, labelRegex).optional(),
  };
}
const consoleOut = z.strictObject({ type: z.literal('console'), ...local() });
/** The echo.dash alert files and ECHO_DASH_ALERT log lines (where: the `echo_dash` section). */
const echoDash = z.strictObject({ type: z.literal('echo_dash'), ...local() });

export const notifierSchema = z.discriminatedUnion('type', [webhook, slack, email, alertmanager, command, consoleOut, echoDash], {
  error: (iss) => (iss.code === 'invalid_union' ? 'a type of webhook, slack, email, alertmanager, command, console or echo_dash' : undefined),
});

export const notifiersSchema = z
  .array(notifierSchema)
  .max(64)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((n, i) => {
      const name = n.name ?? n.type;
      if (seen.has(name)) {
        ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `a name no other notifier has (${JSON.stringify(name)} is taken; name the second ${n.type} notifier)`, input: n.name });
      }
      seen.add(name);
      if ('retry' in n && n.retry.initial_backoff > n.retry.max_backoff) {
        ctx.addIssue({ code: 'custom', path: [i, 'retry', 'initial_backoff'], message: `seconds <= retry.max_backoff (${n.retry.max_backoff})`, input: n.retry.initial_backoff });
      }
    });
  });

export type NotifierConfig = z.output<typeof notifierSchema>;
export type RemoteNotifierConfig = Exclude<NotifierConfig, { type: 'console' | 'echo_dash' }>;
export type LocalNotifierConfig = Extract<NotifierConfig, { type: 'console' | 'echo_dash' }>;
export type NotifierType = NotifierConfig['type'];

/** The notifier's name: its `name`, else its type. */
export function notifierNameOf(n: Pick<NotifierConfig, 'name' | 'type'>): string {
  return n.name ?? n.type;
}
