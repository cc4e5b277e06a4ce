/**
 * @module notify/echoDash/format
 * The shapes echo.dash reads (seed "Echo.dash Integration"): one alert record per
 * alert file, the `ECHO_DASH_ALERT:` log line, and the `performance_metrics.json`
 * dashboard. Keys are the seed's snake_case; times are unix seconds (float), as
 * Python's `time.time()` gives them. JSON has no undefined: a metric nobody
 * collected is `null`, never 0. Pure functions: no I/O, no clock.
 */
import type { AlertSeverity } from '../../core/severity.js';
import type { PerformanceMetrics } from '../../core/snapshot.js';
import type { AlertStatus, PerformanceAlert } from '../../alert/alert.js';

/** One alert event as echo.dash reads it from `alert_*.json`. */
export interface EchoDashAlertRecord {
  /** Unix seconds (float) of the event: the incident start for `firing`, its end for `resolved`. */
  readonly timestamp: number;
  readonly severity: AlertSeverity;
  readonly component: string;
  readonly metric: string;
  readonly current_value: number | null;
  readonly threshold: number | null;
  readonly message: string;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly status: AlertStatus;
}

type Values = Record<string, number | null>;

/** The `performance_metrics.json` document, rewritten every tick. */
export interface EchoDashDashboard {
  /** Unix seconds (float) of the write. */
  readonly timestamp: number;
  readonly team_member: string;
  /** Seconds since the monitor started. */
  readonly uptime: number;
  readonly system: {
    readonly cpu_percent: number | null;
    readonly memory_percent: number | null;
    readonly disk_percent: number | null;
    /** [1m, 5m, 15m], as Python's os.getloadavg(); omitted where the host does not report it. */
    readonly load_average?: readonly [number, number, number];
  };
  readonly process: { readonly performance: Values };
  readonly dtesn: Values;
  readonly echo_self: Values;
  readonly embodied: Values;
  readonly alerts: {
    readonly count: number;
    readonly critical_count: number;
    readonly warning_count: number;
    /** Up to RECENT_ALERTS firing alerts, newest first. */
    readonly recent: readonly EchoDashAlertRecord[];
  };
}

/** How many firing alerts the dashboard lists in `alerts.recent`. */
export const RECENT_ALERTS = 10;

/** When the event happened (ms): a firing event at the incident start, a resolution at its end. */
export function eventTimeMs(a: PerformanceAlert): number {
  return a.status === 'resolved' ? (a.endsAt ?? a.timestamp) : a.timestamp;
}

/**
 * The seed's structured log line for one alert event, for echo.dash's log scraper.
 * @example
 * formatLogLine(alert) // 'ECHO_DASH_ALERT: warning:system:cpu_usage:93.5'
 */
export function formatLogLine(a: PerformanceAlert): string {
  // String(n) is the shortest form that reads back to the same double (93.5, 1e-7, NaN).
  return `ECHO_DASH_ALERT: ${a.severity}:${a.component}:${a.metric}:${String(a.currentValue)}`;
}

// Alert records are immutable (the lifecycle makes a new object on every update),
// so a record built once per object is reused by every dashboard tick.
const records = new WeakMap<PerformanceAlert, EchoDashAlertRecord>();

/** The alert-file record of one event. */
export function toAlertRecord(a: PerformanceAlert): EchoDashAlertRecord {
  const cached = records.get(a);
  if (cached !== undefined) return cached;
  const rec: EchoDashAlertRecord = {
    timestamp: eventTimeMs(a) / 1000,
    severity: a.severity,
    component: a.component,
    metric: a.metric,
    current_value: num(a.currentValue),
    threshold: num(a.threshold),
    message: a.message,
    metadata: jsonSafe(a.metadata),
    status: a.status,
  };
  records.set(a, rec);
  return rec;
}

