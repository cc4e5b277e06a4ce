/**
 * @module config/remoteWrite
 * `remote_write`: receivers of Prometheus remote-write 1.0 (Prometheus, Mimir,
 * Thanos receive, VictoriaMetrics). Names, meaning and defaults follow
 * Prometheus's remote_write and queue_config
 * (prometheus.io/docs/prometheus/latest/configuration/configuration/#remote_write).
 */
import { z } from 'zod';
import { anchoredRegex, labelName } from './rules/common.js';

const seconds = (max: number) => z.number().refine(Number.isFinite, { message: 'expected a finite number' }).gt(0).max(max);

/** A regex as Prometheus's relabel_config takes it (RE2, anchored at both ends); invalid ones are rejected here. */
const anchored = anchoredRegex(4096);

const writeRelabel = z.strictObject({
  /** keep: only series whose joined source label values match; drop: all but those */
  action: z.enum(['keep', 'drop']),
  /** labels whose values are joined with `separator` (Prometheus default ["__name__"] here, the exposed metric name) */
  source_labels: z.array(z.union([labelName, z.literal('__name__')])).min(1).max(32).default(['__name__']),
  /** Prometheus's default separator */
  separator: z.string().max(16).default(';'),
  /** matched against the whole joined value (Prometheus anchors relabel regexes) */
  regex: anchored.default('(.*)'),
});

/** Prometheus's queue_config defaults (one shard's worth: capacity 10000, max_samples_per_send 2000, deadline 5 s, backoff 30 ms..5 s). */
export const QUEUE_DEFAULTS = { capacity: 10_000, max_samples_per_send: 2000, batch_send_deadline: 5, min_backoff: 0.03, max_backoff: 5 } as const;

const queue = z
  .strictObject({
    /** samples held in memory waiting to be sent; past it the oldest are dropped and, with a data dir, read back from it once the receiver answers */
    capacity: z.number().int().min(100).max(10_000_000).default(QUEUE_DEFAULTS.capacity),
    /** samples in one request */
    max_samples_per_send: z.number().int().min(1).max(1_000_000).default(QUEUE_DEFAULTS.max_samples_per_send),
    /** seconds a sample waits at most for its request to fill up */
    batch_send_deadline: seconds(3600).default(QUEUE_DEFAULTS.batch_send_deadline),
    /** seconds before the first retry; doubled each failure up to max_backoff */
    min_backoff: seconds(3600).default(QUEUE_DEFAULTS.min_backoff),
    max_backoff: seconds(3600).default(QUEUE_DEFAULTS.max_backoff),
  })
  .refine((q) => q.min_backoff <= q.max_backoff, { message: 'min_backoff must be <= max_backoff', path: ['min_backoff'] })
  .refine((q) => q.max_samples_per_send <= q.capacity, { message: 'max_samples_per_send must be <= capacity', path: ['max_samples_per_send'] });

export const remoteWriteTarget = z
  .strictObject({
    /** the receiver's write URL, e.g. http://prometheus:9090/api/v1/write; `user:pass@` becomes basic auth */
    url: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }).max(2048),
    /** names the queue in logs, self-metrics (`remote` label) and the saved position; default the URL without credentials; unique */
    name: z.string().regex(/^[a-zA-Z0-9_.:/-]{1,128}$/, 'a name of 1-128 letters, digits, _ . : / -').optional(),
    /** extra HTTP headers (Prometheus refuses to let these set the protocol's own headers, so does this) */
    headers: z
      .record(z.string().regex(/^[A-Za-z0-9-]{1,128}$/, 'a header name'), z.string().max(8192))
      .refine((h) => Object.keys(h).length <= 64, { message: 'at most 64 headers' })
      .refine((h) => !Object.keys(h).some((k) => /^(content-encoding|content-type|content-length|x-prometheus-remote-write-version|user-agent|host|authorization)$/i.test(k)), {
        message: 'headers may not set Authorization, Content-*, Host, User-Agent or X-Prometheus-Remote-Write-Version (use bearer_token or basic_auth)',
      })
      .optional(),
    bearer_token: z.string().regex(/^[\x21-\x7e]{1,8192}$/, 'a token of 1-8192 visible ASCII characters').optional(),
    basic_auth: z.strictObject({ username: z.string().min(1).max(1024), password: z.string().max(4096).default('') }).optional(),
    /** labels added to every series that lacks them (Prometheus's global external_labels); default job="echo-perf", instance=<host name> */
    external_labels: z.record(labelName, z.string().min(1).max(4096)).refine((l) => Object.keys(l).length <= 64, { message: 'at most 64 labels' }).optional(),
    /** seconds one request may take */
    remote_timeout: seconds(600).default(30),
    queue: queue.default({ ...QUEUE_DEFAULTS }),
    /** keep/drop by regex on labels as sent (`__name__` is the exposed name), applied in order */
    write_relabel: z.array(writeRelabel).max(64).default([]),
  })
  .refine((t) => !(t.bearer_token !== undefined && t.basic_auth !== undefined), { message: 'only one of bearer_token and basic_auth' });

export const remoteWriteSchema = z
  .array(remoteWriteTarget)
  .max(32)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((t, i) => {
      const n = remoteWriteNameOf(t);
      if (seen.has(n)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `a unique name (${n.slice(0, 100)} is used twice)`, input: n });
      seen.add(n);
    });
  });

export type RemoteWriteConfig = z.output<typeof remoteWriteTarget>;

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
