/**
 * @module monitor/currentSeries
 * Samples that describe the monitor's current state rather than a collection:
 * per-target scrape health (`echo_perf_target_*`, never Prometheus's own `up`
 * or `scrape_*`, which Prometheus writes for the agent's job) and firing
 * alerts as Prometheus's `ALERTS` series.
 */
import type { Sample } from '../core/types.js';
import type { TargetStatus } from '../collect/scrape/index.js';
import type { PerformanceAlert } from '../alert/alert.js';
import { alertName } from '../alert/alertName.js';

export function targetHealthSamples(statuses: Readonly<Record<string, TargetStatus>>, at: number): Sample[] {
  const out: Sample[] = [];
  for (const st of Object.values(statuses)) {
    const labels = { target: st.name };
    const g = (name: string, v: number): void => void out.push({ name, labels, t: at, v });
    g('echo_perf_target_up', st.health === 'up' ? 1 : 0);
    if (st.lastDurationMs !== undefined) g('echo_perf_target_scrape_duration_seconds', st.lastDurationMs / 1000);
    if (st.health === 'up') g('echo_perf_target_scrape_samples', st.lastSamples);
    g('echo_perf_target_scrapes_total', st.scrapesTotal);
    g('echo_perf_target_scrape_failures_total', st.failuresTotal);
    g('echo_perf_target_exposition_violations_total', st.violationsTotal);
    if (st.lastSuccessAt !== undefined) g('echo_perf_target_last_success_timestamp_seconds', st.lastSuccessAt / 1000);
  }
  return out;
}

/** `ALERTS{alertname, alertstate="firing", severity, component, metric} 1` per firing alert (Prometheus rules/alerting.go). */
export function alertSamples(firing: readonly PerformanceAlert[], at: number): Sample[] {
  return firing.map((a) => ({
    name: 'ALERTS',
    labels: { alertname: alertName(a), alertstate: 'firing', severity: a.severity.toLowerCase(), component: a.component, metric: a.metric },
    t: at,
    v: 1,
  }));
}
