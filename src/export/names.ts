/**
 * @module export/names
 * The one table from the names echo-perf keeps internally (the seed's
 * snake_case fields, as the library snapshot, the config and echo.dash use
 * them) to the names `/metrics` exposes, in Prometheus's conventions
 * (prometheus.io/docs/practices/naming): one namespace `echo_perf_`, base units
 * (`_seconds`, `_bytes`, `_hertz`, ratios 0..1 as `_ratio`), `_total` only on
 * counters, quantiles as the `quantile` label of a summary, no `:` (that is
 * for recording rules). docs/metrics.md is generated from this table.
 */
import type { Labels } from '../core/types.js';

/** Prefix of every family the agent makes itself. */
export const NAMESPACE = 'echo_perf_';

export type ExportedType = 'gauge' | 'counter' | 'summary';

/** How one internal series name is exposed. */
export interface ExportedFamily {
  /** The exposed family name. */
  readonly name: string;
  readonly type: ExportedType;
  readonly help: string;
  /** Multiplier from the internal value to the exposed base unit (e.g. 0.01 for % → ratio). */
  readonly scale?: number;
  /** For summaries: the `quantile` label value this internal name is. */
  readonly quantile?: string;
  /**
   * The collector whose `component` label this family leaves out, since the
   * family already says it (host figures come from `system`). Any other
   * component reporting the same metric keeps its `component` label.
   */
  readonly implicitComponent?: string;
  /** Where the figure comes from, for the docs table. */
  readonly group: 'host' | 'gpu' | 'engine' | 'engines' | 'component' | 'self' | 'target' | 'alerts';
  /** The internal unit, for the docs table. */
  readonly internalUnit?: string;
  /** Made from an arbitrary metric name (not in the table). */
  readonly custom?: boolean;
}

type Row = readonly [internal: string, name: string, type: ExportedType, help: string, opts?: Partial<ExportedFamily>];

const pct = { scale: 0.01, internalUnit: '%' } as const;

const HOST: readonly Row[] = [
  ['cpu_usage', 'cpu_usage_ratio', 'gauge', 'CPU busy, fraction of all CPUs (psutil cpu_percent: /proc/stat deltas, iowait counted idle).', pct],
  ['cpu_core_usage', 'cpu_core_usage_ratio', 'gauge', 'CPU busy per core, fraction of the core.', pct],
  ['cpu_cores', 'cpu_cores', 'gauge', 'Logical CPUs.'],
  ['memory_usage', 'memory_usage_ratio', 'gauge', 'Memory used, fraction of total ((total - available) / total, psutil virtual_memory().percent).', pct],
  ['memory_total_bytes', 'memory_total_bytes', 'gauge', 'MemTotal of /proc/meminfo.'],
  ['memory_available_bytes', 'memory_available_bytes', 'gauge', 'MemAvailable of /proc/meminfo.'],
  ['memory_used_bytes', 'memory_used_bytes', 'gauge', 'MemTotal - MemAvailable.'],
  ['swap_usage', 'swap_usage_ratio', 'gauge', 'Swap used, fraction of swap total.', pct],
  ['disk_usage', 'disk_usage_ratio', 'gauge', 'Filesystem at / used, fraction (psutil disk_usage: used / (used + free to users)).', pct],
  ['filesystem_usage', 'filesystem_usage_ratio', 'gauge', 'Filesystem used, fraction (psutil disk_usage).', pct],
  ['filesystem_size_bytes', 'filesystem_size_bytes', 'gauge', 'Filesystem size.'],
  ['filesystem_avail_bytes', 'filesystem_avail_bytes', 'gauge', 'Filesystem space free to unprivileged users.'],
  ['filesystem_stuck', 'filesystem_stuck', 'gauge', '1 while statfs on the mount does not answer.'],
  ['disk_read_bytes_per_second', 'disk_read_bytes_per_second', 'gauge', 'Disk read rate over the last interval (/proc/diskstats).'],
  ['disk_write_bytes_per_second', 'disk_write_bytes_per_second', 'gauge', 'Disk write rate over the last interval (/proc/diskstats).'],
  ['network_receive_bytes_per_second', 'network_receive_bytes_per_second', 'gauge', 'Network receive rate over the last interval (/proc/net/dev).'],
  ['network_transmit_bytes_per_second', 'network_transmit_bytes_per_second', 'gauge', 'Network transmit rate over the last interval (/proc/net/dev).'],
  ['load_average_1m', 'load1', 'gauge', 'Load average over 1 minute (node_exporter node_load1).'],
  ['load_average_5m', 'load5', 'gauge', 'Load average over 5 minutes (node_exporter node_load5).'],
  ['load_average_15m', 'load15', 'gauge', 'Load average over 15 minutes (node_exporter node_load15).'],
  ['process_cpu_usage', 'process_cpu_usage_ratio', 'gauge', 'CPU used by the echo-perf process itself, fraction of one core.', pct],
  ['process_resident_memory_bytes', 'process_resident_memory_bytes', 'gauge', 'Resident memory of the echo-perf process itself.'],
  ['cgroup_cpu_limit_cores', 'cgroup_cpu_limit_cores', 'gauge', "CPU limit of the agent's cgroup, in cores."],
  ['cgroup_cpu_usage', 'cgroup_cpu_usage_ratio', 'gauge', 'CPU used by the cgroup, fraction of its limit (or of all CPUs when unlimited).', pct],
  ['cgroup_memory_limit_bytes', 'cgroup_memory_limit_bytes', 'gauge', 'Memory limit of the cgroup.'],
  ['cgroup_memory_usage_bytes', 'cgroup_memory_usage_bytes', 'gauge', 'Memory charged to the cgroup.'],
  ['cgroup_memory_usage', 'cgroup_memory_usage_ratio', 'gauge', 'Memory used by the cgroup, fraction of its limit.', pct],
];

