/**
 * @module cli/usage
 * The usage text of every command, and how a command asks for it: `--help` or
 * `-h` anywhere among its arguments (before `--`), or `echo-perf help COMMAND`.
 */
import { EchoPerfError } from '../core/errors.js';
import { SIMULATE_ENGINE_USAGE } from '../simulate/engine/usage.js';

export const DEMO_USAGE = 'usage: echo-perf demo [--phase SECONDS | --fast] [--interval SECONDS] [--report PATH]';

export const USAGE = `usage: echo-perf <command> [options]
       echo-perf <command> --help       that command's usage
       echo-perf --version              the version

commands:
  start [--config FILE] [--port N] [--host ADDR] [--data-dir DIR] [--log-level L] [--log-file PATH]
                          run the monitor on this machine, keeping history in DIR
  demo [--phase SECONDS | --fast] [--interval SECONDS] [--report PATH]
                          ~4 min of simulated engines and components going through load spike,
                          degradation, KV saturation, stall, restart and outage, with live alerts,
                          a summary and a JSON report (--fast: ~1 min 35 s)
  query --metric NAME [--label k=v] [--since 10m | --start T --end T] [--step 1m] [--format table|json|csv]
                          stored history of one metric from the data dir (read-only, works while start runs)
  report --out FILE.html|.csv|.json [--since 24h | --start T --end T] [--metric NAME]...
                          a report over the data dir's history: one self-contained HTML page
                          (charts, figures, trends, alerts, uptime, SLOs), raw CSV, or JSON
  config check FILE       validate a config file (exit 0 valid, 2 invalid)
  rules [--config FILE] [--json]
                          the active rule set (defaults and config, overrides applied)
  config schema           print the config file's JSON Schema
  export prometheus-rules [--config FILE] [--out FILE]
                          the active rule set as a Prometheus rules file (YAML), in /metrics names
  simulate engine --flavor aphrodite|vllm|sglang|tgi|llamacpp [--port N] [--scenario NAME]
                          serve a live simulated engine /metrics on 127.0.0.1 (scenarios: steady,
                          load-spike, throughput-degradation, kv-cache-saturation, engine-restart,
                          outage, stalled)
  simulate component dtesn|echo-self|embodied [--url URL] [--interval S] [--count N]
                          [--scenario healthy|degraded] [--token T]
                          push realistic component metrics to a running monitor
  silence add MATCHER... --duration 2h --comment TEXT [--author A]
  silence list [--state active|pending|expired]
  silence expire ID...    silence alerts on a running agent (Alertmanager matchers)
  replay [--config FILE] [--metric NAME] [--out EVENTS.jsonl] [--scores DIR [--detector D]] INPUT...
                          feed recorded series (CSV timestamp,value or JSONL samples) through the
                          analysis at full speed; write alert events and/or per-row anomaly scores
  notify test [--config FILE] [--notifier NAME]
                          send a test alert through the configured notifiers and report each result
  help [COMMAND]          this text, or a command's usage
`;

export const SILENCE_USAGE = `usage: echo-perf silence add MATCHER... --comment TEXT [--duration 2h] [--author NAME]
       echo-perf silence list [--state pending|active|expired] [--format table|json]
       echo-perf silence expire ID...

Silences alerts on a running agent, as amtool does: a silenced alert still
fires and shows in /api/v1/status, but its handlers and echo.dash hear of it
only once the silence ends (if it still fires then).

  MATCHER            Alertmanager matchers: name="value", name!="value", name=~"regex",
                     name!~"regex" (regexes match the whole value), separately or as
                     one list '{a="b", c=~"d.*"}'. Labels: alertname, severity,
                     component, metric, kind and the series' labels (engine, model, ...)
  -d, --duration D   how long, e.g. 30m, 2h, 1d (default 1h)
  -c, --comment TEXT why (required)
  -a, --author NAME  who (default $USER)
      --state S      list only pending, active or expired silences
      --format F     list as a table (default) or json
      --url URL      the agent (default http://127.0.0.1:9464)
      --token T      the agent's server.push_token (needed when it binds beyond loopback)
  -h, --help         this text

Exit 0 done; 1 the agent refused (the reason is printed); 2 bad arguments or
the agent cannot be reached.
`;

