/**
 * @module monitor/currentState
 * The current state as `/metrics` shows it (internal names; the export table
 * renames them), gathered from the parts: what each collector produced in the
 * last tick and the last tick's engine metrics (the store's latest
 * collections), the monitor's own health, each target's health, and ALERTS.
 */
import type { Sample } from '../core/types.js';
import type { CollectorEntry, CollectorRunner } from '../collect/runner.js';
import type { TargetStatus } from '../collect/scrape/index.js';
import { collectorSource, ENGINES_SOURCE } from '../store/collections.js';
import type { SeriesStore } from '../store/series.js';
import type { AlertLog } from '../alert/log.js';
import type { RuleEngine } from '../analyze/rules/engine.js';
import type { SeriesRuleKind } from '../analyze/rules/kinds.js';
import type { AlertDelivery } from '../notify/center.js';
import type { AlertDispatcher } from '../notify/dispatch.js';
import { targetHealthSamples } from '../export/fromStore.js';
import type { PushedComponents } from './pushIngest.js';
import type { MonitorStorage } from './storage.js';
import type { RemoteWriters } from '../export/remoteWrite/index.js';
import type { TickLoop } from './tickLoop.js';

export interface StateParts {
  readonly collectors: ReadonlyMap<string, CollectorEntry>;
  readonly targets: () => Record<string, TargetStatus>;
  readonly runner: CollectorRunner;
  readonly push: PushedComponents;
  readonly loop: TickLoop;
  readonly store: SeriesStore;
  readonly alerts: AlertLog;
  readonly dispatcher: AlertDispatcher;
  /** The remote notifiers (webhook, slack, email, alertmanager, command). */
  readonly delivery: AlertDelivery;
  readonly pipeline: { readonly rules: RuleEngine };
  /** The persistent tier, when this monitor keeps history on disk. */
  readonly storage: MonitorStorage | undefined;
  /** The remote_write receivers' queues. */
  readonly remoteWrite: RemoteWriters;
}

export function currentSamples(p: StateParts, at: number): Sample[] {
  const out: Sample[] = [];
  const cols = p.store.collections;
  // A collector removed since the last tick shows nothing.
  for (const name of p.collectors.keys()) {
    const c = cols.get(collectorSource(name));
    if (c !== undefined) for (const s of p.store.samples(c)) out.push(s);
  }
  const engines = cols.get(ENGINES_SOURCE);
  if (engines !== undefined) for (const s of p.store.samples(engines)) out.push(s);
  for (const s of selfSamples(p, at)) out.push(s);
  for (const s of targetHealthSamples(p.store, Object.values(p.targets()), at)) out.push(s);
  for (const s of p.alerts.series(at)) out.push(s);
  return out;
}

/** The monitor's own health (Prometheus naming: counters end in _total). */
export function selfSamples(p: StateParts, at: number): Sample[] {
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
    g('echo_perf_alerts_pending', p.alerts.pending().length),
    ...ruleSamples(p.pipeline.rules, at),
    g('echo_perf_alert_handler_errors_total', p.dispatcher.errorsTotal),
    g('echo_perf_alert_events_dropped_total', p.dispatcher.droppedTotal),
    ...p.delivery.selfSamples(at),
    ...(p.storage?.selfSamples(at) ?? []),
    ...p.remoteWrite.selfSamples(at),
  ];
}

/** Every per-series kind, so that a kind's series stays (at 0) when its last rule goes. */
const RULE_KINDS: readonly SeriesRuleKind[] = ['threshold', 'trend', 'baseline', 'anomaly', 'forecast'];

function ruleSamples(rules: RuleEngine, at: number): Sample[] {
  const byKind = new Map<string, number>(RULE_KINDS.map((k) => [k, 0]));
  for (const r of rules.rules) byKind.set(r.kind, (byKind.get(r.kind) ?? 0) + 1);
  const c = rules.counts();
  return [
    ...[...byKind].map(([kind, n]) => ({ name: 'echo_perf_rules', labels: { kind }, t: at, v: n })),
    { name: 'echo_perf_rule_evaluators', labels: {}, t: at, v: c.evaluators },
    { name: 'echo_perf_rule_series_skipped_total', labels: {}, t: at, v: c.skippedSeries },
  ];
}