const GPU: readonly Row[] = [
  ['gpu_utilization', 'gpu_utilization_ratio', 'gauge', 'GPU busy (a kernel running), fraction of the sample period.', pct],
  ['gpu_memory_used_bytes', 'gpu_memory_used_bytes', 'gauge', 'GPU memory used.'],
  ['gpu_memory_total_bytes', 'gpu_memory_total_bytes', 'gauge', 'GPU memory total.'],
  ['gpu_memory_usage', 'gpu_memory_usage_ratio', 'gauge', 'GPU memory used, fraction of total.', pct],
  ['gpu_memory_utilization', 'gpu_memory_utilization_ratio', 'gauge', 'GPU memory controller busy, fraction of the sample period.', pct],
  ['gpu_temperature_celsius', 'gpu_temperature_celsius', 'gauge', 'GPU temperature.'],
  ['gpu_power_draw_watts', 'gpu_power_draw_watts', 'gauge', 'GPU power draw.'],
  ['gpu_power_limit_watts', 'gpu_power_limit_watts', 'gauge', 'GPU power limit.'],
  ['gpu_sm_clock_hz', 'gpu_sm_clock_hertz', 'gauge', 'GPU SM clock.', { internalUnit: 'Hz' }],
  ['gpu_memory_clock_hz', 'gpu_memory_clock_hertz', 'gauge', 'GPU memory clock.', { internalUnit: 'Hz' }],
  ['gpu_fan_speed', 'gpu_fan_speed_ratio', 'gauge', 'GPU fan speed, fraction of its maximum.', pct],
  ['gpu_throttle_active', 'gpu_throttle_active', 'gauge', '1 per active clock throttle reason (NVML clocks event reasons).'],
  ['gpu_ecc_errors', 'gpu_ecc_errors_total', 'counter', 'GPU ECC errors since the driver loaded (volatile), by type.'],
  ['gpu_xid_last', 'gpu_last_xid', 'gauge', 'Last XID error code the DCGM exporter saw (0: none).'],
  ['gpu_process_memory_bytes', 'gpu_process_memory_bytes', 'gauge', 'GPU memory used per process.'],
  ['gpu_count', 'gpus', 'gauge', 'GPUs reporting.'],
  ['gpu_process_sm_utilization', 'gpu_process_sm_utilization_ratio', 'gauge', 'Fraction of the sample period a kernel of the process ran on the GPU (nvidia-smi pmon sm).', pct],
  ['gpu_process_memory_utilization', 'gpu_process_memory_utilization_ratio', 'gauge', "The process's share of memory-controller time (nvidia-smi pmon mem).", pct],
  ['gpu_media_utilization', 'gpu_media_utilization_ratio', 'gauge', 'Video encoder, decoder, JPEG and optical-flow blocks busy, fraction of the sample period, by block.', pct],
  ['gpu_memory_temperature_celsius', 'gpu_memory_temperature_celsius', 'gauge', 'GPU memory (HBM) temperature.'],
  ['gpu_pcie_link_generation', 'gpu_pcie_link_generation', 'gauge', 'PCIe link generation in use now (it drops when the GPU idles).'],
  ['gpu_pcie_link_generation_max', 'gpu_pcie_link_generation_max', 'gauge', 'Highest PCIe generation the GPU and its slot support.'],
  ['gpu_pcie_link_width', 'gpu_pcie_link_width', 'gauge', 'PCIe lanes in use now.'],
  ['gpu_pcie_link_width_max', 'gpu_pcie_link_width_max', 'gauge', 'PCIe lanes the link supports.'],
  ['gpu_mig_enabled', 'gpu_mig_enabled', 'gauge', '1 when MIG (multi-instance GPU) mode is enabled.'],
  ['gpu_sm_clock_max_hz', 'gpu_sm_clock_max_hertz', 'gauge', 'Highest SM clock of the GPU.', { internalUnit: 'Hz' }],
  ['gpu_clock_event_seconds', 'gpu_clock_event_seconds_total', 'counter', 'Time the clocks were held down, by clocks event reason, since the driver loaded (nvidia-smi clocks_event_reasons_counters, DCGM violation counters).', { internalUnit: 's' }],
  ['gpu_power_violation', 'gpu_power_violation_ratio', 'gauge', 'Fraction of the last sample period the GPU was held at its power cap (nvidia-smi dmon pviol).', pct],
  ['gpu_thermal_violation', 'gpu_thermal_violation', 'gauge', '1 while a thermal limit holds the clocks down (nvidia-smi dmon tviol).'],
  ['gpu_bar1_used_bytes', 'gpu_bar1_used_bytes', 'gauge', 'BAR1 (host-mapped) GPU memory used.'],
  ['gpu_pcie_replays', 'gpu_pcie_replays_total', 'counter', 'PCIe replays (link-level retransmissions) since the driver loaded.'],
  ['gpu_pcie_bytes_per_second', 'gpu_pcie_bytes_per_second', 'gauge', 'PCIe throughput by direction (rx: to the GPU), sampled.', { internalUnit: 'B/s' }],
  ['gpu_nvlink_bytes_per_second', 'gpu_nvlink_bytes_per_second', 'gauge', 'NVLink throughput by direction, all links.', { internalUnit: 'B/s' }],
  ['gpu_sm_active', 'gpu_sm_active_ratio', 'gauge', 'Fraction of time at least one warp was resident on an SM, averaged over all SMs (DCGM_FI_PROF_SM_ACTIVE).', pct],
  ['gpu_sm_occupancy', 'gpu_sm_occupancy_ratio', 'gauge', "Resident warps over the SMs' warp capacity (DCGM_FI_PROF_SM_OCCUPANCY).", pct],
  ['gpu_pipe_active', 'gpu_pipe_active_ratio', 'gauge', 'Fraction of cycles a pipe was active, by pipe: tensor, fp64, fp32, fp16 (DCGM_FI_PROF_PIPE_*_ACTIVE).', pct],
  ['gpu_dram_active', 'gpu_dram_active_ratio', 'gauge', 'Fraction of cycles the device memory interface was busy (DCGM_FI_PROF_DRAM_ACTIVE): memory-bandwidth utilisation.', pct],
  // Derived each tick from the readings above (analyze/gpu).
  ['gpu_bound', 'gpu_bound', 'gauge', 'What holds the GPU back now, as an OpenMetrics stateset: 1 for the current class, 0 for the others, by = idle (activity < 5 %), thermal (thermal/hw slowdown reason), power (power cap holds the clocks), memory (memory-bandwidth activity >= 60 % and >= the busiest compute pipe) or compute (docs/gpu.md).'],
  ['gpu_power_capped', 'gpu_power_capped_ratio', 'gauge', 'Fraction of rate_window the GPU was held at its power cap: rate of the sw_power_cap clocks event counter, else the mean power violation (dmon pviol), else the share of readings with sw_power_cap active.', pct],
  ['gpu_engine_share', 'gpu_engine_share_ratio', 'gauge', "Fraction of the GPU serving the engine: config engines[].gpus (split evenly between engines declaring the same GPU), else its processes' share of per-process SM % (pmon) or of per-process memory, else 1 when it is the only engine.", pct],
];

