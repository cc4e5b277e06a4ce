/**
 * @module config/schema
 * The one schema for echo-perf's JSON config. Keys keep the seed's snake_case
 * (`monitoring_interval`, `alert_thresholds`, ...). Unknown keys are rejected.
 * Every default is here, with its unit.
 */
import * as v from 'valibot';
import { checkComponentName, COMPONENT_NAME_EXPECTED, COMPONENT_NAME_RE } from '../core/components.js';
import { rulesSchema } from './rules/index.js';
import { notifiersSchema } from './notifiers.js';
import { remoteWriteSchema } from './remoteWrite.js';
import { fatal, finite, httpUrl, int, record, refine, strictObject } from './schemaParts.js';

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

const percent = v.pipe(finite, v.minValue(0), v.maxValue(100));
const positiveSeconds = v.pipe(finite, v.gtValue(0));
const positive = positiveSeconds;
const nonNegative = v.pipe(finite, v.minValue(0));
const ratio = v.pipe(finite, v.minValue(0), v.maxValue(1));
const url = v.pipe(v.string(), httpUrl('an http:// or https:// URL'));
/** A string of `min`..`max` UTF-16 code units. */
const text = (min: number, max: number) => v.pipe(v.string(), v.minLength(min), v.maxLength(max));
const nonEmpty = v.pipe(v.string(), v.minLength(1));
/** An integer in `min`..`max`. */
const integer = (min: number, max: number) => v.pipe(int, v.minValue(min), v.maxValue(max));

const alertThresholds = strictObject({
  /** ms; WARNING above */
  request_latency_ms: v.optional(positive),
  /** ms; WARNING above */
  sensory_motor_latency: v.optional(positive),
  /** %; WARNING above */
  cpu_usage: v.optional(percent),
  /** %; WARNING above */
  memory_usage: v.optional(percent),
  /** %; WARNING above */
  gpu_utilization: v.optional(percent),
  /** tokens/s; CRITICAL below */
  token_throughput: v.optional(nonNegative),
  /** 0..1; CRITICAL below */
  evolution_convergence: v.optional(ratio),
  /** 0..1; CRITICAL below */
  proprioceptive_accuracy: v.optional(ratio),
  // Per LLM engine (the unified engine metrics; see docs/rules.md): WARNING above, held `alerting.default_for`.
  /** ms; time to first token, p95 over rate_window; default request_latency_ms (1000), CRITICAL at 5× */
  ttft_ms: v.optional(positive),
  /** ms; time per output token, p95 over rate_window; no rule unless set */
  tpot_ms: v.optional(positive),
  /** ms; queue time, p95 over rate_window; no rule unless set */
  queue_time_ms: v.optional(positive),
  /** %; KV-cache usage; default 95 (CRITICAL at 99) */
  kv_cache_usage: v.optional(percent),
  /** requests queued, not yet scheduled; default 50 */
  requests_waiting: v.optional(nonNegative),
  /** ratio 0..1 of finished requests that failed; default 0.05 (CRITICAL at 0.25) */
  request_error_rate: v.optional(ratio),
  /** preemptions per second; no rule unless set */
  preemptions_per_s: v.optional(nonNegative),
});

const labelName = v.pipe(v.string(), v.regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'a label name matching [a-zA-Z_][a-zA-Z0-9_]*'));
const targetName = v.pipe(v.string(), v.regex(/^[a-zA-Z0-9_.:-]{1,64}$/, 'a name of 1-64 letters, digits, _ . : -'));

/**
 * Per-target limits and credentials, shared by engines and scrape targets, with
 * Prometheus's names and meaning (prometheus.io/docs/prometheus/latest/configuration/configuration/#scrape_config).
 * A page past a limit fails its whole scrape. Labels are counted as the page
 * has them, the metric name (`__name__`) included, target labels not; lengths
 * are UTF-8 bytes. 0 = no limit.
 */