export const NOTIFY_USAGE = `usage: echo-perf notify test [--config FILE] [--notifier NAME] [--format table|json]

Sends a test notification through the remote notifiers of the config
(webhook, slack, email, alertmanager, command), straight to each receiver,
and reports how each went. The notification says it is a test.

  -c, --config FILE     the config file naming the notifiers
  -n, --notifier NAME   only this notifier
      --format F        table (default) or json
  -h, --help            this text

Exit 0 every notifier delivered; 1 one or more failed (the reason is printed);
2 bad arguments, a bad config, or no notifier configured.
`;

export const REPLAY_USAGE = `usage: echo-perf replay [--config FILE] [--metric NAME] [--out EVENTS.jsonl] [--scores DIR [--detector D]] INPUT...

Feeds recorded series through the same analysis code as the live monitor, at
full speed on the samples' own time (never the wall clock).

INPUT is a CSV file with a header naming the columns timestamp and value (the
metric is --metric or the file name without its extension), a .jsonl file of
samples {"name", "labels"?, "t"|"timestamp", "v"|"value"}, one per line, or a
data dir (a directory holding the store's echo-perf.db: every stored series, or
those of --metric, at the raw tier). Timestamps: ISO-8601, "YYYY-MM-DD HH:MM:SS"
(UTC when no zone is given), or epoch numbers: seconds below 1e11, milliseconds
from 1e11 on. A file's series without a component label get
component="<file name without extension>", as a collector's would live.

  -c, --config FILE      JSON config file: its rules, default_rules, alert_thresholds and
                         alerting settings, as the monitor would run them
      --metric NAME      metric name of CSV inputs (default: each file's name without
                         extension); with a data dir, the only metric replayed
      --out FILE         run the active rule set (defaults + rules) over all inputs merged
                         by time, evaluated at each distinct timestamp, and write every
                         firing and resolved alert event there, one JSON object a line
      --scores DIR       run the default anomaly detector on every series and write, per input
                         file, DIR/<path below the inputs' common folder> as CSV
                         timestamp,value,anomaly_score, one row per input row, in order
                         (replay --scores out/echo data/*/*.csv gives out/echo/<category>/<file>.csv,
                         the layout the NAB scorer reads)
      --detector D       the detector of --scores: fast (default; the one the anomaly rules run
                         live) or context (CAD OSE re-expressed: better on NAB, far slower)
  -h, --help             this text

Exit 0 when done, 2 on a bad argument or input (the message names file:line, the field and the value).
`;

export const START_USAGE = `usage: echo-perf start [--config FILE] [--port N] [--host ADDR] [--data-dir DIR]
                        [--log-level LEVEL] [--log-file PATH]

Runs the monitor on this machine until SIGINT or SIGTERM: collects every
monitoring_interval, prints a status line and every alert, serves /metrics,
/healthz, /api/v1/status and POST /api/v1/push/{component}, and writes the
echo.dash files.

  -c, --config FILE  JSON config file (see echo-perf config schema); default: the built-in defaults
  -p, --port N       port to serve on, 0..65535; overrides server.port (default 9464)
      --host ADDR    address to bind; overrides server.host (default 127.0.0.1). Any address
                     but loopback needs server.push_token in the config file
      --data-dir DIR where history is kept (SQLite, one agent per dir); overrides
                     storage.data_dir (default $XDG_STATE_HOME/echo-perf or ~/.local/state/echo-perf).
                     storage.enabled: false in the config keeps the agent memory-only
      --log-level L  debug, info, warn, error or silent; overrides $ECHO_PERF_LOG, which
                     overrides log_level (default info)
      --log-file PATH
                     log to PATH (JSON lines) instead of stderr, rotated at log_file.max_size
                     bytes (default 10 MiB) keeping log_file.max_files old files (default 5);
                     overrides log_file.path. Logs are JSON lines, or human-readable when
                     stderr is a terminal (docs/logs.md)
  -h, --help         this text
`;

