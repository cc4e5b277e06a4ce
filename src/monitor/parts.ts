/**
 * @module monitor/parts
 * Makes and connects the parts of one monitor: the store and its snapshot
 * history, the scrape targets writing into it, the collector registry and
 * runner, the pipeline step, the alert log and dispatcher, pushed components,
 * and the tick loop. What may change at run time (interval, thresholds,
 * conditions) is read through the functions in `Live`.
 */
import type { Clock } from '../core/clock.js';
import { childLogger, type Logger } from '../core/logger.js';
import type { EchoPerfConfig } from '../config/index.js';
import { CollectorRegistry } from '../collect/registry.js';
import { CollectorRunner } from '../collect/runner.js';
import { ScrapeManager } from '../collect/scrape/index.js';
import { PageIngest } from '../store/pages.js';
import { SeriesStore } from '../store/series.js';
import type { Finding } from '../analyze/finding.js';
import { Pipeline } from '../analyze/pipeline.js';
import { SnapshotHistory } from '../analyze/snapshot/history.js';
import type { PerformanceThresholds } from '../analyze/thresholds.js';
import { AlertLog } from '../alert/log.js';
import { AlertDelivery } from '../notify/center.js';
import { AlertDispatcher } from '../notify/dispatch.js';
import { RemoteWriters } from '../export/remoteWrite/index.js';
import { createNotifier } from '../notify/senders/index.js';
import type { StateParts } from './currentState.js';
import { PushedComponents } from './pushIngest.js';
import { scrapeSpecs, seriesCapacity } from './scrapeSpecs.js';
import { MonitorStorage, storageSetting } from './storage.js';
import { TickLoop } from './tickLoop.js';
import type { MonitorOptions } from './types.js';
import { EngineProcessFinder } from '../collect/engineProcesses.js';

/** Prometheus's lookback: a series with no sample for this long is gone. */
export const STALE_MS = 5 * 60_000;

export interface Live {
  intervalMs(): number;
  /** Each collector's timeout, ms. */
  timeoutMs(): number;
  thresholds(): PerformanceThresholds;
  conditions(): Iterable<Finding>;
  tick(at: number, current: () => boolean): Promise<boolean>;
  /** The agent's URL for links in notifications. */
  externalURL(): string;
}

export interface Parts extends StateParts {
  readonly history: SnapshotHistory;
  readonly scrapes: ScrapeManager;
  readonly registry: CollectorRegistry;
  readonly pipeline: Pipeline;
  /** Series silent this long leave the store: the staleness period, or two intervals of the slowest target. */
  readonly evictAfterMs: number;
}

export function wireParts(c: Readonly<EchoPerfConfig>, clock: Clock, logger: Logger, options: MonitorOptions, live: Live): Parts {
  const store = new SeriesStore({ capacity: seriesCapacity(c), historyCapacity: c.max_metrics_history, maxSeries: c.max_series, reservedSeries: c.reserved_series });
  const history = new SnapshotHistory({ maxlen: c.max_metrics_history, store, keepBuilt: Math.max(16, c.degradation_detection.window_size) });
  const pages = new PageIngest(store);
  const specs = scrapeSpecs(c);
  const scrapes = new ScrapeManager(specs, clock, {
    page: (target, samples, meta) => pages.slice(target.spec.name, samples, meta),
    done: (target, at, own, meta) => pages.done(target.spec.name, at, own, meta),
  });
  const runner = new CollectorRunner({ clock, timeoutMs: live.timeoutMs(), limits: { maxSamples: c.max_samples_per_collector, maxLabels: 32 } });
  const registry = new CollectorRegistry({ config: c, clock, logger: childLogger(logger, { stage: 'collect' }), timeoutMs: () => live.timeoutMs(), systemCollector: options.systemCollector, gpuCollector: options.gpuCollector });
  const collectors = registry.entries;
  const processes = new EngineProcessFinder(c.engines);
  const pipeline = new Pipeline({
    store,
    history,
    config: c,
    thresholds: () => live.thresholds(),
    intervalMs: () => live.intervalMs(),
    targets: () => new Map([...scrapes.targets].map(([name, t]) => [name, t.status])),
    isCollector: (name) => collectors.has(name),
    conditions: () => live.conditions(),
    // The /proc walk runs in the background at most every 30 s; a tick uses what the last one found.
    enginePids: (engine) => {
      void processes.refresh(clock.now());
      return processes.pidsOf(engine);
    },
  });
  return {
    store,
    history,
    scrapes,
    runner,
    registry,
    collectors,
    pipeline,
    targets: () => scrapes.statuses(),
    alerts: new AlertLog(c.max_alerts_history, childLogger(logger, { stage: 'alert' }), { repeatIntervalMs: c.alerting.repeat_interval * 1000 }),
    dispatcher: new AlertDispatcher(childLogger(logger, { stage: 'notify' })),
    delivery: new AlertDelivery(c.notifiers, {
      clock,
      logger: childLogger(logger, { stage: 'notify' }),
      externalURL: () => live.externalURL(),
      createNotifier,
      evaluationIntervalMs: () => live.intervalMs(),
    }),
    push: new PushedComponents(c, () => live.intervalMs()),
    loop: new TickLoop({
      clock,
      intervalMs: () => live.intervalMs(),
      tick: (at, current) => live.tick(at, current),
      busy: () => runner.inFlight(),
      onClockStep: (stepMs) => clockStepWarning(childLogger(logger, { stage: 'collect' }), stepMs),
    }),
    evictAfterMs: Math.max(STALE_MS, ...specs.map((s) => 2 * s.intervalMs)),
    storage: storageFor(c, clock, childLogger(logger, { stage: 'store' }), options),
    remoteWrite: new RemoteWriters(c.remote_write, childLogger(logger, { stage: 'remote_write' })),
  };
}

/**
 * Says what a stepped wall clock does to history. Samples carry wall-clock
 * time and each series refuses one older than its newest (as Prometheus's
 * TSDB does), so a clock set back keeps history silent until it passes the
 * newest samples again; a clock set forward leaves a gap.
 */
function clockStepWarning(logger: Logger, stepMs: number): void {
  const s = Math.round(Math.abs(stepMs) / 1000);
  if (stepMs < 0)
    logger.warn(
      `the wall clock stepped back by ${s} s: each series refuses samples older than its newest (counted in echo_perf_series_out_of_order_samples_total), so history stays silent for about ${s} s`,
    );
  else logger.warn(`the wall clock stepped forward by ${s} s: history has a gap of that length`);
}

function storageFor(c: Readonly<EchoPerfConfig>, clock: Clock, logger: Logger, options: MonitorOptions): MonitorStorage | undefined {
  const s = storageSetting(c, options.persistByDefault === true, options.dataDir);
  return s.enabled ? new MonitorStorage(s.dataDir, c, clock, logger) : undefined;
}
