/**
 * @module monitor/metricHelp
 * HELP text for the series echo-perf makes itself: host and GPU figures,
 * component schemas, unified engine metrics and self-metrics. Scraped series keep
 * their exporter's own HELP.
 */
import { COMPONENT_SCHEMAS } from '../core/components.js';
import { UNIFIED_METRICS } from '../analyze/engines/index.js';

const HOST: Record<string, string> = {
  cpu_usage: 'CPU busy, % of all CPUs (psutil cpu_percent: /proc/stat deltas, iowait counted idle).',
  cpu_core_usage: 'CPU busy per core, %.',
  cpu_cores: 'Logical CPUs.',
  memory_usage: 'Memory used, % ((total - available) / total, psutil virtual_memory().percent).',
  memory_total_bytes: 'MemTotal.',
  memory_available_bytes: 'MemAvailable.',
  memory_used_bytes: 'MemTotal - MemAvailable.',
  swap_usage: 'Swap used, %.',
  disk_usage: 'Filesystem at / used, % (psutil disk_usage: used / (used + free to users)).',
  filesystem_usage: 'Filesystem used, % (psutil disk_usage).',
  filesystem_size_bytes: 'Filesystem size.',
  filesystem_avail_bytes: 'Filesystem space free to unprivileged users.',
  filesystem_stuck: '1 while statfs on the mount does not answer.',
  disk_read_bytes_per_second: 'Disk read rate (/proc/diskstats).',
  disk_write_bytes_per_second: 'Disk write rate (/proc/diskstats).',
  network_receive_bytes_per_second: 'Network receive rate (/proc/net/dev).',
  network_transmit_bytes_per_second: 'Network transmit rate (/proc/net/dev).',
  load_average_1m: 'Load average over 1 minute.',
  load_average_5m: 'Load average over 5 minutes.',
  load_average_15m: 'Load average over 15 minutes.',
  process_cpu_usage: 'CPU used by the monitor itself, % of one core.',
  process_resident_memory_bytes: 'Resident memory of the monitor itself.',
  cgroup_cpu_limit_cores: 'CPU limit of the monitor\'s cgroup, in cores.',
  cgroup_cpu_usage: 'CPU used by the cgroup, % of its limit (or of all CPUs when unlimited).',
  cgroup_memory_limit_bytes: 'Memory limit of the cgroup.',
  cgroup_memory_usage_bytes: 'Memory charged to the cgroup.',
  cgroup_memory_usage: 'Memory used by the cgroup, % of its limit.',
  gpu_utilization: 'GPU busy, %.',
  gpu_memory_used_bytes: 'GPU memory used.',
  gpu_memory_total_bytes: 'GPU memory total.',
  gpu_memory_usage: 'GPU memory used, %.',
  gpu_memory_utilization: 'GPU memory controller busy, %.',
  gpu_temperature_celsius: 'GPU temperature.',
  gpu_power_draw_watts: 'GPU power draw.',
  gpu_power_limit_watts: 'GPU power limit.',
  gpu_sm_clock_hz: 'GPU SM clock.',
  gpu_memory_clock_hz: 'GPU memory clock.',
  gpu_fan_speed: 'GPU fan speed, %.',
  gpu_throttle_active: '1 per active clock throttle reason.',
  gpu_ecc_errors: 'GPU ECC errors (volatile).',
  gpu_process_memory_bytes: 'GPU memory used per process.',
  gpu_count: 'GPUs reporting.',
  up: 'Whether the last scrape of the target succeeded (1) or not (0).',
  scrape_duration_seconds: 'Duration of the last scrape of the target.',
  scrape_samples_scraped: 'Samples the last scrape of the target exposed.',
};

const SELF: Record<string, string> = {
  echo_perf_collector_up: 'Whether the collector\'s last run succeeded (1) or not (0).',
  echo_perf_collector_runs_total: 'Collector runs started.',
  echo_perf_collector_errors_total: 'Collector runs that threw or returned invalid entries.',
  echo_perf_collector_timeouts_total: 'Collector runs that did not finish within the timeout.',
  echo_perf_collector_skipped_total: 'Ticks a collector was skipped because its previous call had not settled.',
  echo_perf_collector_rejected_samples_total: 'Entries rejected from collector results (NaN, strings, nested objects, out of range, over the limit).',
  echo_perf_collector_duration_seconds: 'Wall time of the collector\'s last run.',
  echo_perf_ticks_total: 'Collection ticks completed.',
  echo_perf_ticks_skipped_total: 'Ticks skipped because the event loop fell behind.',
  echo_perf_tick_duration_seconds: 'Wall time of the last tick.',
  echo_perf_series: 'Series held in memory.',
  echo_perf_series_dropped_samples_total: 'Samples refused because the series limit (max_series) was reached.',
  echo_perf_alerts_firing: 'Alerts firing now.',
  echo_perf_alert_handler_errors_total: 'Alert handler calls that threw or timed out.',
  echo_perf_alert_events_dropped_total: 'Alert events dropped because a handler\'s backlog was full.',
  echo_perf_push_components: 'Pushed components held now (dtesn, echo_self and embodied included).',
  echo_perf_push_components_forgotten_total: 'Pushed components forgotten after push_forget_after seconds without a push.',
  echo_perf_push_samples_rejected_total: 'Pushed samples refused, by reason (out_of_order, too_far_ahead, too_old, bad_timestamp).',
  echo_perf_push_requests_total: 'Push requests answered by the push handler, by status code.',
};

const HELP = new Map<string, string>([...Object.entries(HOST), ...Object.entries(SELF)]);
for (const c of COMPONENT_SCHEMAS.values()) for (const m of c.metrics) HELP.set(m.name, `${m.help} (${m.unit}).`);
for (const m of UNIFIED_METRICS) HELP.set(m.name, `${m.help} Unit: ${m.unit}. ${m.derivation}.`);

/** HELP text for a family echo-perf makes, or undefined. */
export function helpFor(family: string): string | undefined {
  return HELP.get(family);
}
