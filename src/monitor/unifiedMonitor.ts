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
import type { CollectorEntry } from '../collect/runner.js';
import type { ScrapeManager } from '../collect/scrape/index.js';
import type { BoundedHistory } from '../store/history.js';
import type { SeriesStore } from '../store/series.js';
import type { Finding } from '../analyze/finding.js';
import type { CollectedBatch } from '../analyze/pipeline.js';
import { emptySnapshot } from '../analyze/snapshot/build.js';
import type { SnapshotHistory } from '../analyze/snapshot/history.js';
import type { PerformanceThresholds } from '../analyze/thresholds.js';
import { computeTrends, type Trend } from '../analyze/trend.js';
import type { PerformanceAlert } from '../alert/alert.js';
import type { RestoreResult } from '../alert/log.js';
import { Silences } from '../alert/silences.js';
import { Suppressor, type SuppressionStatus } from '../alert/suppress.js';
import type { NotifierStatus, TestResult } from '../notify/center.js';
import type { AlertGroupHandler, AlertHandler } from '../notify/dispatch.js';
import { currentSamples, selfSamples } from './currentState.js';
import { STALE_MS, wireParts, type Parts } from './parts.js';
import { runMetricQuery, type MetricQuery, type MetricQueryResult } from './query.js';
import type { StorageHooks } from './storage.js';
import { RULES_NAMESPACE, RuleStateSaver } from './ruleState.js';
import { rulesStatus, type RulesStatus } from './rulesStatus.js';
import type { PushResult } from './pushIngest.js';
import { collectorSummaries, componentStates } from './status.js';
import { gpuStatus, type GpuStatus } from './gpuStatus.js';
import { thresholdsFromConfig } from './thresholdsFromConfig.js';
import type { CollectorSummary, ComponentState, MonitorOptions, PerformanceSummary, TickHealth, TickListener } from './types.js';

