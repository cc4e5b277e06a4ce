/**
 * @module monitor/unifiedMonitor
 * The seed's UnifiedPerformanceMonitor: a facade that wires the parts of the
 * pipeline — the collector registry and runner (collect/), the store
 * (store/), the pipeline step (analyze/pipeline.ts), the alert log (alert/),
 * the dispatcher (notify/) — to a tick loop (monitor/tickLoop.ts). A tick is
 * one function of (time, collectors), so the live loop and a ManualClock in
 * tests run the same code.
 */
import { writeJsonAtomic } from '../core/atomicFile.js';
import { SystemClock, type Clock } from '../core/clock.js';
import { EchoPerfError, describeError } from '../core/errors.js';
import { createStreamLogger, type Logger } from '../core/logger.js';
import { SNAPSHOT_FIELDS, type PerformanceMetrics, type SnapshotField } from '../core/snapshot.js';
import type { Collector, CollectorFn, Sample } from '../core/types.js';
import { loadConfigFile, parseConfig, type EchoPerfConfig } from '../config/index.js';
import { CollectorRegistry } from '../collect/registry.js';
import { CollectorRunner, type CollectorEntry } from '../collect/runner.js';
import { ScrapeManager } from '../collect/scrape/index.js';
import { collectorSource, ENGINES_SOURCE } from '../store/collections.js';
import type { BoundedHistory } from '../store/history.js';
import { PageIngest } from '../store/pages.js';
import { SeriesStore } from '../store/series.js';
import type { Finding } from '../analyze/finding.js';
import { Pipeline, type CollectedBatch } from '../analyze/pipeline.js';
import { emptySnapshot } from '../analyze/snapshot/build.js';
import { SnapshotHistory } from '../analyze/snapshot/history.js';
import type { PerformanceThresholds } from '../analyze/thresholds.js';
import { computeTrends, type Trend } from '../analyze/trend.js';
import type { PerformanceAlert } from '../alert/alert.js';
import { AlertLog, type RestoreResult } from '../alert/log.js';
import { AlertDispatcher, type AlertHandler } from '../notify/dispatch.js';
import { targetHealthSamples } from '../export/fromStore.js';
import { PushedComponents, type PushResult } from './pushIngest.js';
import { scrapeSpecs, seriesCapacity } from './scrapeSpecs.js';
import { selfSamples } from './selfMetrics.js';
import { collectorSummaries, componentStates } from './status.js';
import { thresholdsFromConfig } from './thresholdsFromConfig.js';
import { TickLoop } from './tickLoop.js';
import type { CollectorSummary, ComponentState, MonitorOptions, PerformanceSummary, TickHealth, TickListener } from './types.js';

export type { CollectorSummary, ComponentState, MonitorOptions, PerformanceSummary, TickHealth, TickListener } from './types.js';

/** Prometheus's lookback: a series with no sample for this long is gone. */
const STALE_MS = 5 * 60_000;

export class UnifiedPerformanceMonitor {
  readonly config: Readonly<EchoPerfConfig>;
  /** Collectors by name; the built-in host collector is `system`. Editable: the next tick uses it as it is. */
  readonly componentCollectors: Map<string, CollectorEntry>;
  /** One snapshot per tick, as views over the store (built when read). */
  readonly metricsHistory: SnapshotHistory;
  readonly alertsHistory: BoundedHistory<PerformanceAlert>;
  /** Every series with its metadata and recent samples (what /metrics and analysis read). */
  readonly store: SeriesStore;
  /** The configured Prometheus scrape targets, each on its own schedule. */
  readonly scrapes: ScrapeManager;
  thresholds: PerformanceThresholds;

  private readonly _clock: Clock;
  private readonly _logger: Logger;
  private readonly _registry: CollectorRegistry;
  private readonly _runner: CollectorRunner;
  private readonly _pipeline: Pipeline;
  private readonly _alerts: AlertLog;
  private readonly _dispatcher: AlertDispatcher;
  private readonly _loop: TickLoop;
  private readonly _push: PushedComponents;
  private readonly _tickListeners: TickListener[] = [];
  /** Conditions raised by integrations (e.g. an unwritable echo.dash dir), evaluated every tick until cleared. */
  private readonly _conditions = new Map<string, Finding>();
  /** Series silent this long leave the store: the staleness period, or two intervals of the slowest target. */
  private readonly _evictAfterMs: number;
  private _interval: number;

