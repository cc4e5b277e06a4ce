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
import * as v from 'valibot';
import { email, httpUrl as httpUrlCheck, int, record, refine, strictObject, variant } from './schemaParts.js';
import { labelName, labelRegex, positiveSeconds, seconds, severity } from './rules/common.js';

export const notifierName = v.pipe(v.string(), v.regex(/^[a-zA-Z][a-zA-Z0-9_.-]{0,63}$/, 'a name of 1-64 letters, digits, _ . - starting with a letter'));
const httpUrl = v.pipe(v.string(), httpUrlCheck('an http:// or https:// URL'), v.maxLength(4096));
/** An HTTP header name (RFC 9110 token) and a value without line breaks. */
const headers = v.pipe(
  record(
    v.pipe(v.string(), v.regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/, 'an HTTP header name')),
    v.pipe(v.string(), v.maxLength(8192), v.regex(/^[^\r\n\0]*$/, 'a header value without line breaks')),
  ),
  v.maxEntries(64, 'at most 64 headers'),
);

const emailAddress = v.pipe(v.string(), email('an email address such as oncall@example.org'), v.maxLength(320));

const retry = v.optional(
  strictObject({
    /** seconds before the first retry; each next one waits twice as long (full jitter), up to max_backoff */
    initial_backoff: v.optional(positiveSeconds, 1),
    /** seconds between retries at most: a receiver back from an outage hears within this */
    max_backoff: v.optional(positiveSeconds, 60),
    /** seconds a notification may wait for delivery; older ones are dropped and counted failed (1 day) */
    max_age: v.optional(positiveSeconds, 86_400),
  }),
  { initial_backoff: 1, max_backoff: 60, max_age: 86_400 },
);

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
    name: v.optional(notifierName),
    enabled: v.optional(v.boolean(), true),
    /** the least severity sent */
    min_severity: v.optional(severity, d.min_severity),
    /** label → exact value the alert must have (labels: alertname, severity, component, metric, kind, and the series' own) */
    match: v.optional(record(labelName, v.pipe(v.string(), v.maxLength(1024)))),
    /** label → regex the whole value must match */
    match_re: v.optional(record(labelName, labelRegex)),
    /** labels whose values form one group (one notification); [] puts every alert in one group */
    group_by: v.optional(v.pipe(v.array(labelName), v.maxLength(16)), d.group_by),
    /** seconds before the first notification of a new group (a flap shorter than this is never sent) */
    group_wait: v.optional(seconds, d.group_wait),
    /** seconds between notifications of a group that changed */
    group_interval: v.optional(seconds, d.group_interval),
    /** seconds after which an unchanged firing group is sent again; 0 = never */
    repeat_interval: v.optional(seconds, d.repeat_interval),
    /** send a notification when a group's alerts resolve */
    send_resolved: v.optional(v.boolean(), true),
    /** seconds one delivery attempt may take */
    timeout: v.optional(v.pipe(positiveSeconds, v.maxValue(300)), 10),
    retry,
    /** notifications waiting at most; past it the oldest are dropped and counted failed */
    max_queue: v.optional(v.pipe(int, v.minValue(1), v.maxValue(1_000_000)), 10_000),
  };
}

const webhook = strictObject({
  type: v.literal('webhook'),
  ...remote(AM_DEFAULTS),
  /** receives POSTs of Alertmanager's webhook payload (version 4) */
  url: httpUrl,
  headers: v.optional(headers),
  /** HMAC-SHA256 key: the body's signature goes in `X-Echo-Perf-Signature: sha256=<hex>` */
  secret: v.optional(v.pipe(v.string(), v.minLength(8), v.maxLength(1024))),
  /** alerts per notification at most; 0 = all (Alertmanager's max_alerts; the rest counted in truncatedAlerts) */
  max_alerts: v.optional(v.pipe(int, v.minValue(0), v.maxValue(100_000)), 0),
});

const slack = strictObject({
  type: v.literal('slack'),
  ...remote(AM_DEFAULTS),
  /** a Slack incoming-webhook URL */
  url: httpUrl,
  /** overrides the webhook's channel */
  channel: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(256))),
  username: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(256))),
});

