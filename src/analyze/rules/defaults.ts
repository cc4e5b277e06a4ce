/**
 * @module analyze/rules/defaults
 * The rule set that applies when `default_rules` is true: quiet on a healthy
 * node, early on real trouble (docs/rules.md explains each choice).
 *
 * - The seed's thresholds (PerformanceThresholds, config `alert_thresholds`) in
 *   the seed's direction and severity, now with hysteresis (they clear 5 %
 *   inside the line) and a hold (`alerting.default_for`, 60 s): a busy host's
 *   CPU crossing 85 % for a few seconds is not an incident.
 * - `request_latency_ms` and `token_throughput` keep the seed's meaning for
 *   components that report them (series without an `engine` label). On an LLM
 *   engine the end-to-end latency of a long generation is seconds by design,
 *   so the seed's latency limit watches the engine's TTFT p95 instead, and an
 *   idle engine's zero throughput is normal, so engines have no throughput
 *   floor: their throughput is watched by a baseline.
 * - Per engine: KV cache, waiting requests, TTFT p95, error rate (and TPOT p95,
 *   queue time p95, preemptions where `alert_thresholds` names them).
 * - The seed's trend checks (`degradation_detection`) on the seed's fields.
 * - Baselines, forecasts and the anomaly detector, for kinds registered in the engine.
 * - GPUs (gpuRules): held at the power cap, slowed down, ECC and PCIe errors, memory filling.
 */
import type { EchoPerfConfig } from '../../config/index.js';
import { HistogramMetric, QUANTILES, UnifiedMetric } from '../engines/metrics.js';
import type { PerformanceThresholds } from '../thresholds.js';
import type { RuleSource } from './resolve.js';

/** Seconds the default threshold rules hold before firing when `alerting.default_for` is not set. */
export const DEFAULT_FOR_S = 60;
/** Hysteresis of the default thresholds: they clear this share of the line inside it. */
export const CLEAR_MARGIN = 0.05;

const ENGINE_ONLY = { engine: '.+' } as const;
const NO_ENGINE = { engine: '' } as const;
/**
 * Collectors and components stamp `component` on every sample. The engines'
 * fleet aggregates behind the seed's snapshot fields (`component="engines"`,
 * analyze/engines/tick.ts) are left out: engines are watched one by one.
 */
const A_COMPONENT = { component: '(?!engines$).+' } as const;

type Config = Pick<EchoPerfConfig, 'alert_thresholds' | 'degradation_detection'> &
  Partial<Pick<EchoPerfConfig, 'monitoring_interval' | 'stale_after_intervals'>> & {
    readonly alerting?: { readonly default_for?: number | undefined } | undefined;
    readonly gpu?: { readonly interval?: number | undefined } | undefined;
  };

/** A `max`/`min` line with the seed's severity and the default hysteresis and hold. */
function line(name: string, metric: string, op: 'max' | 'min', level: number, holdS: number, extra: Partial<Record<'match' | 'match_re', Record<string, string>>> = {}, critical?: number): RuleSource {
  const clear = op === 'max' ? level - CLEAR_MARGIN * Math.abs(level) : level + CLEAR_MARGIN * Math.abs(level);
  const levels = op === 'max' ? (critical === undefined ? level : { warning: level, critical }) : { critical: level };
  return {
    kind: 'threshold',
    name,
    metric,
    ...(op === 'max' ? { above: levels } : { below: levels }),
    clear,
    for: holdS,
    enabled: true,
    ...extra,
  };
}

