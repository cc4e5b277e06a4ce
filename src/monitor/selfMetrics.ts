/** @module monitor/selfMetrics  The monitor's own health as samples, gathered from its parts (Prometheus naming: counters end in _total). */
import type { Sample } from '../core/types.js';
import type { CollectorRunner } from '../collect/runner.js';
import type { SeriesStore } from '../store/series.js';
import type { AlertLog } from '../alert/log.js';
import type { AlertDispatcher } from '../notify/dispatch.js';
import type { PushedComponents } from './pushIngest.js';
import type { TickLoop } from './tickLoop.js';

export interface SelfParts {
  readonly runner: CollectorRunner;
  readonly push: PushedComponents;
  readonly loop: TickLoop;
  readonly store: SeriesStore;
  readonly alerts: AlertLog;
  readonly dispatcher: AlertDispatcher;
}

export function selfSamples(p: SelfParts, at: number): Sample[] {
  const g = (name: string, v: number): Sample => ({ name, labels: {}, t: at, v });
  const lastTickAt = p.loop.lastTickAt;
  return [
    ...p.runner.selfSamples(at),
    ...p.push.selfSamples(at),
    g('echo_perf_ticks_total', p.loop.ticks),
    ...(lastTickAt !== undefined ? [g('echo_perf_last_tick_timestamp_seconds', lastTickAt / 1000)] : []),
    g('echo_perf_series_out_of_order_samples_total', p.store.outOfOrderSamples),
    g('echo_perf_ticks_skipped_total', p.loop.skipped),
    g('echo_perf_tick_duration_seconds', p.loop.lastTickMs / 1000),
    g('echo_perf_series', p.store.seriesCount),
    ...(['own', 'external'] as const).map((origin) => ({ name: 'echo_perf_series_dropped_samples_total', labels: { origin }, t: at, v: p.store.droppedSamplesOf(origin) })),
    g('echo_perf_alerts_firing', p.alerts.firing().length),
    g('echo_perf_alert_handler_errors_total', p.dispatcher.errorsTotal),
    g('echo_perf_alert_events_dropped_total', p.dispatcher.droppedTotal),
  ];
}