const emailNotifier = strictObject({
  type: v.literal('email'),
  ...remote({ ...AM_DEFAULTS, min_severity: 'critical' }),
  /** recipients */
  to: v.pipe(v.array(emailAddress), v.minLength(1), v.maxLength(100)),
  from: emailAddress,
  smtp: strictObject({
    host: v.pipe(v.string(), v.minLength(1), v.maxLength(255)),
    port: v.optional(v.pipe(int, v.minValue(1), v.maxValue(65535)), 587),
    /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it */
    secure: v.optional(v.boolean(), false),
    /** refuse to send unless the connection is encrypted (STARTTLS required) */
    require_tls: v.optional(v.boolean(), false),
    username: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(1024))),
    password: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(1024))),
  }),
});

const alertmanager = strictObject({
  type: v.literal('alertmanager'),
  // Prometheus's sending (cmd/prometheus/main.go, rules/alerting.go): changes at once, every alert
  // re-sent every resend-delay (1 min) while firing, so Alertmanager never sees a live alert expire.
  ...remote({ group_wait: 0, group_interval: 0, repeat_interval: 60, min_severity: 'info', group_by: [] }),
  /** the Alertmanager's base URL; alerts go to <url>/api/v2/alerts */
  url: httpUrl,
  headers: v.optional(headers),
  /**
   * labels added to every alert sent, an alert's own label winning, as Prometheus adds its
   * global.external_labels (notifier/notifier.go): set `instance` to tell nodes of a fleet apart;
   * leave it out, or the same, on agents of an HA pair so Alertmanager deduplicates their alerts
   */
  external_labels: v.optional(v.pipe(record(labelName, v.pipe(v.string(), v.minLength(1), v.maxLength(1024))), v.maxEntries(32, 'at most 32 labels'))),
});

const command = strictObject({
  type: v.literal('command'),
  ...remote(AM_DEFAULTS),
  /** the executable and its arguments, run without a shell; the notification comes as JSON on stdin */
  argv: v.pipe(v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(4096), v.regex(/^[^\0]*$/, 'an argument without NUL'))), v.minLength(1), v.maxLength(64)),
  /** environment variables added to the command's (PATH and HOME are passed on) */
  env: v.optional(
    record(
      v.pipe(v.string(), v.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name'), v.maxLength(256)),
      v.pipe(v.string(), v.maxLength(8192), v.regex(/^[^\0]*$/, 'a value without NUL')),
    ),
  ),
});

/** Local outputs: each alert event as it happens, no grouping, no outbox. */
function local() {
  return {
    name: v.optional(notifierName),
    enabled: v.optional(v.boolean(), true),
    min_severity: v.optional(severity, 'info'),
    match: v.optional(record(labelName, v.pipe(v.string(), v.maxLength(1024)))),
    match_re: v.optional(record(labelName, labelRegex)),
  };
}
const consoleOut = strictObject({ type: v.literal('console'), ...local() });
/** The echo.dash alert files and ECHO_DASH_ALERT log lines (where: the `echo_dash` section). */
const echoDash = strictObject({ type: v.literal('echo_dash'), ...local() });

export const notifierSchema = variant(
  'type',
  [webhook, slack, emailNotifier, alertmanager, command, consoleOut, echoDash],
  'a type of webhook, slack, email, alertmanager, command, console or echo_dash',
);

export const notifiersSchema = v.pipe(
  v.array(notifierSchema),
  v.maxLength(64),
  refine((list, report) => {
    const seen = new Set<string>();
    list.forEach((n, i) => {
      const name = n.name ?? n.type;
      if (seen.has(name)) report(`a name no other notifier has (${JSON.stringify(name)} is taken; name the second ${n.type} notifier)`, [i, 'name']);
      seen.add(name);
      if ('retry' in n && n.retry.initial_backoff > n.retry.max_backoff) {
        report(`seconds <= retry.max_backoff (${n.retry.max_backoff})`, [i, 'retry', 'initial_backoff']);
      }
    });
  }),
);

export type NotifierConfig = v.InferOutput<typeof notifierSchema>;
export type RemoteNotifierConfig = Exclude<NotifierConfig, { type: 'console' | 'echo_dash' }>;
export type LocalNotifierConfig = Extract<NotifierConfig, { type: 'console' | 'echo_dash' }>;
export type NotifierType = NotifierConfig['type'];

/** The notifier's name: its `name`, else its type. */
export function notifierNameOf(n: Pick<NotifierConfig, 'name' | 'type'>): string {
  return n.name ?? n.type;
}
