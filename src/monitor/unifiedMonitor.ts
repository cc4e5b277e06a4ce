/**
 * @module monitor/unifiedMonitor
 * The seed's UnifiedPerformanceMonitor: a facade that wires collect → store →
 * analyze → alert → notify. The tick is one function of (time, collectors), so
 * the live loop and a ManualClock in tests run the same code.
 */
import { writeJsonAtomic } from '../core/atomicFile.js';
import { SystemClock, type Clock, type Timer } from '../core/clock.js';
import { EchoPerfError, describeError } from '../core/errors.js';
import { createStreamLogger, type Logger } from '../core/logger.js';
import { SNAPSHOT_FIELDS, type PerformanceMetrics, type SnapshotField } from '../core/snapshot.js';
import type { Collector, CollectorFn, Sample } from '../core/types.js';

import { loadConfigFile, parseConfig, type EchoPerfConfig } from '../config/index.js';
import { CollectorRunner, type CollectorEntry } from '../collect/runner.js';
import { createSystemCollector } from '../collect/system/index.js';
import type { GpuCollector } from '../collect/gpu/index.js';
import { ScrapeManager } from '../collect/scrape/index.js';
import { deriveFromScrapes } from '../analyze/derive.js';
import { scrapeSpecs, seriesCapacity } from './scrapeSpecs.js';
import { BoundedHistory } from '../store/history.js';
import { SeriesStore } from '../store/series.js';
import type { PerformanceThresholds } from '../analyze/thresholds.js';
import { computeTrends, type Trend } from '../analyze/trend.js';
import type { Freshness } from '../analyze/staleness.js';
import type { Finding } from '../analyze/finding.js';
import { evaluateRules } from './rules.js';
import { deriveEngines, engineSources, engineStalls } from './engines.js';
import { deriveSources, freshTargetSamples } from './scrapeView.js';
import { PushedComponents, type PushResult } from './pushIngest.js';
import type { PerformanceAlert } from '../alert/alert.js';
import { AlertLifecycle } from '../alert/lifecycle.js';
import { AlertDispatcher, type AlertHandler } from '../notify/dispatch.js';
import { buildSnapshot, emptySnapshot } from './snapshotView.js';
import { thresholdsFromConfig } from './thresholdsFromConfig.js';
import { newGpuCollector, pullCollectors } from './builtins.js';
import { collectorSummaries, componentStates } from './status.js';
import { alertSamples, targetHealthSamples } from './currentSeries.js';
import type { CollectorSummary, ComponentState, MonitorOptions, PerformanceSummary, TickHealth, TickListener } from './types.js';

export type { CollectorSummary, ComponentState, MonitorOptions, PerformanceSummary, TickHealth, TickListener } from './types.js';

/** Prometheus's lookback: a series with no sample for this long is gone. */
const STALE_MS = 5 * 60_000;
/** The shortest silence that counts as a stalled loop (see tickHealth). */
const TICK_STALL_MIN_MS = 10_000;

export class UnifiedPerformanceMonitor {
  readonly config: Readonly<EchoPerfConfig>;
  /** Collectors by name; the built-in host collector is `system`. Editable: the next tick uses it as it is. */
  readonly componentCollectors = new Map<string, CollectorEntry>();
  readonly metricsHistory: BoundedHistory<PerformanceMetrics>;
  readonly alertsHistory: BoundedHistory<PerformanceAlert>;
  /** Recent samples of every series (what /metrics and analysis read). */
  readonly store: SeriesStore;
  /** The configured Prometheus scrape targets, each on its own schedule. */
  readonly scrapes: ScrapeManager;
  thresholds: PerformanceThresholds;