export const CONFIG_USAGE = `usage: echo-perf config check FILE
       echo-perf config schema

  check FILE   validate a config file (exit 0 valid, 2 invalid)
  schema       print the config file's JSON Schema
`;

export const CONFIG_CHECK_USAGE = `usage: echo-perf config check FILE

Validates FILE as echo-perf start --config FILE does: every key against the
schema, and the rules across keys (collector_timeout <= monitoring_interval,
unique engine and target names, server.push_token when server.host is not a
loopback address). Exit 0 when valid; 2 with each bad key, its value and what
was expected.
`;

export const RULES_USAGE = `usage: echo-perf rules [--config FILE] [--json]

Prints the rules the monitor runs with this config: the default rules (when
default_rules is true) and the config's rules, a config rule named like a
default one in its place. One line per rule: name, kind, the series it watches
(as a PromQL selector), its settings, its for / keep_firing_for, and whether it
is disabled or its kind is not available.

  -c, --config FILE  JSON config file; default: the built-in defaults
      --json         the rules as JSON (name, kind, origin, series, params,
                     forSeconds, keepFiringForSeconds, state)
  -h, --help         this text

Exit 0 done; 2 on a bad argument or an invalid config (the message names the key).
`;

export const EXPORT_RULES_USAGE = `usage: echo-perf export prometheus-rules [--config FILE] [--out FILE]

Writes the rules the monitor runs with this config (as echo-perf rules lists
them) as a Prometheus rules file, in the names and units of /metrics
(cpu_usage above 85 becomes echo_perf_cpu_usage_ratio > 0.85): groups
echo-perf-thresholds, -engines, -trends, -forecasts, -baselines, -anomalies,
-slos. Trends, baselines and anomalies are PromQL approximations, said so in
the file's comments; rules PromQL cannot express are listed as comments.

  -c, --config FILE  JSON config file; default: the built-in defaults
  -o, --out FILE     write the file there (atomically); default: standard output
  -h, --help         this text

Exit 0 done; 2 on a bad argument or an invalid config (the message names the key).
`;

export const CONFIG_SCHEMA_USAGE = `usage: echo-perf config schema

Prints the config file's JSON Schema (draft 2020-12), for editors and CI.
`;

export const SIMULATE_USAGE = `usage: echo-perf simulate engine --flavor F [options]
       echo-perf simulate component NAME [options]

  engine      serve a live simulated engine /metrics (echo-perf simulate engine --help)
  component   push realistic component metrics to a running monitor (echo-perf simulate component --help)
`;

export const SIMULATE_COMPONENT_USAGE = `usage: echo-perf simulate component dtesn|echo-self|embodied [--url URL] [--interval S]
           [--count N] [--scenario healthy|degraded] [--token T] [--seed S]

Pushes realistic metrics of a Deep Tree Echo component to a running monitor
(POST {url}/api/v1/push/{component}) every --interval seconds, until --count
pushes are sent or SIGINT. Exit 0 when every push was accepted, 1 otherwise.

  --url URL        the monitor, an http:// or https:// URL (default http://127.0.0.1:9464)
  --interval S     seconds between pushes, > 0 (default 1)
  --count N        pushes to send, >= 1 (default: until stopped)
  --scenario NAME  healthy | degraded (default healthy)
  --token T        bearer token, when the monitor sets server.push_token
  --seed S         PRNG seed (default 1)
  -h, --help       this text
`;

export const HELP_USAGE = `usage: echo-perf help [COMMAND [SUBCOMMAND]]

Prints the list of commands, or one command's usage (as echo-perf COMMAND --help does).
`;