const ms = { scale: 0.001, internalUnit: 'ms' } as const;

/** Per engine (labels `engine` = the configured name, `model`, `engine_index` for a data-parallel rank). */
const ENGINE: readonly Row[] = [
  ['token_throughput', 'engine_generation_tokens_per_second', 'gauge', 'Generated (output) tokens per second: rate() of the generation-tokens counter over rate_window.'],
  ['prompt_throughput', 'engine_prompt_tokens_per_second', 'gauge', 'Prompt (prefill) tokens per second: rate() of the prompt-tokens counter over rate_window.'],
  ['request_rate', 'engine_requests_per_second', 'gauge', 'Finished requests per second, whatever the finish reason.'],
  ['kv_cache_usage', 'engine_kv_cache_usage_ratio', 'gauge', 'KV-cache usage, fraction of the cache.', pct],
  ['requests_running', 'engine_requests_running', 'gauge', 'Requests being executed.'],
  ['requests_waiting', 'engine_requests_waiting', 'gauge', 'Requests queued, not yet scheduled.'],
  ['preemptions_per_s', 'engine_preemptions_per_second', 'gauge', 'Preemptions (SGLang: retractions) per second.'],
  ['prefix_cache_hit_rate', 'engine_prefix_cache_hit_ratio', 'gauge', 'Prefix-cache hits per query, in tokens: rate(hits) / rate(queries).'],
  ['request_error_rate', 'engine_request_error_ratio', 'gauge', 'Fraction of finished requests that ended in an error or abort.'],
  ...latency('request_latency_ms', 'engine_request_latency', 'End-to-end request latency'),
  ...latency('ttft_ms', 'engine_time_to_first_token', 'Time to first token'),
  ...latency('tpot_ms', 'engine_time_per_output_token', 'Time per output token (inter-token latency)'),
  ...latency('queue_time_ms', 'engine_queue_time', 'Time a request waited in the queue'),
  ['goodput', 'engine_goodput_requests_per_second', 'gauge', "Finished requests per second that met the TTFT and TPOT targets (the engine's SLO rule, else 2 s and 100 ms): request rate × the smaller share of histogram observations under a target, over rate_window.", { internalUnit: 'requests/s' }],
  ['engine_gpu_power_watts', 'engine_gpu_power_watts', 'gauge', "Power of the GPUs serving the engine, each weighted by the engine's share of it (gpu_engine_share_ratio): sum of share x power draw.", { internalUnit: 'W' }],
  ['tokens_per_joule', 'engine_generation_tokens_per_joule', 'gauge', "Generated tokens per joule: generated tokens per second / the engine's share-weighted GPU power (engine_gpu_power_watts).", { internalUnit: 'tokens/J' }],
  ['engine_gpu_memory_used_bytes', 'engine_gpu_memory_used_bytes', 'gauge', "GPU memory the engine's processes hold (per-process GPU memory), else its share-weighted part of its GPUs' used memory."],
  ['engine_gpu_utilization', 'engine_gpu_utilization_ratio', 'gauge', "Activity of the engine's GPUs weighted by its share of each: SM activity where the GPU reports it, else utilisation.", pct],
  ['engine_gpus', 'engine_gpus', 'gauge', 'GPUs serving the engine: the sum of its shares, fractional when GPUs are shared.'],
  ['slo_objective', 'slo_objective_ratio', 'gauge', 'Share of requests an SLO requires to be good (label slo = the rule name).', { internalUnit: 'ratio' }],
  ['slo_good_ratio', 'slo_good_ratio', 'gauge', "Share of the engine's requests that met the SLO over its period (since the agent started, when shorter).", { internalUnit: 'ratio' }],
  ['slo_error_budget_remaining', 'slo_error_budget_remaining_ratio', 'gauge', 'Error budget left over the SLO period: 1 - (bad / total) / (1 - objective); below 0 when overspent.', { internalUnit: 'ratio' }],
  ['slo_error_budget_burn_rate', 'slo_error_budget_burn_rate', 'gauge', 'Error-budget burn rate over the window of label window: (bad / total over it) / (1 - objective); 1 spends the budget in exactly the period.', { internalUnit: '×' }],
];