  private readonly _clock: Clock;
  private readonly _logger: Logger;
  private readonly _runner: CollectorRunner;
  private readonly _lifecycle = new AlertLifecycle();
  private readonly _dispatcher: AlertDispatcher;
  private readonly _tickListeners: TickListener[] = [];
  private _interval: number;
  private _timer: Timer | undefined;
  private _tickInFlight: Promise<void> | undefined;
  private _ticks = 0;
  private _ticksSkipped = 0;
  private _lastTickMs = 0;
  /** Clock time of the last tick that completed; undefined before the first. */
  private _lastTickAt: number | undefined;
  private _startedAt: number | undefined;
  /** What each collector produced in the last tick (what /metrics shows for it). */
  private _collectorOutputs = new Map<string, Sample[]>();
  /** The unified engine metrics of the last tick. */
  private _engineOutputs: Sample[] = [];
  private _generation = 0;
  /** Whether `gpu` is the built-in collector this monitor made (and so closes on stop). */
  private _ownGpu = false;
  private _gpuClosed = false;
  /** Per component: time of its newest sample (for staleness). */
  private readonly _lastSeen = new Map<string, number>();
  private _freshness = new Map<string, Freshness>();
  /** Conditions raised by integrations (e.g. an unwritable echo.dash dir), evaluated every tick until cleared. */
  private readonly _conditions = new Map<string, Finding>();
  private readonly _push: PushedComponents;

  constructor(options: MonitorOptions = {}) {
    this.config =
      options.config !== undefined
        ? parseConfig(options.config)
        : options.configPath !== undefined
          ? loadConfigFile(options.configPath)
          : parseConfig({});
    const c = this.config;
    this._clock = options.clock ?? new SystemClock();
    this._logger = options.logger ?? createStreamLogger(c.log_level, undefined, 'performance_monitor');
    this._interval = c.monitoring_interval;
    this.thresholds = thresholdsFromConfig(c);
    this.metricsHistory = new BoundedHistory(c.max_metrics_history);
    this.alertsHistory = new BoundedHistory(c.max_alerts_history);
    this.store = new SeriesStore({ capacity: seriesCapacity(c), maxSeries: c.max_series, reservedSeries: c.reserved_series });
    this.scrapes = new ScrapeManager(scrapeSpecs(c), this._clock, (_target, page, own) => {
      this.store.append(own);
      this.store.append(page, 'external');
    });
    this._runner = new CollectorRunner({
      clock: this._clock,
      timeoutMs: this._timeoutMs(),
      limits: { maxSamples: c.max_samples_per_collector, maxLabels: 32 },
    });
    this._dispatcher = new AlertDispatcher(this._logger);
    this._push = new PushedComponents(c, () => this._interval * 1000);
    const system = options.systemCollector ?? (c.system.enabled ? createSystemCollector() : false);
    if (system !== false) this.componentCollectors.set('system', system);
    if (options.gpuCollector !== undefined) {
      if (options.gpuCollector !== false) this.componentCollectors.set('gpu', options.gpuCollector);
    } else if (c.gpu.enabled) {
      this._ownGpu = true;
      this.componentCollectors.set('gpu', newGpuCollector(this.config, this._clock, this._logger, this._timeoutMs()));
    }
    for (const [name, collector] of pullCollectors(c, this._timeoutMs())) this.componentCollectors.set(name, collector);
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
    if (this._timer !== undefined) {
      this._timer.stop();
      this._timer = this._clock.every(seconds * 1000, (skipped) => this._onTimer(skipped));
    }
  }

  get isMonitoring(): boolean {
    return this._timer !== undefined;
  }

  startMonitoring(): void {
    if (this._timer !== undefined) {
      this._logger.warn('Monitoring already running');
      return;
    }
    this._generation++;
    if (this._gpuClosed && this._ownGpu) {
      this.componentCollectors.set('gpu', newGpuCollector(this.config, this._clock, this._logger, this._timeoutMs()));
      this._gpuClosed = false;
    }
    this._startedAt = this._clock.now();
    this._timer = this._clock.every(this._interval * 1000, (skipped) => this._onTimer(skipped));
    this.scrapes.start();
    this._logger.info(`Performance monitoring started (interval ${this._interval}s, ${this.componentCollectors.size} collectors)`);
  }