export interface DashboardInput {
  readonly now: number;
  readonly startedAt: number;
  readonly teamMember: string;
  readonly snapshot: PerformanceMetrics | undefined;
  readonly alerts: readonly PerformanceAlert[];
  readonly extra?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * Builds the dashboard document. Component sections carry the seed's fields from
 * the snapshot, then every other metric that component reported this tick.
 * `extra` keys are added at the top level; they never replace a standard section.
 */
export function buildDashboard(input: DashboardInput): EchoDashDashboard & Record<string, unknown> {
  const s = input.snapshot;
  const cm = s?.componentMetrics ?? {};
  const loadAverage = loadAverageOf(cm['system']);
  const firing = input.alerts;
  const out: EchoDashDashboard & Record<string, unknown> = {
    timestamp: input.now / 1000,
    team_member: input.teamMember,
    uptime: Math.max(0, input.now - input.startedAt) / 1000,
    system: {
      cpu_percent: num(s?.cpuUsage),
      memory_percent: num(s?.memoryUsage),
      disk_percent: num(s?.diskUsage),
      ...(loadAverage === undefined ? {} : { load_average: loadAverage }),
    },
    process: {
      performance: {
        token_throughput: num(s?.tokenThroughput),
        request_latency_ms: num(s?.requestLatencyMs),
        kv_cache_usage: num(s?.kvCacheUsage),
        gpu_utilization: num(s?.gpuUtilization),
        gpu_memory_usage: num(s?.gpuMemoryUsage),
      },
    },
    dtesn: section(cm['dtesn'], {
      membrane_evolution_rate: num(s?.membraneEvolutionRate),
      reservoir_dynamics: num(s?.reservoirDynamics),
      membrane_level: num(s?.membraneLevel),
      p_system_transitions: num(s?.pSystemTransitions),
    }),
    echo_self: section(cm['echo_self'], {
      evolution_convergence: num(s?.evolutionConvergence),
      fitness_improvement: num(s?.fitnessImprovement),
      agent_performance: num(s?.agentPerformance),
    }),
    embodied: section(cm['embodied'], {
      sensory_motor_latency: num(s?.sensoryMotorLatency),
      proprioceptive_accuracy: num(s?.proprioceptiveAccuracy),
    }),
    alerts: {
      count: firing.length,
      critical_count: firing.filter((a) => a.severity === 'critical').length,
      warning_count: firing.filter((a) => a.severity === 'warning').length,
      recent: [...firing]
        .sort((a, b) => eventTimeMs(b) - eventTimeMs(a))
        .slice(0, RECENT_ALERTS)
        .map(toAlertRecord),
    },
  };
  if (input.extra !== undefined) {
    for (const [k, v] of Object.entries(input.extra)) if (!(k in out)) out[k] = v;
  }
  return out;
}

/** The seed's fields first (null when absent), then the component's other metrics as reported. */
function section(reported: Readonly<Record<string, number>> | undefined, fixed: Values): Values {
  if (reported === undefined) return fixed;
  for (const [k, v] of Object.entries(reported)) if (!(k in fixed)) fixed[k] = num(v);
  return fixed;
}

function loadAverageOf(sys: Readonly<Record<string, number>> | undefined): [number, number, number] | undefined {
  const l1 = sys?.['load_average_1m'];
  const l5 = sys?.['load_average_5m'];
  const l15 = sys?.['load_average_15m'];
  if (l1 === undefined || l5 === undefined || l15 === undefined) return undefined;
  return [l1, l5, l15];
}

/** JSON would turn NaN and ±Infinity into null anyway; saying so keeps the types honest. */
function num(v: number | undefined): number | null {
  return v === undefined || !Number.isFinite(v) ? null : v;
}

/**
 * Metadata comes from rules and user collectors; a bigint or a cycle in it would
 * make JSON.stringify throw at write time and look like a stats-dir failure.
 */
function jsonSafe(m: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  try {
    return JSON.parse(JSON.stringify(m, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) as Record<
      string,
      unknown
    >;
  } catch (e) {
    return { metadata_error: `not serialisable as JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
}