/** A histogram-derived engine latency: the window mean as a gauge, the quantiles as one summary. */
function latency(internal: string, base: string, what: string): Row[] {
  return [
    [internal, `${base}_mean_seconds`, 'gauge', `${what}, mean over rate_window: increase(_sum) / increase(_count) of the engine's histogram.`, ms],
    ...(['0.5', '0.95', '0.99'] as const).map(
      (q): Row => [
        `${internal}_p${q.slice(2).padEnd(2, '0')}`,
        `${base}_seconds`,
        'summary',
        `${what} over rate_window, histogram_quantile() of the engine's histogram (quantiles only; no _sum or _count).`,
        { ...ms, quantile: q },
      ],
    ),
  ];
}

/** Across every engine: the figures the seed's snapshot fields hold (series with `component="engines"` and no `engine`). */
const ENGINES: readonly Row[] = [
  ['token_throughput', 'engines_generation_tokens_per_second', 'gauge', 'Generated tokens per second summed over every engine and model (the snapshot tokenThroughput).'],
  ['request_latency_ms', 'engines_request_latency_mean_seconds', 'gauge', 'End-to-end latency over every engine, weighted by request rate (the snapshot requestLatencyMs).', ms],
  ['kv_cache_usage', 'engines_max_kv_cache_usage_ratio', 'gauge', 'KV-cache usage of the fullest engine (the snapshot kvCacheUsage).', pct],
];