  constructor(options: MonitorOptions = {}) {
    this.config =
      options.config !== undefined ? parseConfig(options.config) : options.configPath !== undefined ? loadConfigFile(options.configPath) : parseConfig({});
    const c = this.config;
    this._clock = options.clock ?? new SystemClock();
    this._logger = options.logger ?? createStreamLogger(c.log_level, undefined, 'performance_monitor');
    this._interval = c.monitoring_interval;
    this.thresholds = thresholdsFromConfig(c);
    this.store = new SeriesStore({ capacity: seriesCapacity(c), historyCapacity: c.max_metrics_history, maxSeries: c.max_series, reservedSeries: c.reserved_series });
    this.metricsHistory = new SnapshotHistory({ maxlen: c.max_metrics_history, store: this.store, keepBuilt: Math.max(16, c.degradation_detection.window_size) });
    this._alerts = new AlertLog(c.max_alerts_history, this._logger);
    this.alertsHistory = this._alerts.history;
    const pages = new PageIngest(this.store);
    const specs = scrapeSpecs(c);
    this.scrapes = new ScrapeManager(specs, this._clock, {
      page: (target, samples, meta) => pages.slice(target.spec.name, samples, meta),
      done: (target, at, own, meta) => pages.done(target.spec.name, at, own, meta),
    });
    this._evictAfterMs = Math.max(STALE_MS, ...specs.map((s) => 2 * s.intervalMs));
    this._runner = new CollectorRunner({ clock: this._clock, timeoutMs: this._timeoutMs(), limits: { maxSamples: c.max_samples_per_collector, maxLabels: 32 } });
    this._registry = new CollectorRegistry({ config: c, clock: this._clock, logger: this._logger, timeoutMs: () => this._timeoutMs(), systemCollector: options.systemCollector, gpuCollector: options.gpuCollector });
    this.componentCollectors = this._registry.entries;
    this._dispatcher = new AlertDispatcher(this._logger);
    this._push = new PushedComponents(c, () => this._interval * 1000);
    this._pipeline = new Pipeline({
      store: this.store,
      history: this.metricsHistory,
      config: c,
      thresholds: () => this.thresholds,
      intervalMs: () => this._interval * 1000,
      targets: () => new Map([...this.scrapes.targets].map(([name, t]) => [name, t.status])),
      isCollector: (name) => this.componentCollectors.has(name),
      conditions: () => this._conditions.values(),
    });
    this._loop = new TickLoop({ clock: this._clock, intervalMs: () => this._interval * 1000, tick: (at, current) => this._tick(at, current), busy: () => this._runner.inFlight() });
  }

  /** The time source this monitor runs on. */
  get clock(): Clock {
    return this._clock;
  }

  /** Seconds between collections. Changing it while running reschedules the loop. */
  get monitorInterval(): number {
    return this._interval;
  }

  set monitorInterval(seconds: number) {
    if (!(typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0)) {
      throw new EchoPerfError('EP_ERR_ARGUMENT', `monitorInterval: got ${String(seconds)}; expected a number of seconds > 0`);
    }
    this._interval = seconds;
    this._runner.timeoutMs = this._timeoutMs();
    this._loop.reschedule();
  }

  get isMonitoring(): boolean {
    return this._loop.running;
  }

  startMonitoring(): void {
    if (this._loop.running) {
      this._logger.warn('Monitoring already running');
      return;
    }
    this._registry.open();
    this._loop.start();
    this.scrapes.start();
    this._logger.info(`Performance monitoring started (interval ${this._interval}s, ${this.componentCollectors.size} collectors)`);
  }

  /** Stops the loop; aborts collectors still running. Leaves no timer or handle behind. */
  stopMonitoring(): void {
    if (!this._loop.running) {
      this._logger.warn('Monitoring is not running');
      return;
    }
    this._loop.stop();
    this._runner.stop();
    this.scrapes.stop();
    this._registry.close();
    this._logger.info('Performance monitoring stopped');
  }