  /** Stops the loop; aborts collectors still running. Leaves no timer or handle behind. */
  stopMonitoring(): void {
    if (this._timer === undefined) {
      this._logger.warn('Monitoring is not running');
      return;
    }
    this._timer.stop();
    this._timer = undefined;
    this._generation++;
    // The tick in flight (if any) settles now and discards its results (its generation is gone).
    this._tickInFlight = undefined;
    this._runner.stop();
    this.scrapes.stop();
    // The built-in GPU collector holds nvidia-smi children: end them; the next start makes a new one.
    const gpu = this.componentCollectors.get('gpu');
    if (this._ownGpu && gpu !== undefined && typeof gpu !== 'function' && 'close' in gpu) {
      void (gpu as GpuCollector).close();
      this._gpuClosed = true;
    }
    this._logger.info('Performance monitoring stopped');
  }

  /**
   * Registers a collector (the seed's `register_collector`): a function returning
   * `{metric: number}` or a list of `{name, value, labels?}`, sync or async.
   * A metric named like a snapshot field (`token_throughput`, `request_latency_ms`, ...)
   * feeds that field, so the seed's thresholds apply to it.
   */
  registerCollector(name: string, fn: CollectorFn | Collector): void {
    if (typeof name !== 'string' || name.length === 0 || name.length > 128) {
      throw new EchoPerfError('EP_ERR_COLLECTOR_INVALID', `registerCollector: name: got ${JSON.stringify(name)}; expected a non-empty string of at most 128 characters`);
    }
    const ok = typeof fn === 'function' || (fn !== null && typeof fn === 'object' && typeof (fn).collect === 'function');
    if (!ok) {
      throw new EchoPerfError('EP_ERR_COLLECTOR_INVALID', `registerCollector("${name}"): collector: got ${typeof fn}; expected a function or an object with collect()`);
    }
    if (this.componentCollectors.has(name)) this._logger.warn(`Collector "${name}" replaced`);
    this.componentCollectors.set(name, fn);
    this._logger.debug(`Registered collector: ${name}`);
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
    return this._lifecycle.active();
  }

  /** Incidents that started within the last `hours`, plus any still firing. */
  getRecentAlerts(hours = 1): PerformanceAlert[] {
    if (!(typeof hours === 'number' && hours >= 0)) {
      throw new EchoPerfError('EP_ERR_ARGUMENT', `getRecentAlerts: hours: got ${String(hours)}; expected a number >= 0`);
    }
    const cutoff = this._clock.now() - hours * 3_600_000;
    return this.alertsHistory.toArray().filter((a) => a.timestamp >= cutoff || a.status === 'firing');
  }

