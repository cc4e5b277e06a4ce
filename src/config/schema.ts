/**
 * @module config/schema
 * The one schema for echo-perf's JSON config. Keys keep the seed's snake_case
 * (`monitoring_interval`, `alert_thresholds`, ...). Unknown keys are rejected.
 * Every default is here, with its unit.
 */
import { z } from 'zod';
import { checkComponentName, COMPONENT_NAME_EXPECTED, COMPONENT_NAME_RE } from '../core/components.js';
import { rulesSchema } from './rules/index.js';
import { notifiersSchema } from './notifiers.js';
import { remoteWriteSchema } from './remoteWrite.js';

/** Threshold keys: the metric names alerts carry (seed's PerformanceThresholds, snake_case). */
export const thresholdKeys = [
  'request_latency_ms',
  'sensory_motor_latency',
  'cpu_usage',
  'memory_usage',
  'gpu_utilization',
  'token_throughput',
  'evolution_convergence',
  'proprioceptive_accuracy',
] as const;

const finite = z.number().refine(Number.isFinite, { message: 'expected a finite number' });
const percent = finite.min(0).max(100);
const positiveSeconds = finite.gt(0);

const alertThresholds = z.strictObject({
  /** ms; WARNING above */
  request_latency_ms: finite.gt(0).optional(),
  /** ms; WARNING above */
  sensory_motor_latency: finite.gt(0).optional(),
  /** %; WARNING above */
  cpu_usage: percent.optional(),
  /** %; WARNING above */
  memory_usage: percent.optional(),
  /** %; WARNING above */
  gpu_utilization: percent.optional(),
  /** tokens/s; CRITICAL below */
  token_throughput: finite.min(0).optional(),
  /** 0..1; CRITICAL below */
  evolution_convergence: finite.min(0).max(1).optional(),
  /** 0..1; CRITICAL below */
  proprioceptive_accuracy: finite.min(0).max(1).optional(),
  // Per LLM engine (the unified engine metrics; see docs/rules.md): WARNING above, held `alerting.default_for`.
  /** ms; time to first token, p95 over rate_window; default request_latency_ms (1000), CRITICAL at 5× */
  ttft_ms: finite.gt(0).optional(),
  /** ms; time per output token, p95 over rate_window; no rule unless set */
  tpot_ms: finite.gt(0).optional(),
  /** ms; queue time, p95 over rate_window; no rule unless set */
  queue_time_ms: finite.gt(0).optional(),
  /** %; KV-cache usage; default 95 (CRITICAL at 99) */
  kv_cache_usage: percent.optional(),
  /** requests queued, not yet scheduled; default 50 */
  requests_waiting: finite.min(0).optional(),
  /** ratio 0..1 of finished requests that failed; default 0.05 (CRITICAL at 0.25) */
  request_error_rate: finite.min(0).max(1).optional(),
  /** preemptions per second; no rule unless set */
  preemptions_per_s: finite.min(0).optional(),
});

const labelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'a label name matching [a-zA-Z_][a-zA-Z0-9_]*');

/**
 * Per-target limits and credentials, shared by engines and scrape targets, with
 * Prometheus's names and meaning (prometheus.io/docs/prometheus/latest/configuration/configuration/#scrape_config).
 * A page past a limit fails its whole scrape. Labels are counted as the page
 * has them, the metric name (`__name__`) included, target labels not; lengths
 * are UTF-8 bytes. 0 = no limit.
 */
const targetLimits = {
  /** most samples per page (a vLLM page with several models has 1-3k, node_exporter 1-3k) */
  sample_limit: z.number().int().min(0).max(10_000_000).default(20_000),
  /** most labels on one sample, __name__ included */
  label_limit: z.number().int().min(0).max(100_000).default(64),
  /** longest label name, bytes */
  label_name_length_limit: z.number().int().min(0).max(1 << 20).default(256),
  /** longest label value (the metric name too), UTF-8 bytes */
  label_value_length_limit: z.number().int().min(0).max(1 << 24).default(4096),
  /** bytes; uncompressed body cap; default 16 MiB */
  body_size_limit: z.number().int().min(1024).max(1 << 30).optional(),
  /** the earlier name of body_size_limit, still read */
  max_body_bytes: z.number().int().min(1024).max(1 << 30).optional(),
};