/** Metrics the Deep Tree Echo component schemas declare (label `component`). */
const COMPONENT: readonly Row[] = [
  ['membrane_evolution_rate', 'component_membrane_evolutions_per_second', 'gauge', 'P-system membrane evolutions per second.'],
  ['reservoir_dynamics', 'component_reservoir_dynamics_ratio', 'gauge', 'Echo-state reservoir activity, 0..1.'],
  ['membrane_level', 'component_membrane_levels', 'gauge', 'Depth of the membrane hierarchy, in levels.'],
  ['membrane_count', 'component_membranes', 'gauge', 'Membranes in the reported hierarchy.'],
  ['p_system_transitions', 'component_p_system_transitions_per_second', 'gauge', 'P-system rule applications per second.'],
  ['esn_update_time_ns', 'component_esn_update_time_seconds', 'gauge', 'Time of one echo-state network update.', { scale: 1e-9, internalUnit: 'ns' }],
  ['memory_allocation_efficiency', 'component_memory_allocation_efficiency_ratio', 'gauge', 'Useful bytes / allocated bytes.'],
  ['cache_hit_ratio', 'component_cache_hit_ratio', 'gauge', 'Cache hits / lookups.'],
  ['a000081_compliance', 'component_a000081_compliance_ratio', 'gauge', 'Fraction of membrane-hierarchy levels whose membrane count matches OEIS A000081.'],
  ['evolution_convergence', 'component_evolution_convergence_ratio', 'gauge', 'Convergence of the evolutionary search, 0..1.'],
  ['fitness_improvement', 'component_fitness_improvement_ratio', 'gauge', 'Relative fitness gain over the last generation.'],
  ['agent_performance', 'component_agent_performance_ratio', 'gauge', 'Agent task performance score, 0..1.'],
  ['population_diversity', 'component_population_diversity_ratio', 'gauge', 'Genetic diversity of the population, 0..1.'],
  ['mutation_rate', 'component_mutation_probability_ratio', 'gauge', 'Probability of mutation per gene.'],
  ['selection_pressure', 'component_selection_pressure', 'gauge', 'Selection pressure (tournament size / population, or similar).'],
  ['adaptation_cycles', 'component_adaptation_cycles', 'gauge', 'Adaptation cycles completed.'],
  ['sensory_motor_latency', 'component_sensory_motor_latency_seconds', 'gauge', 'Sensor-to-actuator loop latency.', ms],
  ['proprioceptive_accuracy', 'component_proprioceptive_accuracy_ratio', 'gauge', 'Body-state estimation accuracy, 0..1.'],
];