export function defaultRules(t: PerformanceThresholds, c: Config): RuleSource[] {
  const hold = c.alerting?.default_for ?? DEFAULT_FOR_S;
  const at = c.alert_thresholds as Readonly<Record<string, number | undefined>>;
  const out: RuleSource[] = [
    line('threshold:cpu_usage', 'cpu_usage', 'max', t.maxCpuUsage, hold),
    line('threshold:memory_usage', 'memory_usage', 'max', t.maxMemoryUsage, hold),
    line('threshold:gpu_utilization', 'gpu_utilization', 'max', t.maxGpuUtilization, hold),
    line('threshold:request_latency_ms', 'request_latency_ms', 'max', t.maxRequestLatency, hold, { match: NO_ENGINE, match_re: A_COMPONENT }),
    line('threshold:sensory_motor_latency', 'sensory_motor_latency', 'max', t.maxSensoryMotorLatency, hold),
    line('threshold:token_throughput', 'token_throughput', 'min', t.minTokenThroughput, hold, { match: NO_ENGINE, match_re: A_COMPONENT }),
    line('threshold:evolution_convergence', 'evolution_convergence', 'min', t.minEvolutionConvergence, hold),
    line('threshold:proprioceptive_accuracy', 'proprioceptive_accuracy', 'min', t.minProprioceptiveAccuracy, hold),
  ];

  // Per engine. TTFT p95 takes the seed's latency limit unless `ttft_ms` is set; 5× it is critical.
  const ttft = at['ttft_ms'] ?? t.maxRequestLatency;
  out.push(line('engine:ttft_p95', 'ttft_ms_p95', 'max', ttft, hold, { match_re: ENGINE_ONLY }, 5 * ttft));
  const kv = at['kv_cache_usage'] ?? 95;
  out.push(line('engine:kv_cache_usage', 'kv_cache_usage', 'max', kv, hold, { match_re: ENGINE_ONLY }, Math.max(kv, 99)));
  out.push(line('engine:requests_waiting', 'requests_waiting', 'max', at['requests_waiting'] ?? 50, hold, { match_re: ENGINE_ONLY }));
  const err = at['request_error_rate'] ?? 0.05;
  out.push(line('engine:request_error_rate', 'request_error_rate', 'max', err, hold, { match_re: ENGINE_ONLY }, Math.max(err, 0.25)));
  const optional: readonly (readonly [key: string, metric: string])[] = [
    ['tpot_ms', 'tpot_ms_p95'],
    ['queue_time_ms', 'queue_time_ms_p95'],
    ['preemptions_per_s', 'preemptions_per_s'],
  ];
  for (const [key, metric] of optional) {
    const v = at[key];
    if (v !== undefined) out.push(line(`engine:${key}`, metric, 'max', v, hold, { match_re: ENGINE_ONLY }));
  }

  // The seed's trend checks, on the seed's fields as components report them.
  const d = c.degradation_detection;
  if (d.enabled) {
    const trends: readonly (readonly [string, 'higher' | 'lower'])[] = [
      ['token_throughput', 'higher'],
      ['request_latency_ms', 'lower'],
      ['evolution_convergence', 'higher'],
      ['proprioceptive_accuracy', 'higher'],
      ['sensory_motor_latency', 'lower'],
      ['agent_performance', 'higher'],
    ];
    // Per engine, its generation speed (an engine's latency is watched by its TTFT baseline and thresholds).
    out.push({ kind: 'trend', name: 'trend:engine_token_throughput', metric: 'token_throughput', match_re: ENGINE_ONLY, match: { engine_index: '' }, better: 'higher', window: t.degradationWindowSize, threshold: t.degradationThreshold, min_r2: 0.5, severity: 'warning', enabled: true });
    for (const [metric, better] of trends) {
      out.push({ kind: 'trend', name: `trend:${metric}`, metric, match: NO_ENGINE, match_re: A_COMPONENT, better, window: t.degradationWindowSize, threshold: t.degradationThreshold, min_r2: 0.5, severity: 'warning', enabled: true });
    }
  }

  // Learnt baselines: slow drifts are learnt, sudden departures alert.
  // Latencies of a loaded engine double for a minute now and then (queueing bursts under Poisson
  // arrivals, seen on the simulator's steady load): only a lasting 2-3× departure is worth a warning.
  const baseline = (metric: string, direction: 'above' | 'below', severity: 'info' | 'warning', minChange: number, match_re?: Record<string, string>): RuleSource => ({
    kind: 'baseline',
    name: `baseline:${metric}`,
    metric,
    direction,
    severity,
    warmup: 300,
    half_life: 3600,
    k: 4,
    min_change: minChange,
    samples: 30,
    enabled: true,
    ...(match_re !== undefined ? { match_re } : {}),
  });
  out.push(
    baseline('ttft_ms', 'above', 'warning', 2, ENGINE_ONLY),
    baseline('request_latency_ms', 'above', 'warning', 1, A_COMPONENT),
    baseline('token_throughput', 'below', 'info', 0.3, ENGINE_ONLY),
    baseline('cpu_usage', 'above', 'info', 0.5),
  );

  // Time to a crossing.
  const forecast = (metric: string, above: number, horizon: number, match_re?: Record<string, string>): RuleSource => ({
    kind: 'forecast',
    name: `forecast:${metric}`,
    metric,
    above,
    horizon,
    window: 1800,
    method: 'holt',
    severity: 'warning',
    for: hold,
    enabled: true,
    ...(match_re !== undefined ? { match_re } : {}),
  });
  out.push(forecast('disk_usage', 90, 6 * 3600), forecast('memory_usage', 95, 600), forecast('kv_cache_usage', 95, 600, ENGINE_ONLY));
  // GPU memory nearly full. gpu_memory_usage carries no engine label and a selector sees only the
  // series' own labels, so this watches every GPU, serving an engine or not.
  out.push(forecast('gpu_memory_usage', 95, 600));
  out.push(...gpuRules(c, hold));

  // The anomaly detector on every unified engine metric, at info: something unusual, not yet a problem.
  for (const metric of unifiedMetricNames()) {
    out.push({ kind: 'anomaly', name: `anomaly:${metric}`, metric, match_re: ENGINE_ONLY, severity: 'info', score: 0.99, window: 30, rate: 0.3, enabled: true });
  }
  return out;
}

