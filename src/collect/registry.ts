/**
 * @module collect/registry
 * The collectors a monitor runs, by name (the seed's `component_collectors`):
 * the built-in host (`system`) and GPU (`gpu`) collectors, one per pulled
 * component, the user's, and pushed components as they arrive. Says where
 * each one's series come from, and owns the built-in GPU collector's life
 * (its nvidia-smi children end on stop; a new one starts with the loop).
 */
import type { Clock } from '../core/clock.js';
import { EchoPerfError } from '../core/errors.js';
import { childLogger, type Logger } from '../core/logger.js';
import type { Collector, CollectorFn } from '../core/types.js';
import type { EchoPerfConfig } from '../config/index.js';
import { createGpuCollector, type GpuCollector } from './gpu/index.js';
import { pullCollector } from './components/pull.js';
import type { CollectorEntry } from './runner.js';
import { USER_AGENT } from './scrape/index.js';
import { createSystemCollector } from './system/index.js';

export interface RegistryOptions {
  config: Readonly<EchoPerfConfig>;
  clock: Clock;
  logger: Logger;
  /** The collectors' timeout now, ms (it follows the interval). */
  timeoutMs: () => number;
  /** Replaces the built-in host collector (false: none). */
  systemCollector?: Collector | false | undefined;
  /** Replaces the built-in GPU collector (false: none). */
  gpuCollector?: Collector | false | undefined;
}

/** Where a collector's series come from, and whose series budget they count against. */
export interface CollectorOrigin {
  readonly origin: string;
  readonly budget: 'own' | 'external';
}

export class CollectorRegistry {
  /** Collectors by name. Editable by the embedder: the next tick uses it as it is. */
  readonly entries = new Map<string, CollectorEntry>();
  /** Whether `gpu` is the built-in collector made here (and so closed on stop). */
  private readonly _ownGpu: boolean;
  private _gpuClosed = false;

  constructor(private readonly _o: RegistryOptions) {
    const c = _o.config;
    const system = _o.systemCollector ?? (c.system.enabled ? createSystemCollector() : false);
    if (system !== false) this.entries.set('system', system);
    this._ownGpu = _o.gpuCollector === undefined && c.gpu.enabled;
    if (_o.gpuCollector !== undefined && _o.gpuCollector !== false) this.entries.set('gpu', _o.gpuCollector);
    else if (this._ownGpu) this.entries.set('gpu', this._newGpu());
    for (const [name, collector] of pullCollectors(c, _o.timeoutMs())) this.entries.set(name, collector);
  }

  /** Adds or replaces a collector (the seed's `register_collector`), checking its arguments. */
  register(name: string, fn: CollectorFn | Collector): void {
    if (typeof name !== 'string' || name.length === 0 || name.length > 128) {
      throw new EchoPerfError('EP_ERR_COLLECTOR_INVALID', `registerCollector: name: got ${JSON.stringify(name)}; expected a non-empty string of at most 128 characters`);
    }
    const ok = typeof fn === 'function' || (fn !== null && typeof fn === 'object' && typeof fn.collect === 'function');
    if (!ok) {
      throw new EchoPerfError('EP_ERR_COLLECTOR_INVALID', `registerCollector("${name}"): collector: got ${typeof fn}; expected a function or an object with collect()`);
    }
    if (this.entries.has(name)) this._o.logger.warn(`Collector "${name}" replaced`);
    this.entries.set(name, fn);
    this._o.logger.debug(`Registered collector: ${name}`);
  }

  /**
   * Pushed and pulled components send what other processes measured: their
   * series share the external budget with scraped pages.
   */
  originOf(name: string): CollectorOrigin {
    const e = this.entries.get(name);
    if (e !== undefined && typeof e !== 'function' && 'held' in e) return { origin: `${'pushed' in e ? 'push' : 'pull'}:${name}`, budget: 'external' };
    return { origin: `collector:${name}`, budget: 'own' };
  }

  /** Before the loop starts: the built-in GPU collector closed by a stop is made again. */
  open(): void {
    if (!this._gpuClosed || !this._ownGpu) return;
    this.entries.set('gpu', this._newGpu());
    this._gpuClosed = false;
  }

  /** When the loop stops: the built-in GPU collector's nvidia-smi children end. */
  close(): void {
    const gpu = this.entries.get('gpu');
    if (this._ownGpu && gpu !== undefined && typeof gpu !== 'function' && 'close' in gpu) {
      void (gpu as GpuCollector).close();
      this._gpuClosed = true;
    }
  }

  private _newGpu(): GpuCollector {
    const c = this._o.config;
    return createGpuCollector({
      intervalMs: (c.gpu.interval ?? c.monitoring_interval) * 1000,
      clock: this._o.clock,
      logger: childLogger(this._o.logger, { collector: 'gpu' }),
      // The first reading must arrive within a tick's collector timeout.
      startupWaitMs: Math.min(2000, this._o.timeoutMs() / 2),
      deepIntervalS: c.gpu.deep_interval,
      processIntervalS: c.gpu.process_interval,
      ...(c.gpu.dcgm_url !== undefined ? { dcgmUrl: c.gpu.dcgm_url } : {}),
    });
  }
}

/** One collector per enabled `components` entry, named after it. */
function pullCollectors(c: Readonly<EchoPerfConfig>, tickTimeoutMs: number): [string, Collector][] {
  return c.components
    .filter((p) => p.enabled)
    .map((p) => {
      const intervalMs = (p.interval ?? c.monitoring_interval) * 1000;
      const collector = pullCollector({
        name: p.name,
        url: p.url,
        format: p.format,
        intervalMs,
        timeoutMs: tickTimeoutMs,
        maxAgeMs: c.stale_after_intervals * Math.max(intervalMs, c.monitoring_interval * 1000),
        // A pulled page's timestamps are held to the push rule.
        maxAheadMs: c.push_max_future_seconds * 1000,
        limits: { maxSamples: c.max_samples_per_collector },
        userAgent: USER_AGENT,
      });
      return [p.name, collector];
    });
}