  /**
   * Registers a collector (the seed's `register_collector`): a function returning
   * `{metric: number}` or a list of `{name, value, labels?}`, sync or async.
   * A metric named like a snapshot field (`token_throughput`, `request_latency_ms`, ...)
   * feeds that field, so the seed's thresholds apply to it.
   */
  registerCollector(name: string, fn: CollectorFn | Collector): void {
    this._registry.register(name, fn);
  }

  /** Registers a handler called once when an alert fires and once when it resolves. */
  registerAlertHandler(fn: AlertHandler): void {
    if (typeof fn !== 'function') {
      throw new EchoPerfError('EP_ERR_ARGUMENT', `registerAlertHandler: handler: got ${typeof fn}; expected a function`);
    }
    this._dispatcher.register(fn);
  }

  /** Called after every tick with the new snapshot and the alert events it raised. */
  onTick(listener: TickListener): () => void {
    this._tickListeners.push(listener);
    return () => {
      const i = this._tickListeners.indexOf(listener);
      if (i >= 0) this._tickListeners.splice(i, 1);
    };
  }

  /** The latest snapshot; undefined before the first collection. */
  getCurrentMetrics(): PerformanceMetrics | undefined {
    return this.metricsHistory.at(-1);
  }

  /** Alerts firing now. */
  firingAlerts(): PerformanceAlert[] {
    return this._alerts.firing();
  }

  /** Incidents that started within the last `hours`, plus any still firing. */
  getRecentAlerts(hours = 1): PerformanceAlert[] {
    if (!(typeof hours === 'number' && hours >= 0)) {
      throw new EchoPerfError('EP_ERR_ARGUMENT', `getRecentAlerts: hours: got ${String(hours)}; expected a number >= 0`);
    }
    return this._alerts.since(this._clock.now() - hours * 3_600_000);
  }

  /**
   * Brings back alert records kept before a restart (e.g. by a persistent
   * store), oldest first: firing ones fire again without notifying handlers
   * a second time, and resolve as usual. Call before the first tick.
   */
  restoreAlerts(records: readonly unknown[]): RestoreResult {
    return this._alerts.restore(records);
  }

  getPerformanceSummary(): PerformanceSummary {
    const trends: Record<string, Trend> = {};
    const window = this.metricsHistory.last(this.thresholds.degradationWindowSize);
    for (const [f, t] of Object.entries(computeTrends(window, this.thresholds.degradationThreshold))) trends[SNAPSHOT_FIELDS[f as SnapshotField]] = t;
    return {
      timestamp: this._clock.now(),
      monitoringActive: this.isMonitoring,
      metricsCount: this.metricsHistory.length,
      alertsCount: this.alertsHistory.length,
      currentMetrics: this.getCurrentMetrics(),
      recentAlerts: this.getRecentAlerts(),
      performanceTrends: trends,
      collectors: this.collectorStatus(),
      targets: this.scrapes.statuses(),
    };
  }

  /** Per collector: status (pending, ok, error, timeout), last error, last duration. */
  collectorStatus(): Record<string, CollectorSummary> {
    return collectorSummaries(this.componentCollectors, this._runner.statuses());
  }

  /**
   * Takes metrics a component pushed (JSON `{"metric": value, ...}` or Prometheus
   * text). All or nothing: on any bad field nothing is kept and every error is
   * returned (`status` 400; 429 for a new component past `max_push_components`).
   * The component appears in `componentCollectors` on its first push.
   */
  acceptPush(component: string, body: string, contentType: string): PushResult {
    return this._push.ingest(this.componentCollectors, this._clock.now(), component, body, contentType);
  }

  /**
   * Raises a condition that holds until cleared: it fires as an alert at the next
   * tick and resolves at the first tick after `clearCondition(key)`.
   */
  raiseCondition(key: string, c: Omit<Finding, 'key' | 'kind'>): void {
    this._conditions.set(key, { ...c, key: `condition:${key}`, kind: 'component' });
  }

  clearCondition(key: string): void {
    this._conditions.delete(key);
  }

  /** Per component (collectors, pushed and pulled components, scrape targets): active, stale, down, disabled or pending. */
  componentStates(): Record<string, ComponentState> {
    return componentStates(this.config, this.componentCollectors, this._runner.statuses(), this._pipeline.freshness, this.scrapes.statuses());
  }