/** The agent's own health; internal and exposed names are the same. */
const SELF: readonly Row[] = [
  ['echo_perf_collector_up', 'collector_up', 'gauge', "Whether the collector's last run succeeded (1) or not (0)."],
  ['echo_perf_collector_runs_total', 'collector_runs_total', 'counter', 'Collector runs started.'],
  ['echo_perf_collector_errors_total', 'collector_errors_total', 'counter', 'Collector runs that threw or returned invalid entries.'],
  ['echo_perf_collector_timeouts_total', 'collector_timeouts_total', 'counter', 'Collector runs that did not finish within the timeout.'],
  ['echo_perf_collector_skipped_total', 'collector_skipped_total', 'counter', 'Ticks a collector was skipped because its previous call had not returned.'],
  ['echo_perf_collector_rejected_samples_total', 'collector_rejected_samples_total', 'counter', 'Entries rejected from collector results (NaN, strings, nested objects, out of range, over the limit).'],
  ['echo_perf_collector_duration_seconds', 'collector_duration_seconds', 'gauge', "Wall time of the collector's last run."],
  ['echo_perf_ticks_total', 'ticks_total', 'counter', 'Collection ticks completed.'],
  ['echo_perf_ticks_skipped_total', 'ticks_skipped_total', 'counter', 'Ticks skipped because the event loop fell behind.'],
  ['echo_perf_tick_duration_seconds', 'tick_duration_seconds', 'gauge', 'Wall time of the last tick.'],
  ['echo_perf_last_tick_timestamp_seconds', 'last_tick_timestamp_seconds', 'gauge', 'When the last tick completed (unix seconds).'],
  ['echo_perf_series', 'series', 'gauge', 'Series held in the in-memory store.'],
  ['echo_perf_series_dropped_samples_total', 'series_dropped_samples_total', 'counter', 'Samples refused because the series limit was reached, by origin: own (max_series) or external (scraped or pushed; max_series - reserved_series).'],
  ['echo_perf_series_out_of_order_samples_total', 'series_out_of_order_samples_total', 'counter', 'Samples refused because they were older than their series\' newest.'],
  ['echo_perf_push_components', 'push_components', 'gauge', 'Pushed components held now (dtesn, echo_self and embodied included).'],
  ['echo_perf_push_components_forgotten_total', 'push_components_forgotten_total', 'counter', 'Pushed components forgotten after push_forget_after seconds without a push.'],
  ['echo_perf_push_samples_rejected_total', 'push_samples_rejected_total', 'counter', 'Pushed samples refused, by reason (out_of_order, too_far_ahead, too_old, bad_timestamp).'],
  ['echo_perf_push_requests_total', 'push_requests_total', 'counter', 'Push requests answered by the push handler, by status code.'],
  ['echo_perf_store_up', 'store_up', 'gauge', 'Whether the last write of history to the data dir succeeded (1) or not (0).'],
  ['echo_perf_store_pending_samples', 'store_pending_samples', 'gauge', 'Samples accepted and not yet written to the data dir.'],
  ['echo_perf_store_dropped_samples_total', 'store_dropped_samples_total', 'counter', 'Samples dropped because storage.max_pending_samples was reached while the data dir could not be written.'],
  ['echo_perf_store_rejected_samples_total', 'store_rejected_samples_total', 'counter', "Samples the data dir refused (not after their series' last stored time)."],
  ['echo_perf_store_disk_bytes', 'store_disk_bytes', 'gauge', 'Size of the history database and its write-ahead log.'],
  ['echo_perf_store_series', 'store_series', 'gauge', 'Series in the history database.'],
  ['echo_perf_store_last_flush_timestamp_seconds', 'store_last_flush_timestamp_seconds', 'gauge', 'When history was last written to the data dir (unix seconds).'],
  ['echo_perf_store_flush_duration_seconds', 'store_flush_duration_seconds', 'gauge', 'Wall time of the last write of history to the data dir (in the writer thread).'],
  ['echo_perf_alerts_firing', 'alerts_firing', 'gauge', 'Alerts firing now.'],
  ['echo_perf_alerts_pending', 'alerts_pending', 'gauge', "Alerts pending: their condition holds, not yet for the rule's for seconds (ALERTS{alertstate=\"pending\"} names them)."],
  ['echo_perf_rules', 'rules', 'gauge', 'Per-series rules active, by kind.'],
  ['echo_perf_rule_evaluators', 'rule_evaluators', 'gauge', 'Rule evaluators held: one per (rule, series) watched.'],
  ['echo_perf_rule_series_skipped_total', 'rule_series_skipped_total', 'counter', 'Times a series got no evaluator because the per-rule or the total bound was reached (each evaluation that refuses it counts).'],
  ['echo_perf_alert_handler_errors_total', 'alert_handler_errors_total', 'counter', 'Alert handler calls that threw or timed out.'],
  ['echo_perf_alert_events_dropped_total', 'alert_events_dropped_total', 'counter', "Alert events dropped because a handler's backlog was full."],
  ['echo_perf_notifications_sent_total', 'notifications_sent_total', 'counter', 'Notifications a remote notifier delivered (its receiver answered success).'],
  ['echo_perf_notifications_failed_total', 'notifications_failed_total', 'counter', 'Notifications given up: refused for good (4xx), older than retry.max_age, or dropped past max_queue.'],
  ['echo_perf_notification_retries_total', 'notification_retries_total', 'counter', 'Delivery attempts that failed and will be tried again.'],
  ['echo_perf_notification_queue_length', 'notification_queue_length', 'gauge', "Notifications waiting in the notifier's outbox."],
  ['echo_perf_notification_oldest_pending_seconds', 'notification_oldest_pending_seconds', 'gauge', "Age of the oldest notification waiting in the notifier's outbox (0 when none waits)."],
  // Prometheus's prometheus_remote_storage_* figures, per remote_write queue (label `remote`).
  ['echo_perf_remote_write_samples_pending', 'remote_write_samples_pending', 'gauge', 'Samples waiting in the remote_write queue (in memory).'],
  ['echo_perf_remote_write_samples_sent_total', 'remote_write_samples_sent_total', 'counter', 'Samples the receiver accepted.'],
  ['echo_perf_remote_write_samples_failed_total', 'remote_write_samples_failed_total', 'counter', 'Samples given up: refused for good by the receiver (4xx other than 429), or dropped from a full queue with no data dir to read them back from.'],
  ['echo_perf_remote_write_samples_retried_total', 'remote_write_samples_retried_total', 'counter', 'Samples of requests that failed and were tried again (5xx, 429, network).'],
  ['echo_perf_remote_write_highest_sent_timestamp_seconds', 'remote_write_highest_sent_timestamp_seconds', 'gauge', 'Newest sample timestamp the receiver accepted (unix seconds).'],
];

