/**
 * @module monitor/storage
 * The persistent tier wired to one monitor: opened on the first start (the
 * lock is held from then until close), the hot tier refilled and firing
 * alerts restored from it, every accepted sample handed to it, firing alerts
 * saved after each tick that changed them, every alert event appended to its
 * history, a failing disk raised as a CRITICAL alert on component `store`
 * until it works again.
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { AlertSeverity } from '../core/severity.js';
import { defaultDataDir } from '../core/stateDir.js';
import type { Sample } from '../core/types.js';
import type { EchoPerfConfig } from '../config/index.js';
import type { SeriesStore } from '../store/series.js';
import { DiskStore, type DiskHealth, type QueryResult, type RawWindow, type StoreQuery } from '../store/disk/index.js';
import type { Finding } from '../analyze/finding.js';
import type { PerformanceAlert } from '../alert/alert.js';

/** Whether and where a monitor persists: the library only when asked, the agent unless told not to. */
export function storageSetting(c: Readonly<EchoPerfConfig>, agent: boolean, dataDirOverride?: string): { enabled: boolean; dataDir: string } {
  const s = c.storage;
  const enabled = s.enabled ?? (agent || s.data_dir !== undefined || dataDirOverride !== undefined);
  return { enabled, dataDir: dataDirOverride ?? s.data_dir ?? defaultDataDir() };
}

export interface StorageHooks {
  raise(key: string, f: Omit<Finding, 'key' | 'kind'>): void;
  clear(key: string): void;
  restoreAlerts(records: readonly unknown[]): void;
  /** Analysis state saved by namespace (silences, rules), read back at open. */
  restoreState(load: (namespace: string) => [string, unknown][]): void;
}

export class MonitorStorage {
  private _disk: DiskStore | undefined;
  private _store: SeriesStore | undefined;
  private _savedFiring = '';
  private readonly _savedVersion = new Map<string, number>();

  constructor(
    readonly dataDir: string,
    private readonly _c: Readonly<EchoPerfConfig>,
    private readonly _clock: Clock,
    private readonly _logger: Logger,
  ) {}

  get open(): boolean {
    return this._disk !== undefined;
  }

  /**
   * Opens the data dir (once): lock, schema, the hot tier refilled with what
   * its rings hold, firing alerts back without being notified again.
   * Throws `EchoPerfError` (EP_ERR_STORE_LOCKED, _VERSION, _OPEN) naming the dir.
   */
  openOnce(store: SeriesStore, hooks: StorageHooks, intervalMs: number): void {
    if (this._disk !== undefined) return;
    const s = this._c.storage;
    const disk = DiskStore.open({
      dataDir: this.dataDir,
      flushIntervalMs: s.flush_interval * 1000,
      retention: { rawMs: s.retention.raw * 1000, minuteMs: s.retention.minute * 1000, hourMs: s.retention.hour * 1000 },
      maxPendingSamples: s.max_pending_samples,
      clock: this._clock,
      logger: this._logger,
      onHealth: (h) => this._onHealth(h, hooks),
    });
    this._disk = disk;
    const depth = this._c.max_metrics_history;
    const since = this._clock.now() - Math.max(depth * intervalMs, 2 * this._c.rate_window * 1000);
    let series = 0;
    for (const r of disk.recent(since, depth)) {
      store.load(r.descriptor, r.t, r.v);
      series++;
    }
    store.attach(disk);
    this._store = store;
    const alerts = disk.loadAlerts();
    hooks.restoreAlerts(alerts.map((a) => a.record));
    hooks.restoreState((ns) => disk.loadState(ns));
    this._logger.info(`history in ${this.dataDir}: ${series} series back in memory, ${alerts.length} firing alerts restored`);
  }

  /** Saves the firing set when it changed (written with the next flush). */
  saveFiring(firing: readonly PerformanceAlert[]): void {
    const d = this._disk;
    if (d === undefined) return;
    const key = firing.map((a) => `${a.fingerprint}@${a.severity}`).join('\n');
    if (key === this._savedFiring) return;
    this._savedFiring = key;
    d.saveAlerts(firing.map((a) => ({ fingerprint: a.fingerprint, record: a })));
  }