  /** Writes `{ timestamp, metrics, alerts }` (the seed's file) atomically: temp file + rename. */
  saveMetricsToFile(path: string): void {
    writeJsonAtomic(path, { timestamp: this._clock.now(), metrics: this.metricsHistory.toArray(), alerts: this.alertsHistory.toArray() });
    this._logger.info(`Metrics saved to ${path}`);
  }

  /**
   * Runs one collection now (what each tick does) and resolves with its snapshot.
   * Useful for embedding without the loop, and for tests.
   */
  async collectNow(): Promise<PerformanceMetrics> {
    await this._loop.runNow(() => this.scrapes.scrapeAll());
    return this.getCurrentMetrics() ?? emptySnapshot(this._clock.now());
  }

  /** Whether the loop is alive: monitoring, and a tick completed recently (see TickLoop.health). */
  tickHealth(): TickHealth {
    return this._loop.health();
  }

  /** Resolves once queued alert events reached every handler. */
  flushAlerts(): Promise<void> {
    return this._dispatcher.flush();
  }

  /**
   * The current state, as `/metrics` shows it (internal names; the export
   * table renames them), read from the store: what each collector produced in
   * the last tick, the last tick's engine metrics, self-metrics, target health,
   * and ALERTS.
   */
  currentSamples(at: number = this._clock.now()): Sample[] {
    const out: Sample[] = [];
    const cols = this.store.collections;
    for (const name of this.componentCollectors.keys()) {
      const c = cols.get(collectorSource(name));
      if (c !== undefined) for (const s of this.store.samples(c)) out.push(s);
    }
    const engines = cols.get(ENGINES_SOURCE);
    if (engines !== undefined) for (const s of this.store.samples(engines)) out.push(s);
    for (const s of this.selfSamples(at)) out.push(s);
    for (const s of targetHealthSamples(this.store, Object.values(this.scrapes.statuses()), at)) out.push(s);
    for (const s of this._alerts.series(at)) out.push(s);
    return out;
  }

  /** The monitor's own health as samples (Prometheus naming). */
  selfSamples(at: number = this._clock.now()): Sample[] {
    return selfSamples({ runner: this._runner, push: this._push, loop: this._loop, store: this.store, alerts: this._alerts, dispatcher: this._dispatcher }, at);
  }

  private _timeoutMs(): number {
    const explicit = this.config.collector_timeout;
    return (explicit !== undefined ? Math.min(explicit, this._interval) : this._interval * 0.8) * 1000;
  }

  private async _tick(at: number, current: () => boolean): Promise<boolean> {
    let outputs: Map<string, Sample[]>;
    try {
      outputs = await this._runner.runTick(at, this.componentCollectors);
    } catch (e) {
      this._logger.error(`collection failed: ${describeError(e)}`);
      return false;
    }
    if (!current()) return false; // stopped meanwhile: discard
    try {
      this._process(at, outputs);
    } catch (e) {
      this._logger.error(`tick processing failed: ${describeError(e)}`);
    }
    return true;
  }

  private _process(at: number, outputs: ReadonlyMap<string, Sample[]>): void {
    const batches: CollectedBatch[] = [];
    for (const [source, samples] of outputs) batches.push({ source, samples, ...this._registry.originOf(source) });
    this._push.forgetSilent(at, this.componentCollectors);
    const { snapshot, findings } = this._pipeline.evaluate(at, batches);
    const events = this._alerts.apply(at, findings);
    this._dispatcher.dispatch(events);
    this.store.append(this.selfSamples(at), { meta: { origin: 'self' } });
    // Series that stopped reporting leave the store after Prometheus's 5-minute staleness period
    // (history series only once no snapshot in metricsHistory refers to them).
    if (this._loop.ticks % 30 === 0) this.store.evictOlderThan(at - this._evictAfterMs, (this.metricsHistory.oldestAt() ?? at) - STALE_MS);
    for (const l of this._tickListeners) {
      try {
        l(snapshot, events);
      } catch (e) {
        this._logger.error(`tick listener failed: ${describeError(e)}`);
      }
    }
  }
}