/** Usage by command path, as `help` and `--help` look it up. */
export const QUERY_USAGE = `usage: echo-perf query --metric NAME [--label k=v]... [--since 10m | --start T --end T]
                      [--step 1m] [--format table|json|csv] [--data-dir DIR]

Prints stored history of one metric from the data dir, from the finest tier that
covers the range (raw, 1 min, 1 h). Read-only: works while echo-perf start runs.

  --metric NAME    as /metrics shows it (echo_perf_cpu_usage_ratio, in its units) or as the
                   library names it (cpu_usage, in %); a scrape target's own series by its name
  --label k=v      keep series with this label value (repeatable); with a summary name
                   from /metrics, quantile=0.95 picks the quantile
  --since DUR      the last DUR (default 1h): 90s, 10m, 1h30m, 7d
  --start T        RFC 3339 (2026-11-27T10:00:00Z) or unix seconds; with --end
  --end T          default: now
  --step DUR       one point per step (the last value, or the mean of rollups); default: as stored
  --format F       table (default), json or csv
  --data-dir DIR   default: $XDG_STATE_HOME/echo-perf or ~/.local/state/echo-perf
  -h, --help       this text
`;

export const REPORT_USAGE = `usage: echo-perf report --out FILE [--since 24h | --start T --end T] [--metric NAME]...
                       [--data-dir DIR | --config FILE] [--max-charts N]

Writes a report over a range of the data dir's history, from the finest tier that
covers the range (raw, 1 min, 1 h). Read-only: works while echo-perf start runs.
The extension of FILE picks the format:
  .html  one self-contained page (no script, no external reference): summary, charts,
         per-metric min/mean/p95/max/last, trends, alert timeline, uptime, SLOs
  .csv   raw points: timestamp,metric,labels,value (RFC 4180), one line per point
  .json  the figures: {generatedAt, range, metrics, alerts, components, trends, slo}

  -o, --out FILE   where to write (replaced atomically)
  --since DUR      the last DUR (default 24h): 90s, 10m, 1h30m, 7d
  --start T        RFC 3339 (2026-11-27T10:00:00Z) or unix seconds; with --end
  --end T          default: now
  --metric NAME    only this metric (repeatable), as stored (cpu_usage) or as /metrics names it
  --data-dir DIR   default: the config's storage.data_dir, else $XDG_STATE_HOME/echo-perf
                   or ~/.local/state/echo-perf
  -c, --config F   the agent's config file, for its storage.data_dir
  --max-charts N   charts drawn at most in .html (default 24; the others are named)
  -h, --help       this text
`;

export const COMMAND_USAGE: ReadonlyMap<string, string> = new Map([
  ['start', START_USAGE],
  ['demo', `${DEMO_USAGE}\n`],
  ['config', CONFIG_USAGE],
  ['config check', CONFIG_CHECK_USAGE],
  ['config schema', CONFIG_SCHEMA_USAGE],
  ['simulate', SIMULATE_USAGE],
  ['simulate engine', SIMULATE_ENGINE_USAGE],
  ['simulate component', SIMULATE_COMPONENT_USAGE],
  ['query', QUERY_USAGE],
  ['report', REPORT_USAGE],
  ['silence', SILENCE_USAGE],
  ['replay', REPLAY_USAGE],
  ['notify test', NOTIFY_USAGE],
  ['rules', RULES_USAGE],
  ['export', EXPORT_RULES_USAGE],
  ['export prometheus-rules', EXPORT_RULES_USAGE],
  ['help', HELP_USAGE],
]);

/** Whether `args` ask for help: `--help` or `-h` before any `--`. */
export function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/** An `EP_ERR_CLI_USAGE` error: the message, then the usage it broke. */
export function usageError(msg: string, usage = USAGE): EchoPerfError {
  return new EchoPerfError('EP_ERR_CLI_USAGE', `${msg}\n\n${usage}`);
}

/**
 * An agent's base URL given with `--url`, without its trailing slash; undefined
 * unless it is http(s) with no ?query or #fragment. Without a scheme,
 * `127.0.0.1:9464` would reach fetch as a URL of scheme "127.0.0.1" and fail
 * on every request with a message that does not say why.
 */
export function agentBaseUrl(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '') return undefined;
  return url.href.replace(/\/$/, '');
}

/** A command-line value as error messages show it: quoted, at most 100 characters. */
export function shown(value: string): string {
  return JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}...` : value);
}

/**
 * Turns node:util parseArgs' errors (unknown option, missing value) into usage
 * errors that carry the command's own usage rather than the list of commands.
 */
export function parseOrUsage<T>(usage: string, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof Error && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS')) throw usageError(e.message, usage);
    throw e;
  }
}