/** Files are read at every scrape, so a rotated secret is picked up without a restart. */
const targetAuth = {
  basic_auth: z
    .strictObject({
      username: z.string().min(1).max(1024),
      password: z.string().max(4096).optional(),
      /** file holding the password (surrounding whitespace trimmed) */
      password_file: z.string().min(1).max(4096).optional(),
    })
    .optional(),
  bearer_token: z.string().regex(/^[\x21-\x7e]{1,8192}$/, 'a token of 1-8192 visible ASCII characters').optional(),
  /** file holding the bearer token (surrounding whitespace trimmed) */
  bearer_token_file: z.string().min(1).max(4096).optional(),
};

type TargetKeys = {
  url: string;
  basic_auth?: { password?: string | undefined; password_file?: string | undefined } | undefined;
  bearer_token?: string | undefined;
  bearer_token_file?: string | undefined;
  body_size_limit?: number | undefined;
  max_body_bytes?: number | undefined;
};

/** One way of authenticating per target, as Prometheus requires; a URL's `user:pass@` counts as basic_auth. */
function exclusiveKeys(t: TargetKeys, ctx: z.core.$RefinementCtx<TargetKeys>): void {
  const clash = (path: string[], message: string): void => {
    ctx.addIssue({ code: 'custom', path, message, input: undefined });
  };
  let userinfo = false;
  try {
    const u = new URL(t.url);
    userinfo = u.username !== '' || u.password !== '';
  } catch {
    // an invalid URL is reported by its own check
  }
  const ways = [
    ...(t.basic_auth !== undefined ? ['basic_auth'] : []),
    ...(t.bearer_token !== undefined ? ['bearer_token'] : []),
    ...(t.bearer_token_file !== undefined ? ['bearer_token_file'] : []),
    ...(userinfo ? ['url (user:password@)'] : []),
  ];
  if (ways.length > 1) clash([], `only one of basic_auth, bearer_token, bearer_token_file, or credentials in url (got ${ways.join(', ')})`);
  if (t.basic_auth?.password !== undefined && t.basic_auth.password_file !== undefined) {
    clash(['basic_auth'], 'only one of basic_auth.password and basic_auth.password_file');
  }
  if (t.body_size_limit !== undefined && t.max_body_bytes !== undefined) {
    clash([], 'only one of body_size_limit and max_body_bytes (its earlier name)');
  }
}

const scrapeTarget = z
  .strictObject({
    /** becomes the `job` label; unique */
    name: z.string().regex(/^[a-zA-Z0-9_.:-]{1,64}$/, 'a name of 1-64 letters, digits, _ . : -'),
    /** http(s) URL of a Prometheus /metrics endpoint; `user:pass@` becomes basic auth */
    url: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }),
    /** seconds between scrapes; default monitoring_interval */
    interval: positiveSeconds.optional(),
    /** seconds; default min(10, interval); must be <= interval (Prometheus rule) */
    timeout: positiveSeconds.optional(),
    /** extra labels on every series of the target */
    labels: z.record(labelName, z.string()).optional(),
    /** 'auto' negotiates OpenMetrics or text like Prometheus 2.42 */
    format: z.enum(['auto', 'prometheus', 'openmetrics']).default('auto'),
    ...targetLimits,
    ...targetAuth,
    /** show the target's latest successful page in /metrics as it was scraped (its own names; the agent's own families win) */
    pass_through: z.boolean().default(true),
  })
  .superRefine(exclusiveKeys);