/** Per scrape target and engine (label `target` = its configured name). */
const TARGET: readonly Row[] = [
  ['echo_perf_target_up', 'target_up', 'gauge', 'Whether the last scrape of the target succeeded (1) or not (0).'],
  ['echo_perf_target_scrape_duration_seconds', 'target_scrape_duration_seconds', 'gauge', 'Duration of the last scrape of the target.'],
  ['echo_perf_target_scrape_samples', 'target_scrape_samples', 'gauge', 'Samples the last successful scrape of the target exposed.'],
  ['echo_perf_target_scrapes_total', 'target_scrapes_total', 'counter', 'Scrapes of the target started.'],
  ['echo_perf_target_scrape_failures_total', 'target_scrape_failures_total', 'counter', 'Scrapes of the target that failed (down, timed out, over a limit, unparsable).'],
  ['echo_perf_target_last_success_timestamp_seconds', 'target_last_success_timestamp_seconds', 'gauge', 'When the last successful scrape of the target started (unix seconds).'],
  ['echo_perf_target_exposition_violations_total', 'target_exposition_violations_total', 'counter', "Exposition format rules the target's pages broke that the lenient reader let pass (as Prometheus would)."],
  ['echo_perf_target_passthrough_dropped_families', 'target_passthrough_dropped_families', 'gauge', "Families of the target's page left out of /metrics because their name is the agent's own or clashes with another target's type."],
];

function build(rows: readonly Row[], group: ExportedFamily['group'], implicitComponent?: string): Map<string, ExportedFamily> {
  const out = new Map<string, ExportedFamily>();
  for (const [internal, name, type, help, opts] of rows) {
    out.set(internal, { name: NAMESPACE + name, type, help, group, ...(implicitComponent !== undefined ? { implicitComponent } : {}), ...opts });
  }
  return out;
}

const BY_GROUP = {
  host: build(HOST, 'host', 'system'),
  gpu: build(GPU, 'gpu', 'gpu'),
  engine: build(ENGINE, 'engine'),
  engines: build(ENGINES, 'engines', 'engines'),
  component: build(COMPONENT, 'component'),
  self: build([...SELF, ...TARGET], 'self'),
};

