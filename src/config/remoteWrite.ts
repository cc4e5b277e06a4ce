/**
 * @module config/remoteWrite
 * `remote_write`: receivers of Prometheus remote-write 1.0 (Prometheus, Mimir,
 * Thanos receive, VictoriaMetrics). Names, meaning and defaults follow
 * Prometheus's remote_write and queue_config
 * (prometheus.io/docs/prometheus/latest/configuration/configuration/#remote_write).
 */
import * as v from 'valibot';
import { finite, httpUrl, int, record, refine, strictObject } from './schemaParts.js';
import { anchoredRegex, labelName } from './rules/common.js';

const seconds = (max: number) => v.pipe(finite, v.gtValue(0), v.maxValue(max));

/** A regex as Prometheus's relabel_config takes it (RE2, anchored at both ends); invalid ones are rejected here. */
const anchored = anchoredRegex(4096);

const writeRelabel = strictObject({
  /** keep: only series whose joined source label values match; drop: all but those */
  action: v.picklist(['keep', 'drop']),
  /** labels whose values are joined with `separator` (Prometheus default ["__name__"] here, the exposed metric name) */
  source_labels: v.optional(v.pipe(v.array(v.union([labelName, v.literal('__name__')], 'a label name matching [a-zA-Z_][a-zA-Z0-9_]*')), v.minLength(1), v.maxLength(32)), ['__name__']),
  /** Prometheus's default separator */
  separator: v.optional(v.pipe(v.string(), v.maxLength(16)), ';'),
  /** matched against the whole joined value (Prometheus anchors relabel regexes) */
  regex: v.optional(anchored, '(.*)'),
});

/** Prometheus's queue_config defaults (one shard's worth: capacity 10000, max_samples_per_send 2000, deadline 5 s, backoff 30 ms..5 s). */
export const QUEUE_DEFAULTS = { capacity: 10_000, max_samples_per_send: 2000, batch_send_deadline: 5, min_backoff: 0.03, max_backoff: 5 } as const;

const queue = v.pipe(
  strictObject({
    /** samples held in memory waiting to be sent; past it the oldest are dropped and, with a data dir, read back from it once the receiver answers */
    capacity: v.optional(v.pipe(int, v.minValue(100), v.maxValue(10_000_000)), QUEUE_DEFAULTS.capacity),
    /** samples in one request */
    max_samples_per_send: v.optional(v.pipe(int, v.minValue(1), v.maxValue(1_000_000)), QUEUE_DEFAULTS.max_samples_per_send),
    /** seconds a sample waits at most for its request to fill up */
    batch_send_deadline: v.optional(seconds(3600), QUEUE_DEFAULTS.batch_send_deadline),
    /** seconds before the first retry; doubled each failure up to max_backoff */
    min_backoff: v.optional(seconds(3600), QUEUE_DEFAULTS.min_backoff),
    max_backoff: v.optional(seconds(3600), QUEUE_DEFAULTS.max_backoff),
  }),
  refine((q, report) => {
    if (q.min_backoff > q.max_backoff) report('min_backoff must be <= max_backoff', ['min_backoff']);
    if (q.max_samples_per_send > q.capacity) report('max_samples_per_send must be <= capacity', ['max_samples_per_send']);
  }),
);

export const remoteWriteTarget = v.pipe(
  strictObject({
    /** the receiver's write URL, e.g. http://prometheus:9090/api/v1/write; `user:pass@` becomes basic auth */
    url: v.pipe(v.string(), httpUrl('an http:// or https:// URL'), v.maxLength(2048)),
    /** names the queue in logs, self-metrics (`remote` label) and the saved position; default the URL without credentials; unique */
    name: v.optional(v.pipe(v.string(), v.regex(/^[a-zA-Z0-9_.:/-]{1,128}$/, 'a name of 1-128 letters, digits, _ . : / -'))),
    /** extra HTTP headers (Prometheus refuses to let these set the protocol's own headers, so does this) */
    headers: v.optional(
      v.pipe(
        record(v.pipe(v.string(), v.regex(/^[A-Za-z0-9-]{1,128}$/, 'a header name')), v.pipe(v.string(), v.maxLength(8192))),
        v.maxEntries(64, 'at most 64 headers'),
        v.check(
          (h) => !Object.keys(h).some((k) => /^(content-encoding|content-type|content-length|x-prometheus-remote-write-version|user-agent|host|authorization)$/i.test(k)),
          'headers may not set Authorization, Content-*, Host, User-Agent or X-Prometheus-Remote-Write-Version (use bearer_token or basic_auth)',
        ),
      ),
    ),
    bearer_token: v.optional(v.pipe(v.string(), v.regex(/^[\x21-\x7e]{1,8192}$/, 'a token of 1-8192 visible ASCII characters'))),
    basic_auth: v.optional(strictObject({ username: v.pipe(v.string(), v.minLength(1), v.maxLength(1024)), password: v.optional(v.pipe(v.string(), v.maxLength(4096)), '') })),
    /** labels added to every series that lacks them (Prometheus's global external_labels); default job="echo-perf", instance=<host name> */
    external_labels: v.optional(v.pipe(record(labelName, v.pipe(v.string(), v.minLength(1), v.maxLength(4096))), v.maxEntries(64, 'at most 64 labels'))),
    /** seconds one request may take */
    remote_timeout: v.optional(seconds(600), 30),
    queue: v.optional(queue, { ...QUEUE_DEFAULTS }),
    /** keep/drop by regex on labels as sent (`__name__` is the exposed name), applied in order */
    write_relabel: v.optional(v.pipe(v.array(writeRelabel), v.maxLength(64)), []),
  }),
  refine((t, report) => {
    if (t.bearer_token !== undefined && t.basic_auth !== undefined) report('only one of bearer_token and basic_auth');
  }),
);

export const remoteWriteSchema = v.pipe(
  v.array(remoteWriteTarget),
  v.maxLength(32),
  refine((list, report) => {
    const seen = new Set<string>();
    list.forEach((t, i) => {
      const n = remoteWriteNameOf(t);
      if (seen.has(n)) report(`a unique name (${n.slice(0, 100)} is used twice)`, [i, 'name']);
      seen.add(n);
    });
  }),
);

export type RemoteWriteConfig = v.InferOutput<typeof remoteWriteTarget>;

/** The queue's name: configured, else the URL without its credentials. */
export function remoteWriteNameOf(t: { url: string; name?: string | undefined }): string {
  if (t.name !== undefined) return t.name;
  try {
    const u = new URL(t.url);
    u.username = '';
    u.password = '';
    return `${u.host}${u.pathname}`;
  } catch {
    return t.url.slice(0, 128);
  }
}