const engine = z
  .strictObject({
    /** the `engine` label of its unified metrics, and its scrape job; unique among engines and scrape targets */
    name: z.string().regex(/^[a-zA-Z0-9_.:-]{1,64}$/, 'a name of 1-64 letters, digits, _ . : -'),
    /** the engine's /metrics URL; `user:pass@` becomes basic auth */
    url: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }),
    /** detected from the metric names when not given */
    flavor: z.enum(['aphrodite', 'vllm', 'sglang', 'tgi', 'llamacpp']).optional(),
    /** seconds between scrapes; default monitoring_interval */
    interval: positiveSeconds.optional(),
    /** seconds; default min(10, interval) */
    timeout: positiveSeconds.optional(),
    labels: z.record(labelName, z.string()).optional(),
    /**
     * the GPUs serving the engine, by index ("0") or UUID, for its power and tokens per joule;
     * default: the GPUs its processes hold memory on (found through the process listening on its
     * port on this host), else every GPU when it is the only engine
     */
    gpus: z.array(z.string().min(1).max(128)).max(64).optional(),
    ...targetLimits,
    ...targetAuth,
    /** also show the engine's raw page in /metrics (its `engine` label becomes `engine_index`); the unified metrics are always shown */
    pass_through: z.boolean().default(false),
  })
  .superRefine(exclusiveKeys);

const componentSource = z.strictObject({
  /** component name (dtesn, echo_self, embodied, or your own); a letter first, not reserved (see checkComponentName) */
  name: z
    .string()
    .regex(COMPONENT_NAME_RE, COMPONENT_NAME_EXPECTED)
    .check((ctx) => {
      // The pattern has its own issue above; this adds the reserved names.
      const why = COMPONENT_NAME_RE.test(ctx.value) ? checkComponentName(ctx.value) : undefined;
      if (why !== undefined) ctx.issues.push({ code: 'custom', message: why, input: ctx.value });
    }),
  /** http(s) URL answering JSON {"metric": value} or Prometheus text */
  url: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }),
  format: z.enum(['json', 'prometheus']).default('json'),
  /** seconds between pulls; default monitoring_interval */
  interval: positiveSeconds.optional(),
  enabled: z.boolean().default(true),
});