  /**
   * Appends the evaluation's alert events to the history (written with the
   * next flush): every incident, silenced or not, since muting holds back
   * notifications, not what happened.
   */
  recordEvents(at: number, events: readonly PerformanceAlert[]): void {
    const d = this._disk;
    if (d === undefined) return;
    for (const e of events) {
      try {
        d.recordAlertEvent({ t: at, record: e });
      } catch (err) {
        this._logger.error(`cannot record alert event ${e.fingerprint.slice(0, 100)}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  /**
   * Saves a namespace's state (written with the next flush) when its version
   * moved since the last save; `entries` is called only then.
   */
  saveState(namespace: string, version: number, entries: () => [string, unknown][]): void {
    const d = this._disk;
    if (d === undefined || this._savedVersion.get(namespace) === version) return;
    try {
      d.setState(namespace, entries());
      this._savedVersion.set(namespace, version);
    } catch (e) {
      this._logger.error(`cannot save ${namespace} state: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** A namespace's saved state as the data dir holds it now (empty when not open). */
  loadState(namespace: string): [string, unknown][] {
    return this._disk?.loadState(namespace) ?? [];
  }

  /**
   * Replaces a namespace's saved state and commits it at once, with every
   * sample appended so far; resolves once committed. Throws when the data dir
   * is not open, the entries are refused, or the commit failed.
   */
  async saveStateNow(namespace: string, entries: [string, unknown][]): Promise<void> {
    const d = this._disk;
    if (d === undefined) throw new Error(`the data dir ${this.dataDir} is not open`);
    d.setState(namespace, entries);
    // A later flush-time save of the same namespace must not be skipped as unchanged.
    this._savedVersion.delete(namespace);
    await d.flush();
    const h = d.health();
    if (!h.ok) throw new Error(`cannot write to ${this.dataDir}: ${h.error ?? 'unknown error'}`);
  }

  /** One window of stored samples after `sinceMs`, about `maxSamples` in all (empty and ended when not open). */
  backlog(sinceMs: number, maxSamples: number): RawWindow {
    return this._disk?.window(sinceMs, maxSamples) ?? { series: [], until: Infinity };
  }

  query(q: StoreQuery): Promise<QueryResult> | undefined {
    return this._disk?.query(q);
  }

  health(): DiskHealth | undefined {
    return this._disk?.health();
  }

  selfSamples(at: number): Sample[] {
    const h = this._disk?.health();
    if (h === undefined) return [];
    const g = (name: string, v: number): Sample => ({ name, labels: {}, t: at, v });
    const out = [
      g('echo_perf_store_up', h.ok ? 1 : 0),
      g('echo_perf_store_pending_samples', h.pendingSamples),
      g('echo_perf_store_dropped_samples_total', h.droppedSamples),
      g('echo_perf_store_rejected_samples_total', h.rejectedSamples),
      g('echo_perf_store_disk_bytes', h.bytesOnDisk),
      g('echo_perf_store_series', h.series),
    ];
    if (h.lastFlushAt !== undefined) out.push(g('echo_perf_store_last_flush_timestamp_seconds', h.lastFlushAt / 1000));
    if (h.lastFlushMs !== undefined) out.push(g('echo_perf_store_flush_duration_seconds', h.lastFlushMs / 1000));
    return out;
  }

  /** Last flush, lock released. Idempotent; the store can be opened again afterwards. */
  async close(): Promise<void> {
    const d = this._disk;
    this._disk = undefined;
    this._savedFiring = '';
    this._savedVersion.clear();
    this._store?.detach();
    this._store = undefined;
    await d?.close();
  }

  private _onHealth(h: DiskHealth, hooks: StorageHooks): void {
    if (h.ok) {
      this._logger.info(`history in ${this.dataDir} is written again`);
      hooks.clear('store');
      return;
    }
    this._logger.error(`history in ${this.dataDir} cannot be written: ${h.error ?? 'unknown error'}; kept in memory and retried`);
    hooks.raise('store', {
      severity: AlertSeverity.CRITICAL,
      component: 'store',
      metric: 'store_write_failed',
      value: h.pendingSamples,
      threshold: 0,
      message: `History cannot be written to ${this.dataDir}: ${h.error ?? 'unknown error'} (${h.pendingSamples} samples held in memory, retried every flush)`,
      metadata: { dataDir: this.dataDir, pendingSamples: h.pendingSamples, droppedSamples: h.droppedSamples },
    });
  }
}