  getPerformanceSummary(): PerformanceSummary {
    const recentAlerts = this.getRecentAlerts();
    const window = this.metricsHistory.last(this.thresholds.degradationWindowSize);
    const trends: Record<string, Trend> = {};
    for (const [f, t] of Object.entries(computeTrends(window, this.thresholds.degradationThreshold))) {
      trends[SNAPSHOT_FIELDS[f as SnapshotField]] = t;
    }
    return {
      timestamp: this._clock.now(),
      monitoringActive: this.isMonitoring,
      metricsCount: this.metricsHistory.length,
      alertsCount: this.alertsHistory.length,
      currentMetrics: this.getCurrentMetrics(),
      recentAlerts,
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
    return componentStates(this.config, this.componentCollectors, this._runner.statuses(), this._freshness, this.scrapes.statuses());
  }

  /** Writes `{ timestamp, metrics, alerts }` (the seed's file) atomically: temp file + rename. */
  saveMetricsToFile(path: string): void {
    const body = {
      timestamp: this._clock.now(),
      metrics: this.metricsHistory.toArray(),
      alerts: this.alertsHistory.toArray(),
    };
    writeJsonAtomic(path, body);
    this._logger.info(`Metrics saved to ${path}`);
  }

  /**
   * Runs one collection now (what each tick does) and resolves with its snapshot.
   * Useful for embedding without the loop, and for tests.
   */
  async collectNow(): Promise<PerformanceMetrics> {
    // A tick already running is the collection asked for: starting a second one
    // would find its collectors still busy and mark them timed out.
    const running = this._tickInFlight;
    if (running !== undefined) await running;
    else {
      await this.scrapes.scrapeAll();
      await this._startTick();
    }
    return this.getCurrentMetrics() ?? emptySnapshot(this._clock.now());
  }

  /**
   * Whether the loop is alive: monitoring, and a tick completed within the last
   * three intervals (at least 10 s, so one slow tick or a GC pause is not an
   * outage). A loop whose ticks stopped answers not ok, with the reason.
   */
  tickHealth(): TickHealth {
    const now = this._clock.now();
    const limitMs = Math.max(3 * this._interval * 1000, TICK_STALL_MIN_MS);
    const since = this._lastTickAt ?? this._startedAt;
    const lastTickAgeSeconds = since === undefined ? undefined : (now - since) / 1000;
    const base = { monitoring: this.isMonitoring, ticks: this._ticks, lastTickAt: this._lastTickAt, lastTickAgeSeconds };
    if (!this.isMonitoring) return { ...base, ok: false, reason: 'monitoring is stopped' };
    if (since !== undefined && now - since > limitMs) {
      const busy = this._runner.inFlight();
      const why = busy.length > 0 ? `; collectors still running: ${busy.slice(0, 5).join(', ')}` : '';
      return { ...base, ok: false, reason: `no tick completed for ${((now - since) / 1000).toFixed(1)} s (limit ${limitMs / 1000} s)${why}` };
    }
    return { ...base, ok: true };
  }

  /** Resolves once queued alert events reached every handler. */
  flushAlerts(): Promise<void> {
    return this._dispatcher.flush();
  }

  /**
   * The current state, as `/metrics` shows it (internal names; the export
   * table renames them): what each collector produced in the last tick, the
   * last tick's engine metrics, self-metrics, target health, and ALERTS.
   */
  currentSamples(at: number = this._clock.now()): Sample[] {
    const out: Sample[] = [];
    for (const [name, samples] of this._collectorOutputs) if (this.componentCollectors.has(name)) for (const s of samples) out.push(s);
    for (const s of this._engineOutputs) out.push(s);
    for (const s of this.selfSamples(at)) out.push(s);
    for (const s of targetHealthSamples(this.scrapes.statuses(), at)) out.push(s);
    for (const s of alertSamples(this._lifecycle.active(), at)) out.push(s);
    return out;
  }

  /** The monitor's own health as samples (Prometheus naming). */
  selfSamples(at: number = this._clock.now()): Sample[] {
    const g = (name: string, v: number): Sample => ({ name, labels: {}, t: at, v });
    return [
      ...this._runner.selfSamples(at),
      ...this._push.selfSamples(at),
      g('echo_perf_ticks_total', this._ticks),
      ...(this._lastTickAt !== undefined ? [g('echo_perf_last_tick_timestamp_seconds', this._lastTickAt / 1000)] : []),
      g('echo_perf_series_out_of_order_samples_total', this.store.outOfOrderSamples),
      g('echo_perf_ticks_skipped_total', this._ticksSkipped),
      g('echo_perf_tick_duration_seconds', this._lastTickMs / 1000),
      g('echo_perf_series', this.store.seriesCount),
      ...(['own', 'external'] as const).map((origin) => ({ name: 'echo_perf_series_dropped_samples_total', labels: { origin }, t: at, v: this.store.droppedSamplesOf(origin) })),
      g('echo_perf_alerts_firing', this._lifecycle.active().length),
      g('echo_perf_alert_handler_errors_total', this._dispatcher.errorsTotal),
      g('echo_perf_alert_events_dropped_total', this._dispatcher.droppedTotal),
    ];
  }


  private _timeoutMs(): number {
    const explicit = this.config.collector_timeout;
    return (explicit !== undefined ? Math.min(explicit, this._interval) : this._interval * 0.8) * 1000;
  }

  private _onTimer(skipped: number): void {
    this._ticksSkipped += skipped;
    if (this._tickInFlight !== undefined) {
      // Collectors are bounded by their timeout, so this only happens when the event loop was blocked.
      this._ticksSkipped++;
      return;
    }
    void this._startTick();
  }

  /** Runs a tick as the one in flight; the slot is freed only by this tick (a stop may have moved on). */
  private _startTick(): Promise<void> {
    const p: Promise<void> = this._tick(this._generation).finally(() => {
      if (this._tickInFlight === p) this._tickInFlight = undefined;
    });
    this._tickInFlight = p;
    return p;
  }

  private async _tick(generation: number): Promise<void> {
    const at = this._clock.now();
    const started = performance.now();
    let outputs: Map<string, Sample[]>;
    try {
      outputs = await this._runner.runTick(at, this.componentCollectors);
    } catch (e) {
      this._logger.error(`collection failed: ${describeError(e)}`);
      return;
    }
    if (generation !== this._generation) return; // stopped meanwhile: discard
    this._collectorOutputs = outputs;
    try {
      this._process(at, outputs);
    } catch (e) {
      this._logger.error(`tick processing failed: ${describeError(e)}`);
    }
    this._ticks++;
    this._lastTickAt = at;
    this._lastTickMs = performance.now() - started;
  }

  private _process(at: number, outputs: ReadonlyMap<string, Sample[]>): void {
    const collected: Sample[] = [];
    for (const [name, samples] of outputs) {
      // What other processes send (pushed, pulled components) shares the external budget with scraped pages.
      const entry = this.componentCollectors.get(name);
      this.store.append(samples, entry !== undefined && typeof entry !== 'function' && 'held' in entry ? 'external' : 'own');
      for (const x of samples) collected.push(x);
    }
    const windowMs = this.config.rate_window * 1000;
    const engines = engineSources(this.config, this.scrapes);
    const unified = deriveEngines(this.store, engines, at, windowMs);
    this._engineOutputs = unified;
    // Rates of a target's own series are as many as the target makes: they share its budget.
    const targetRates = deriveFromScrapes(this.store, deriveSources(this.config, this.scrapes), at, windowMs);
    this.store.append(targetRates, 'external');
    this.store.append(unified);
    const derived = targetRates.concat(unified);
    const view = buildSnapshot(at, collected.concat(derived, freshTargetSamples(this.scrapes, at)));
    this.metricsHistory.push(view.snapshot);

    this._push.forgetSilent(at, this.componentCollectors);
    for (const sample of collected) {
      const c = sample.labels['component'];
      if (c !== undefined && this.componentCollectors.has(c) && sample.t > (this._lastSeen.get(c) ?? -Infinity)) this._lastSeen.set(c, sample.t);
    }
    for (const c of this._lastSeen.keys()) if (!this.componentCollectors.has(c)) this._lastSeen.delete(c);
    const { findings, freshness } = evaluateRules({
      at,
      view,
      samples: collected,
      history: this.metricsHistory.last(this.thresholds.degradationWindowSize),
      thresholds: this.thresholds,
      trendsEnabled: this.config.degradation_detection.enabled,
      lastSeen: this._lastSeen,
      intervalMs: this._interval * 1000,
      staleAfterIntervals: this.config.stale_after_intervals,
      targets: Object.values(this.scrapes.statuses()),
    });
    this._freshness = freshness;
    findings.push(...this._conditions.values(), ...engineStalls(this.store, this.config, engines, at));
    const events = this._lifecycle.apply(at, findings, (updated) => {
      this.alertsHistory.replaceLast((a) => a.id === updated.id, updated);
    });
    for (const e of events) {
      if (e.status === 'firing') this.alertsHistory.push(e);
      else this.alertsHistory.replaceLast((a) => a.id === e.id, e);
      this._logger.info(`alert ${e.status}: [${e.severity}] ${e.component}/${e.metric}: ${e.message}`);
    }
    this._dispatcher.dispatch(events);
    this.store.append(this.selfSamples(at));
    // Series that stopped reporting leave /metrics after Prometheus's 5-minute staleness period.
    if (this._ticks % 30 === 0) this.store.evictOlderThan(at - STALE_MS);
    for (const l of this._tickListeners) {
      try {
        l(view.snapshot, events);
      } catch (e) {
        this._logger.error(`tick listener failed: ${describeError(e)}`);
      }
    }
  }
}