/** Slowdowns that cost an LLM server its speed without its operator asking for them (NVML clocks event reasons). */
export const GPU_SLOWDOWN_REASONS = ['hw_slowdown', 'sw_thermal_slowdown', 'hw_thermal_slowdown', 'hw_power_brake_slowdown'] as const;

/**
 * A GPU's own troubles, on the collector's names (collect/gpu/reading.ts GPU_METRICS) and the
 * derived gpu_power_capped. A GPU at its power cap under full load is doing what it is built to do
 * (the H200 capture: 692 W of 700 under a bf16 matmul loop): INFO, so a fleet sees where watts,
 * not silicon, set the speed. Slowdowns the operator did not choose are WARNING; ECC errors that
 * could not be corrected are CRITICAL (the data in that memory is wrong); PCIe replays (link-level
 * retransmissions) WARNING. Counters alert on their increase, never on their value: the H200 shows
 * 2 replays since the driver loaded, idle and loaded alike.
 */
function gpuRules(c: Config, hold: number): RuleSource[] {
  // gpu_throttle_active is written only while a reason holds: a series silent for the staleness of a
  // component (stale_after_intervals GPU readings) no longer holds the condition.
  const interval = Math.max(c.monitoring_interval ?? 1, c.gpu?.interval ?? 0);
  const staleAfter = (c.stale_after_intervals ?? 3) * interval;
  return [
    { kind: 'threshold', name: 'gpu:power_capped', metric: 'gpu_power_capped', above: { info: 50 }, clear: 40, for: hold, enabled: true, unit: '%' },
    {
      kind: 'threshold',
      name: 'gpu:slowdown',
      metric: 'gpu_throttle_active',
      match_re: { reason: GPU_SLOWDOWN_REASONS.join('|') },
      above: { warning: 0.5 },
      stale_after: staleAfter,
      for: hold,
      enabled: true,
    },
    { kind: 'threshold', name: 'gpu:ecc_uncorrected', metric: 'gpu_ecc_errors', match: { type: 'uncorrected' }, above: { critical: 0 }, increase: 600, enabled: true, unit: ' errors' },
    { kind: 'threshold', name: 'gpu:pcie_replays', metric: 'gpu_pcie_replays', above: { warning: 0 }, increase: 600, enabled: true, unit: ' replays' },
  ];
}

export function unifiedMetricNames(): string[] {
  const names: string[] = Object.values(UnifiedMetric);
  for (const h of Object.values(HistogramMetric)) {
    names.push(h);
    for (const [, suffix] of QUANTILES) names.push(h + suffix);
  }
  return names;
}