/** `ALERTS`, as Prometheus's rule manager exposes its alerts (docs/configuration/alerting_rules.md). */
export const ALERTS_FAMILY: ExportedFamily = {
  name: 'ALERTS',
  type: 'gauge',
  help: 'Alerts firing now, as Prometheus exposes its own: 1 per alert, labelled alertname, alertstate, severity, component, metric.',
  group: 'alerts',
};

/** Every table row, for the docs and their test. */
export function exportTable(): { internal: string; family: ExportedFamily }[] {
  const rows: { internal: string; family: ExportedFamily }[] = [];
  for (const m of Object.values(BY_GROUP)) for (const [internal, family] of m) rows.push({ internal, family });
  rows.push({ internal: 'ALERTS', family: ALERTS_FAMILY });
  return rows;
}

/**
 * The exposed family of an internal series. Unified engine metrics are told
 * apart from the across-engines figures by their labels: an `engine` label
 * means per engine. A name in no table is a component's custom metric.
 */
export function exportedFamilyOf(name: string, labels: Labels): ExportedFamily {
  if (name === 'ALERTS') return ALERTS_FAMILY;
  const perEngine = BY_GROUP.engine.get(name);
  if (perEngine !== undefined) {
    if (labels['engine'] !== undefined || labels['component'] !== 'engines') return perEngine;
    const fleet = BY_GROUP.engines.get(name);
    if (fleet !== undefined) return fleet;
    return perEngine;
  }
  return BY_GROUP.host.get(name) ?? BY_GROUP.gpu.get(name) ?? BY_GROUP.component.get(name) ?? BY_GROUP.self.get(name) ?? customFamily(name);
}

const customCache = new Map<string, ExportedFamily>();
const CUSTOM_CACHE_MAX = 10_000;

/**
 * A metric echo-perf does not declare (a user collector's, a pushed
 * component's): kept under the namespace, `:` replaced (recording-rule
 * syntax), a counter when it ends in `_total` as Prometheus's convention says.
 */
function customFamily(name: string): ExportedFamily {
  let f = customCache.get(name);
  if (f !== undefined) return f;
  const base = name.startsWith(NAMESPACE) ? name : `${NAMESPACE}component_${name.replace(/:/g, '_')}`;
  f = {
    name: base,
    type: base.endsWith('_total') ? 'counter' : 'gauge',
    help: base === name ? `echo-perf self-metric ${name}.` : `Metric ${name} as a component reported it (not declared by echo-perf).`,
    group: base === name ? 'self' : 'component',
    custom: true,
  };
  if (customCache.size >= CUSTOM_CACHE_MAX) customCache.clear();
  customCache.set(name, f);
  return f;
}

/** How an exposed name is stored: the internal series name, labels that pick it out, and the factor to the exposed unit. */
export interface StoredName {
  readonly name: string;
  readonly match: Labels;
  readonly scale: number;
  /** Per-engine figures share their internal name with the across-engines ones: those are left out. */
  readonly perEngine: boolean;
}

/**
 * The stored series behind a name as `/metrics` shows it
 * (`echo_perf_cpu_usage_ratio` → `cpu_usage` × 0.01;
 * `echo_perf_engine_request_latency_seconds` with `quantile="0.95"` →
 * `request_latency_ms_p95` × 0.001). Undefined for a name not in the table:
 * it is stored as it is (the seed's names, a target's own series).
 */
export function storedNameOf(exposed: string, quantile?: string): StoredName | undefined {
  for (const [group, m] of Object.entries(BY_GROUP)) {
    for (const [internal, f] of m) {
      if (f.name !== exposed) continue;
      if (f.quantile !== undefined && f.quantile !== (quantile ?? '0.5')) continue;
      const match: Labels = group === 'engines' ? { component: 'engines' } : {};
      return { name: internal, match, scale: f.scale ?? 1, perEngine: group === 'engine' };
    }
  }
  return undefined;
}

/**
 * `v` in the exposed unit. Scales are powers of ten below 1 (% → ratio, ms →
 * seconds): dividing by the power gives the nearest double (41 / 100 = 0.41,
 * where 41 × 0.01 = 0.41000000000000003).
 */
export function toExposedUnit(v: number, scale: number | undefined): number {
  if (scale === undefined || scale === 1) return v;
  const inv = Math.round(1 / scale);
  return Math.abs(inv * scale - 1) < 1e-12 ? v / inv : v * scale;
}