const targetLimits = {
  /** most samples per page (a vLLM page with several models has 1-3k, node_exporter 1-3k) */
  sample_limit: v.optional(integer(0, 10_000_000), 20_000),
  /** most labels on one sample, __name__ included */
  label_limit: v.optional(integer(0, 100_000), 64),
  /** longest label name, bytes */
  label_name_length_limit: v.optional(integer(0, 1 << 20), 256),
  /** longest label value (the metric name too), UTF-8 bytes */
  label_value_length_limit: v.optional(integer(0, 1 << 24), 4096),
  /** bytes; uncompressed body cap; default 16 MiB */
  body_size_limit: v.optional(integer(1024, 1 << 30)),
  /** the earlier name of body_size_limit, still read */
  max_body_bytes: v.optional(integer(1024, 1 << 30)),
};

/** Files are read at every scrape, so a rotated secret is picked up without a restart. */
const targetAuth = {
  basic_auth: v.optional(
    strictObject({
      username: text(1, 1024),
      password: v.optional(v.pipe(v.string(), v.maxLength(4096))),
      /** file holding the password (surrounding whitespace trimmed) */
      password_file: v.optional(text(1, 4096)),
    }),
  ),
  bearer_token: v.optional(v.pipe(v.string(), v.regex(/^[\x21-\x7e]{1,8192}$/, 'a token of 1-8192 visible ASCII characters'))),
  /** file holding the bearer token (surrounding whitespace trimmed) */
  bearer_token_file: v.optional(text(1, 4096)),
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
const exclusiveKeys = <T extends TargetKeys>() =>
  refine<T>((t, report) => {
  const clash = (path: string[], message: string): void => report(message, path);
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
  });

const scrapeTarget = v.pipe(
  strictObject({
    /** becomes the `job` label; unique */
    name: targetName,
    /** http(s) URL of a Prometheus /metrics endpoint; `user:pass@` becomes basic auth */
    url: url,
    /** seconds between scrapes; default monitoring_interval */
    interval: v.optional(positiveSeconds),
    /** seconds; default min(10, interval); must be <= interval (Prometheus rule) */
    timeout: v.optional(positiveSeconds),
    /** extra labels on every series of the target */
    labels: v.optional(record(labelName, v.string())),
    /** 'auto' negotiates OpenMetrics or text like Prometheus 2.42 */
    format: v.optional(v.picklist(['auto', 'prometheus', 'openmetrics']), 'auto'),
    ...targetLimits,
    ...targetAuth,
    /** show the target's latest successful page in /metrics as it was scraped (its own names; the agent's own families win) */
    pass_through: v.optional(v.boolean(), true),
  }),
  exclusiveKeys(),
);

const engine = v.pipe(
  strictObject({
    /** the `engine` label of its unified metrics, and its scrape job; unique among engines and scrape targets */
    name: targetName,
    /** the engine's /metrics URL; `user:pass@` becomes basic auth */
    url: url,
    /** detected from the metric names when not given */
    flavor: v.optional(v.picklist(['aphrodite', 'vllm', 'sglang', 'tgi', 'llamacpp'])),
    /** seconds between scrapes; default monitoring_interval */
    interval: v.optional(positiveSeconds),
    /** seconds; default min(10, interval) */
    timeout: v.optional(positiveSeconds),
    labels: v.optional(record(labelName, v.string())),
    /**
     * the GPUs serving the engine, by index ("0") or UUID, for its power and tokens per joule;
     * default: the GPUs its processes hold memory on (found through the process listening on its
     * port on this host), else every GPU when it is the only engine
     */
    gpus: v.optional(v.pipe(v.array(text(1, 128)), v.maxLength(64))),
    ...targetLimits,
    ...targetAuth,
    /** also show the engine's raw page in /metrics (its `engine` label becomes `engine_index`); the unified metrics are always shown */
    pass_through: v.optional(v.boolean(), false),
  }),
  exclusiveKeys(),
);

/** Why a component name that has the pattern is refused (a reserved name), if it is. */
const reservedWhy = (name: string): string | undefined => (COMPONENT_NAME_RE.test(name) ? checkComponentName(name) : undefined);

const componentSource = strictObject({
  /** component name (dtesn, echo_self, embodied, or your own); a letter first, not reserved (see checkComponentName) */
  name: v.pipe(
    v.string(),
    v.regex(COMPONENT_NAME_RE, COMPONENT_NAME_EXPECTED),
    // The pattern has its own issue above; this adds the reserved names.
    fatal(v.check((name: string) => reservedWhy(name) === undefined, (i) => reservedWhy(i.input) ?? '')),
  ),
  /** http(s) URL answering JSON {"metric": value} or Prometheus text */
  url: url,
  format: v.optional(v.picklist(['json', 'prometheus']), 'json'),
  /** seconds between pulls; default monitoring_interval */
  interval: v.optional(positiveSeconds),
  enabled: v.optional(v.boolean(), true),
});

export const configSchema = v.pipe(
  strictObject({
  /** seconds between collections; seed default 1.0 */
  monitoring_interval: v.optional(positiveSeconds, 1.0),
  /** snapshots kept in metricsHistory; seed default 1000 */
  max_metrics_history: v.optional(integer(1, 10_000_000), 1000),
  /** alert incidents kept in alertsHistory */
  max_alerts_history: v.optional(integer(1, 10_000_000), 1000),
  /** seconds a collector may run; default 80 % of monitoring_interval; must be <= monitoring_interval */
  collector_timeout: v.optional(positiveSeconds),
  /** most samples one collector may return in one tick (OTel's cardinality default is 2000) */
  max_samples_per_collector: v.optional(integer(1, 1_000_000), 2000),
  /** most series held in memory; past it new series are dropped and counted */
  max_series: v.optional(integer(1, 10_000_000), 50_000),
  /**
   * series of max_series kept for the agent's own (collectors, derived, self-metrics);
   * scrape targets may fill only the rest. Default 10 % of max_series, at least 1000,
   * at most half of max_series. Must be <= max_series.
   */
  reserved_series: v.optional(integer(0, 10_000_000)),
  alert_thresholds: v.optional(alertThresholds, {}),
  degradation_detection: v.optional(
    strictObject({
      /** samples in the regression window; seed default 10 */
      window_size: v.optional(integer(2, 100_000), 10),
      /** relative change over the window that counts as degradation; seed default 0.15 */
      threshold: v.optional(v.pipe(finite, v.gtValue(0)), 0.15),
      enabled: v.optional(v.boolean(), true),
    }),
    { window_size: 10, threshold: 0.15, enabled: true },
  ),
  /** alerting rules, added to the default set (a rule named like a default one replaces it); see docs/rules.md */
  rules: v.optional(rulesSchema, []),
  /** whether the default rules (the seed's thresholds and trends, baselines, forecasts, engine rules) apply */
  default_rules: v.optional(v.boolean(), true),
  alerting: v.optional(
    strictObject({
      /** seconds after which a still-firing alert is sent again (Alertmanager's repeat_interval, 4 h); 0 = never */
      repeat_interval: v.optional(v.pipe(finite, v.minValue(0), v.maxValue(400 * 86400)), 14_400),
      /** seconds the default threshold rules must hold before they fire (Prometheus `for`); 0 = the seed's immediate alerts */
      default_for: v.optional(v.pipe(finite, v.minValue(0), v.maxValue(86_400)), 60),
      /** seconds a down target's alert keeps firing after it is back (Prometheus `keep_firing_for`): a restart loop is one incident */
      target_keep_firing_for: v.optional(v.pipe(finite, v.minValue(0), v.maxValue(86_400)), 60),
      /** the agent's URL as receivers should link to it (notifications' generatorURL, Slack links); default http://<server.host>:<server.port> */
      external_url: v.optional(v.pipe(url, v.maxLength(2048))),
    }),
    { repeat_interval: 14_400, default_for: 60, target_keep_firing_for: 60 },
  ),
  /**
   * where alerts are delivered (webhook, slack, email, alertmanager, command, console, echo_dash); see docs/notifiers.md.
   * console and echo_dash are on unless listed with enabled: false
   */
  notifiers: v.optional(notifiersSchema, []),
  /** Prometheus remote-write 1.0 receivers every sample /metrics shows is sent to; see docs/remote_write.md */
  remote_write: v.optional(remoteWriteSchema, []),
  server: v.optional(
    strictObject({
      /** bind address; anything but loopback requires push_token */
      host: v.optional(nonEmpty, '127.0.0.1'),
      /** TCP port of /metrics and the API (9464: the OpenTelemetry Prometheus exporter's port) */
      port: v.optional(integer(0, 65535), 9464),
      /** bearer token required by write endpoints */
      push_token: v.optional(v.pipe(v.string(), v.regex(/^[\x21-\x7e]{8,512}$/, 'a token of 8-512 visible ASCII characters'))),
      /**
       * open connections one client (an IPv4 address, an IPv6 /64) may hold; more are closed on accept.
       * On a loopback bind every local client shares 127.0.0.1: raise it for more than a few dozen local pushers.
       */
      max_connections_per_ip: v.optional(integer(1, 1_000_000), 32),
    }),
    { host: '127.0.0.1', port: 9464, max_connections_per_ip: 32 },
  ),
  /** components whose metrics are pulled over HTTP (push needs no config: POST /api/v1/push/{component}) */
  components: v.optional(v.pipe(v.array(componentSource), v.maxLength(1000)), []),
  /** intervals without new data after which a component is stale (INFO), and twice that (WARNING) */
  stale_after_intervals: v.optional(integer(1, 10_000), 3),
  /** largest push body accepted, bytes (1 MiB); larger is answered 413 */
  push_max_body_bytes: v.optional(integer(1024, 64 * 1024 * 1024), 1024 * 1024),
  /** seconds a pushed timestamp may be ahead of the clock beyond one monitoring_interval; further is answered 400 */
  push_max_future_seconds: v.optional(v.pipe(finite, v.minValue(0), v.maxValue(3600)), 5),
  /** most pushed components held at once (dtesn, echo_self and embodied do not count); a new one past it is answered 429 */
  max_push_components: v.optional(integer(1, 10_000), 64),
  /** seconds without a push after which a pushed component is forgotten (never before it is stale) */
  push_forget_after: v.optional(positiveSeconds, 600),
  echo_dash: v.optional(
    strictObject({
      /** write echo.dash files (the integrated system and `echo-perf start`) */
      enabled: v.optional(v.boolean(), true),
      /** the seed's directory */
      stats_dir: v.optional(nonEmpty, '/tmp/echo_stats'),
      /** alert files kept at most */
      max_alert_files: v.optional(v.pipe(int, v.minValue(1)), 1000),
      /** hours an alert file is kept at most */
      max_alert_age_hours: v.optional(positiveSeconds, 168),
      team_member: v.optional(nonEmpty, 'echo-perf'),
    }),
    { enabled: true, stats_dir: '/tmp/echo_stats', max_alert_files: 1000, max_alert_age_hours: 168, team_member: 'echo-perf' },
  ),
  /** LLM inference engines (Aphrodite, vLLM, SGLang, TGI, llama.cpp) scraped for unified metrics */
  engines: v.optional(v.pipe(v.array(engine), v.maxLength(1000)), []),
  /** engine intervals a stall must hold before the CRITICAL engine_stalled alert */
  engine_stall_intervals: v.optional(integer(2, 10_000), 5),
  /** Prometheus /metrics endpoints to scrape */
  scrape_targets: v.optional(v.pipe(v.array(scrapeTarget), v.maxLength(1000)), []),
  /** seconds of history behind derived rates and histogram quantiles, as rate(x[window]) */
  rate_window: v.optional(positiveSeconds, 60),
  gpu: v.optional(
    strictObject({
      /** the built-in GPU collector (nvidia-smi / rocm-smi on PATH, or a DCGM exporter), registered as `gpu` */
      enabled: v.optional(v.boolean(), true),
      /** a DCGM exporter /metrics URL; NVIDIA figures then come from it instead of nvidia-smi */
      dcgm_url: v.optional(url),
      /** seconds between GPU readings; default monitoring_interval */
      interval: v.optional(positiveSeconds),
      /**
       * seconds between the deep NVIDIA readings of one long-lived `nvidia-smi dmon` (PCIe throughput,
       * BAR1, PCIe replays, power/thermal violation, and SM/tensor/DRAM activity where the GPU reports
       * them); 0 turns it off. dmon costs ~1 % of a core at 1 s on an H200, so the default is slower.
       */
      deep_interval: v.optional(integer(0, 10), 10),
      /**
       * seconds between per-process SM and memory-controller shares (`nvidia-smi pmon`); 0 (the default)
       * turns it off: pmon costs ~4.5 % of a core at 1 s on an H200. Per-process GPU memory is always read.
       */
      process_interval: v.optional(integer(0, 10), 0),
    }),
    { enabled: true, deep_interval: 10, process_interval: 0 },
  ),
  system: v.optional(
    strictObject({
      /** the built-in host collector, registered as `system` */
      enabled: v.optional(v.boolean(), true),
    }),
    { enabled: true },
  ),
  /** log level of the monitor's own messages */
  log_level: v.optional(v.picklist(['debug', 'info', 'warn', 'error', 'silent']), 'info'),
  log_file: v.optional(
    strictObject({
      /** the agent's log file (JSON lines) instead of stderr; `echo-perf start --log-file` overrides */
      path: v.optional(text(1, 4096)),
      /** bytes a log file reaches before it is rotated to PATH.1 (10 MiB) */
      max_size: v.optional(integer(1024, 1_099_511_627_776), 10_485_760),
      /** rotated files kept besides the current one (PATH.1 … PATH.N); older ones are deleted */
      max_files: v.optional(integer(1, 1000), 5),
    }),
    { max_size: 10_485_760, max_files: 5 },
  ),
  storage: v.optional(
    strictObject({
      /**
       * keep history on disk; no default: `echo-perf start` persists unless false, the library
       * only when true or data_dir is set (an embedded monitor does not write into the home dir by itself)
       */
      enabled: v.optional(v.boolean()),
      /** default $XDG_STATE_HOME/echo-perf or ~/.local/state/echo-perf (`echo-perf start --data-dir` overrides) */
      data_dir: v.optional(text(1, 4096)),
      /** seconds between writes to disk; at most this much is lost when the process is killed */
      flush_interval: v.optional(v.pipe(finite, v.minValue(0.1), v.maxValue(300)), 5),
      retention: v.optional(
        strictObject({
          /** seconds of raw samples (2 days) */
          raw: v.optional(v.pipe(finite, v.minValue(60)), 172_800),
          /** seconds of 1-minute rollups: min, max, sum, count, last (30 days) */
          minute: v.optional(v.pipe(finite, v.minValue(3600)), 2_592_000),
          /** seconds of 1-hour rollups (365 days) */
          hour: v.optional(v.pipe(finite, v.minValue(86_400)), 31_536_000),
        }),
        { raw: 172_800, minute: 2_592_000, hour: 31_536_000 },
      ),
      /** samples held in memory while the disk cannot be written; the oldest are dropped past it */
      max_pending_samples: v.optional(integer(1000, 100_000_000), 1_000_000),
    }),
    { flush_interval: 5, retention: { raw: 172_800, minute: 2_592_000, hour: 31_536_000 }, max_pending_samples: 1_000_000 },
  ),
  }),
  refine((c, report) => {
    if (c.reserved_series !== undefined && c.reserved_series > c.max_series) report(`a number of series <= max_series (${c.max_series})`, ['reserved_series']);
  }),
);

/** The config file as a user writes it (everything optional). */
export type EchoPerfConfigInput = v.InferInput<typeof configSchema>;
/** The config after validation and defaults. */
export type EchoPerfConfig = v.InferOutput<typeof configSchema>;
export type ThresholdKey = (typeof thresholdKeys)[number];