export type { CollectorSummary, ComponentState, MonitorOptions, PerformanceSummary, TickHealth, TickListener } from './types.js';

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
  /**
   * Silences (Alertmanager's): `add({matchers, duration | endsAt, createdBy, comment})`,
   * `list({state})`, `expire(id)`. A silenced alert fires but its handlers hear of
   * it only once no silence or inhibit rule mutes it. Kept in the data dir.
   */
  readonly silences: Silences;

  private readonly _suppressor: Suppressor;
  private readonly _clock: Clock;
  private readonly _logger: Logger;
  private readonly _p: Parts;
  private readonly _ruleState: RuleStateSaver;
  private readonly _tickListeners: TickListener[] = [];
  /** Conditions raised by integrations (e.g. an unwritable echo.dash dir), evaluated every tick until cleared. */
  private readonly _conditions = new Map<string, Finding>();
  private _interval: number;
  /**
   * The agent's URL as notifications link to it: config `alerting.external_url`,
   * else where the server listens (the integrated system sets it), else the configured address.
   */
  externalURL: string;

  constructor(options: MonitorOptions = {}) {
    this.config =
      options.config !== undefined ? parseConfig(options.config) : options.configPath !== undefined ? loadConfigFile(options.configPath) : parseConfig({});
    const c = this.config;
    this._clock = options.clock ?? new SystemClock();
    this._logger = options.logger ?? createStreamLogger(c.log_level, undefined, 'performance_monitor');
    this._interval = c.monitoring_interval;
    this.externalURL = c.alerting.external_url?.replace(/\/+$/, '') ?? `http://${c.server.host.includes(':') ? `[${c.server.host}]` : c.server.host}:${c.server.port}`;
    this.thresholds = thresholdsFromConfig(c);
    this._p = wireParts(c, this._clock, this._logger, options, {
      intervalMs: () => this._interval * 1000,
      timeoutMs: () => this._timeoutMs(),
      thresholds: () => this.thresholds,
      conditions: () => this._conditions.values(),
      tick: (at, current) => this._tick(at, current),
      externalURL: () => this.externalURL,
    });
    this.store = this._p.store;
    this.metricsHistory = this._p.history;
    this.alertsHistory = this._p.alerts.history;
    this.scrapes = this._p.scrapes;
    this.componentCollectors = this._p.registry.entries;
    this.silences = new Silences(this._clock);
    this._suppressor = new Suppressor(this.silences);
    this._ruleState = new RuleStateSaver(this._p.pipeline.rules, this._p.storage, c.storage.flush_interval * 1000);
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
    this._p.runner.timeoutMs = this._timeoutMs();
    this._p.loop.reschedule();
  }

  get isMonitoring(): boolean {
    return this._p.loop.running;
  }

  startMonitoring(): void {
    if (this._p.loop.running) {
      this._logger.warn('Monitoring already running');
      return;
    }
    // The data dir first: a second agent on it (the lock) or a newer schema stops the start here.
    this._p.storage?.openOnce(this.store, this._storageHooks(), this._interval * 1000);
    // The outbox lives beside the history (under the same lock); without a data dir, in memory.
    this._p.delivery.open(this._p.storage?.dataDir);
    this._p.registry.open();
    // After the data dir: each queue resumes after the watermark saved there.
    this._p.remoteWrite.start(this._p.storage?.open === true ? this._p.storage : undefined);
    this._p.loop.start();
    this.scrapes.start();
    this._logger.info(`Performance monitoring started (interval ${this._interval}s, ${this.componentCollectors.size} collectors)`);
  }

  /** Stops the loop; aborts collectors still running. Leaves no timer or handle behind. */
  stopMonitoring(): void {
    if (!this._p.loop.running) {
      this._logger.warn('Monitoring is not running');
      return;
    }
    this._p.loop.stop();
    this._p.runner.stop();
    this.scrapes.stop();
    this._p.registry.close();
    this._logger.info('Performance monitoring stopped');
  }

  /**
   * Registers a collector (the seed's `register_collector`): a function returning
   * `{metric: number}` or a list of `{name, value, labels?}`, sync or async.
   * A metric named like a snapshot field (`token_throughput`, `request_latency_ms`, ...)
   * feeds that field, so the seed's thresholds apply to it.
   */
  registerCollector(name: string, fn: CollectorFn | Collector): void {
    this._p.registry.register(name, fn);
  }

  /** Registers a handler called once when an alert fires and once when it resolves. */
  registerAlertHandler(fn: AlertHandler): void {
    if (typeof fn !== 'function') {
      throw new EchoPerfError('EP_ERR_ARGUMENT', `registerAlertHandler: handler: got ${typeof fn}; expected a function`);
    }
    this._p.dispatcher.register(fn);
  }

  /**
   * Registers a handler called once per component per evaluation with that
   * evaluation's alert events of the component together (grouped by component,
   * as Alertmanager's `group_by`); silenced and inhibited events are held back
   * as for single-alert handlers.
   */
  registerAlertGroupHandler(fn: AlertGroupHandler): void {
    if (typeof fn !== 'function') {
      throw new EchoPerfError('EP_ERR_ARGUMENT', `registerAlertGroupHandler: handler: got ${typeof fn}; expected a function`);
    }
    this._p.dispatcher.registerGroup(fn);
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

  /** Alerts firing now; muted ones marked in metadata (`suppressed`, `silencedBy`, `inhibitedBy`). */
  firingAlerts(): PerformanceAlert[] {
    return this._p.alerts.firing().map((a) => this._suppressor.annotate(a));
  }

  /** A firing alert's status as Alertmanager API v2 shows it: active, or suppressed and by what (as of the last tick). */
  alertStatus(a: PerformanceAlert): SuppressionStatus {
    return this._suppressor.statusOf(a);
  }

  /** Incidents that started within the last `hours`, plus any still firing. */
  getRecentAlerts(hours = 1): PerformanceAlert[] {
    if (!(typeof hours === 'number' && hours >= 0)) {
      throw new EchoPerfError('EP_ERR_ARGUMENT', `getRecentAlerts: hours: got ${String(hours)}; expected a number >= 0`);
    }
    return this._p.alerts.since(this._clock.now() - hours * 3_600_000).map((a) => this._suppressor.annotate(a));
  }

  /**
   * Brings back alert records kept before a restart (e.g. by a persistent
   * store), oldest first: firing ones fire again without notifying handlers
   * a second time, and resolve as usual. Call before the first tick.
   */
  restoreAlerts(records: readonly unknown[]): RestoreResult {
    return this._p.alerts.restore(records);
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
      // Only with engines: the seed's summary keeps its keys otherwise.
      ...(this.config.engines.length > 0 ? { llm: this._p.pipeline.llm.status() } : {}),
      rules: this.rulesStatus(),
      ...(this._p.delivery.size > 0 ? { notifiers: this.notifierStatus() } : {}),
      ...this._gpus(),
    };
  }

  /** The `gpus` section, only when some GPU reported within the staleness of a component. */
  private _gpus(): { gpus?: GpuStatus[] } {
    const c = this.config;
    const intervalS = Math.max(c.monitoring_interval, c.gpu.interval ?? 0);
    const gpus = gpuStatus(this.store, this._clock.now(), c.stale_after_intervals * intervalS * 1000);
    return gpus.length > 0 ? { gpus } : {};
  }

  /** Rules active, evaluators, skipped series, what each baseline learnt, pending alerts. */
  rulesStatus(): RulesStatus {
    return rulesStatus(this._p.pipeline.rules, this._p.alerts.pending());
  }

  /** Per collector: status (pending, ok, error, timeout), last error, last duration. */
  collectorStatus(): Record<string, CollectorSummary> {
    return collectorSummaries(this.componentCollectors, this._p.runner.statuses());
  }

  /**
   * Takes metrics a component pushed (JSON `{"metric": value, ...}` or Prometheus
   * text). All or nothing: on any bad field nothing is kept and every error is
   * returned (`status` 400; 429 for a new component past `max_push_components`).
   * The component appears in `componentCollectors` on its first push.
   */
  acceptPush(component: string, body: string, contentType: string): PushResult {
    return this._p.push.ingest(this.componentCollectors, this._clock.now(), component, body, contentType);
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
    return componentStates(this.config, this.componentCollectors, this._p.runner.statuses(), this._p.pipeline.freshness, this.scrapes.statuses());
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
    await this._p.loop.runNow(() => this.scrapes.scrapeAll());
    return this.getCurrentMetrics() ?? emptySnapshot(this._clock.now());
  }

  /** Whether the loop is alive: monitoring, and a tick completed recently (see TickLoop.health). */
  tickHealth(): TickHealth {
    return this._p.loop.health();
  }

  /** Resolves once queued alert events reached every handler, and due notifications were sent (bounded). */
  async flushAlerts(): Promise<void> {
    await this._p.dispatcher.flush();
    await this._p.delivery.flush();
  }

  /** Each remote notifier: where it sends, what waits in its outbox, sent / failed / retried, its last error. */
  notifierStatus(): NotifierStatus[] {
    return this._p.delivery.status(this._clock.now());
  }

  /** Sends a test notification through every remote notifier (or the one named) and says how each went. */
  testNotifiers(name?: string): Promise<TestResult[]> {
    return this._p.delivery.test(name);
  }

  /**
   * History of one metric: from the data dir (the finest tier covering the
   * range) when this monitor keeps history on disk, else from memory. `metric`
   * is a name as /metrics shows it (in its units) or as the library names it.
   */
  query(q: MetricQuery): Promise<MetricQueryResult> {
    return runMetricQuery(q, this.store, this._p.storage, this._clock.now());
  }

  /** Stops monitoring if it runs, writes what is pending and releases the data dir. */
  async close(): Promise<void> {
    if (this._p.loop.running) this.stopMonitoring();
    this._saveSilences();
    this._ruleState.maybeSave(this._clock.now(), true);
    await this._p.delivery.close();
    await this._p.remoteWrite.close();
    await this._p.storage?.close();
  }

  private _storageHooks(): StorageHooks {
    return {
      raise: (key, f) => this.raiseCondition(key, f),
      clear: (key) => this.clearCondition(key),
      restoreAlerts: (records) => {
        const r = this.restoreAlerts(records);
        for (const p of r.problems.slice(0, 5)) this._logger.warn(`saved alert not restored: ${p}`);
      },
      restoreState: (load) => {
        const r = this.silences.restore(load('silences'));
        for (const p of r.problems.slice(0, 5)) this._logger.warn(`saved silence not restored: ${p}`);
        this._ruleState.restore(load(RULES_NAMESPACE), this._logger);
      },
    };
  }

  /** The current state, as `/metrics` shows it, in internal names (monitor/currentState.ts). */
  currentSamples(at: number = this._clock.now()): Sample[] {
    return currentSamples(this._p, at);
  }

  /** The monitor's own health as samples (Prometheus naming). */
  selfSamples(at: number = this._clock.now()): Sample[] {
    return selfSamples(this._p, at);
  }

  private _saveSilences(): void {
    this._p.storage?.saveState('silences', this.silences.version, () => this.silences.save());
  }

  private _timeoutMs(): number {
    const explicit = this.config.collector_timeout;
    return (explicit !== undefined ? Math.min(explicit, this._interval) : this._interval * 0.8) * 1000;
  }

  private async _tick(at: number, current: () => boolean): Promise<boolean> {
    let outputs: Map<string, Sample[]>;
    try {
      outputs = await this._p.runner.runTick(at, this.componentCollectors);
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
    for (const [source, samples] of outputs) batches.push({ source, samples, ...this._p.registry.originOf(source) });
    this._p.push.forgetSilent(at, this.componentCollectors);
    const { snapshot, findings, recoveries } = this._p.pipeline.evaluate(at, batches);
    const events = this._p.alerts.apply(at, findings, recoveries);
    // A baseline freezes while its series alerts, so a degradation is not learnt as normal.
    for (const e of events) this._p.pipeline.rules.alerting(e.fingerprint, e.status === 'firing');
    this._p.storage?.recordEvents(at, events);
    {
      // Silences and inhibit rules hold back notifications, not alerts (alert/suppress.ts).
      const firing = this._p.alerts.firing();
      const deliver = this._suppressor.filter(events, firing, at);
      this._p.dispatcher.dispatch(deliver);
      this._p.delivery.observe(at, deliver);
      this._p.delivery.tick(at);
      this._saveSilences();
      this._p.storage?.saveFiring(firing.map((a) => this._suppressor.annotate(a)));
      this._ruleState.maybeSave(at);
    }
    this.store.append(this.selfSamples(at), { meta: { origin: 'self' } });
    if (this._p.remoteWrite.size > 0) this._p.remoteWrite.observe(this.currentSamples(at));
    // Series that stopped reporting leave the store after Prometheus's 5-minute staleness period
    // (history series only once no snapshot in metricsHistory refers to them).
    if (this._p.loop.ticks % 30 === 0) this.store.evictOlderThan(at - this._p.evictAfterMs, (this.metricsHistory.oldestAt() ?? at) - STALE_MS);
    for (const l of this._tickListeners) {
      try {
        l(snapshot, events);
      } catch (e) {
        this._logger.error(`tick listener failed: ${describeError(e)}`);
      }
    }
  }
}