export const configSchema = z.strictObject({
  /** seconds between collections; seed default 1.0 */
  monitoring_interval: positiveSeconds.default(1.0),
  /** snapshots kept in metricsHistory; seed default 1000 */
  max_metrics_history: z.number().int().min(1).max(10_000_000).default(1000),
  /** alert incidents kept in alertsHistory */
  max_alerts_history: z.number().int().min(1).max(10_000_000).default(1000),
  /** seconds a collector may run; default 80 % of monitoring_interval; must be <= monitoring_interval */
  collector_timeout: positiveSeconds.optional(),
  /** most samples one collector may return in one tick (OTel's cardinality default is 2000) */
  max_samples_per_collector: z.number().int().min(1).max(1_000_000).default(2000),
  /** most series held in memory; past it new series are dropped and counted */
  max_series: z.number().int().min(1).max(10_000_000).default(50_000),
  /**
   * series of max_series kept for the agent's own (collectors, derived, self-metrics);
   * scrape targets may fill only the rest. Default 10 % of max_series, at least 1000,
   * at most half of max_series. Must be <= max_series.
   */
  reserved_series: z.number().int().min(0).max(10_000_000).optional(),
  alert_thresholds: alertThresholds.default({}),
  degradation_detection: z
    .strictObject({
      /** samples in the regression window; seed default 10 */
      window_size: z.number().int().min(2).max(100_000).default(10),
      /** relative change over the window that counts as degradation; seed default 0.15 */
      threshold: finite.gt(0).default(0.15),
      enabled: z.boolean().default(true),
    })
    .default({ window_size: 10, threshold: 0.15, enabled: true }),
  /** alerting rules, added to the default set (a rule named like a default one replaces it); see docs/rules.md */
  rules: rulesSchema.default([]),
  /** whether the default rules (the seed's thresholds and trends, baselines, forecasts, engine rules) apply */
  default_rules: z.boolean().default(true),
  alerting: z
    .strictObject({
      /** seconds after which a still-firing alert is sent again (Alertmanager's repeat_interval, 4 h); 0 = never */
      repeat_interval: finite.min(0).max(400 * 86400).default(14_400),
      /** seconds the default threshold rules must hold before they fire (Prometheus `for`); 0 = the seed's immediate alerts */
      default_for: finite.min(0).max(86_400).default(60),
      /** seconds a down target's alert keeps firing after it is back (Prometheus `keep_firing_for`): a restart loop is one incident */
      target_keep_firing_for: finite.min(0).max(86_400).default(60),
      /** the agent's URL as receivers should link to it (notifications' generatorURL, Slack links); default http://<server.host>:<server.port> */
      external_url: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }).max(2048).optional(),
    })
    .default({ repeat_interval: 14_400, default_for: 60, target_keep_firing_for: 60 }),
  /**
   * where alerts are delivered (webhook, slack, email, alertmanager, command, console, echo_dash); see docs/notifiers.md.
   * console and echo_dash are on unless listed with enabled: false
   */
  notifiers: notifiersSchema.default([]),
  /** Prometheus remote-write 1.0 receivers every sample /metrics shows is sent to; see docs/remote_write.md */
  remote_write: remoteWriteSchema.default([]),
  server: z
    .strictObject({
      /** bind address; anything but loopback requires push_token */
      host: z.string().min(1).default('127.0.0.1'),
      /** TCP port of /metrics and the API (9464: the OpenTelemetry Prometheus exporter's port) */
      port: z.number().int().min(0).max(65535).default(9464),
      /** bearer token required by write endpoints */
      push_token: z.string().regex(/^[\x21-\x7e]{8,512}$/, 'a token of 8-512 visible ASCII characters').optional(),
      /**
       * open connections one client (an IPv4 address, an IPv6 /64) may hold; more are closed on accept.
       * On a loopback bind every local client shares 127.0.0.1: raise it for more than a few dozen local pushers.
       */
      max_connections_per_ip: z.number().int().min(1).max(1_000_000).default(32),
    })
    .default({ host: '127.0.0.1', port: 9464, max_connections_per_ip: 32 }),
  /** components whose metrics are pulled over HTTP (push needs no config: POST /api/v1/push/{component}) */
  components: z.array(componentSource).max(1000).default([]),
  /** intervals without new data after which a component is stale (INFO), and twice that (WARNING) */
  stale_after_intervals: z.number().int().min(1).max(10_000).default(3),
  /** largest push body accepted, bytes (1 MiB); larger is answered 413 */
  push_max_body_bytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024),
  /** seconds a pushed timestamp may be ahead of the clock beyond one monitoring_interval; further is answered 400 */
  push_max_future_seconds: finite.min(0).max(3600).default(5),
  /** most pushed components held at once (dtesn, echo_self and embodied do not count); a new one past it is answered 429 */
  max_push_components: z.number().int().min(1).max(10_000).default(64),
  /** seconds without a push after which a pushed component is forgotten (never before it is stale) */
  push_forget_after: positiveSeconds.default(600),
  echo_dash: z
    .strictObject({
      /** write echo.dash files (the integrated system and `echo-perf start`) */
      enabled: z.boolean().default(true),
      /** the seed's directory */
      stats_dir: z.string().min(1).default('/tmp/echo_stats'),
      /** alert files kept at most */
      max_alert_files: z.number().int().min(1).default(1000),
      /** hours an alert file is kept at most */
      max_alert_age_hours: positiveSeconds.default(168),
      team_member: z.string().min(1).default('echo-perf'),
    })
    .default({ enabled: true, stats_dir: '/tmp/echo_stats', max_alert_files: 1000, max_alert_age_hours: 168, team_member: 'echo-perf' }),
  /** LLM inference engines (Aphrodite, vLLM, SGLang, TGI, llama.cpp) scraped for unified metrics */
  engines: z.array(engine).max(1000).default([]),
  /** engine intervals a stall must hold before the CRITICAL engine_stalled alert */
  engine_stall_intervals: z.number().int().min(2).max(10_000).default(5),
  /** Prometheus /metrics endpoints to scrape */
  scrape_targets: z.array(scrapeTarget).max(1000).default([]),
  /** seconds of history behind derived rates and histogram quantiles, as rate(x[window]) */
  rate_window: positiveSeconds.default(60),
  gpu: z
    .strictObject({
      /** the built-in GPU collector (nvidia-smi / rocm-smi on PATH, or a DCGM exporter), registered as `gpu` */
      enabled: z.boolean().default(true),
      /** a DCGM exporter /metrics URL; NVIDIA figures then come from it instead of nvidia-smi */
      dcgm_url: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }).optional(),
      /** seconds between GPU readings; default monitoring_interval */
      interval: positiveSeconds.optional(),
      /**
       * seconds between the deep NVIDIA readings of one long-lived `nvidia-smi dmon` (PCIe throughput,
       * BAR1, PCIe replays, power/thermal violation, and SM/tensor/DRAM activity where the GPU reports
       * them); 0 turns it off. dmon costs ~1 % of a core at 1 s on an H200, so the default is slower.
       */
      deep_interval: z.number().int().min(0).max(10).default(10),
      /**
       * seconds between per-process SM and memory-controller shares (`nvidia-smi pmon`); 0 (the default)
       * turns it off: pmon costs ~4.5 % of a core at 1 s on an H200. Per-process GPU memory is always read.
       */
      process_interval: z.number().int().min(0).max(10).default(0),
    })
    .default({ enabled: true, deep_interval: 10, process_interval: 0 }),
  system: z
    .strictObject({
      /** the built-in host collector, registered as `system` */
      enabled: z.boolean().default(true),
    })
    .default({ enabled: true }),
  /** log level of the monitor's own messages */
  log_level: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  log_file: z
    .strictObject({
      /** the agent's log file (JSON lines) instead of stderr; `echo-perf start --log-file` overrides */
      path: z.string().min(1).max(4096).optional(),
      /** bytes a log file reaches before it is rotated to PATH.1 (10 MiB) */
      max_size: z.number().int().min(1024).max(1_099_511_627_776).default(10_485_760),
      /** rotated files kept besides the current one (PATH.1 … PATH.N); older ones are deleted */
      max_files: z.number().int().min(1).max(1000).default(5),
    })
    .default({ max_size: 10_485_760, max_files: 5 }),
  storage: z
    .strictObject({
      /**
       * keep history on disk; no default: `echo-perf start` persists unless false, the library
       * only when true or data_dir is set (an embedded monitor does not write into the home dir by itself)
       */
      enabled: z.boolean().optional(),
      /** default $XDG_STATE_HOME/echo-perf or ~/.local/state/echo-perf (`echo-perf start --data-dir` overrides) */
      data_dir: z.string().min(1).max(4096).optional(),
      /** seconds between writes to disk; at most this much is lost when the process is killed */
      flush_interval: finite.min(0.1).max(300).default(5),
      retention: z
        .strictObject({
          /** seconds of raw samples (2 days) */
          raw: finite.min(60).default(172_800),
          /** seconds of 1-minute rollups: min, max, sum, count, last (30 days) */
          minute: finite.min(3600).default(2_592_000),
          /** seconds of 1-hour rollups (365 days) */
          hour: finite.min(86_400).default(31_536_000),
        })
        .default({ raw: 172_800, minute: 2_592_000, hour: 31_536_000 }),
      /** samples held in memory while the disk cannot be written; the oldest are dropped past it */
      max_pending_samples: z.number().int().min(1000).max(100_000_000).default(1_000_000),
    })
    .default({ flush_interval: 5, retention: { raw: 172_800, minute: 2_592_000, hour: 31_536_000 }, max_pending_samples: 1_000_000 }),
}).superRefine((c, ctx) => {
  if (c.reserved_series !== undefined && c.reserved_series > c.max_series) {
    ctx.addIssue({ code: 'custom', path: ['reserved_series'], message: `a number of series <= max_series (${c.max_series})`, input: c.reserved_series });
  }
});

/** The config file as a user writes it (everything optional). */
export type EchoPerfConfigInput = z.input<typeof configSchema>;
/** The config after validation and defaults. */
export type EchoPerfConfig = z.output<typeof configSchema>;
export type ThresholdKey = (typeof thresholdKeys)[number];
