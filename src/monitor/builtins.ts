/** @module monitor/builtins  The collectors a monitor makes from its config: GPU and pulled components. */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { Collector } from '../core/types.js';
import type { EchoPerfConfig } from '../config/index.js';
import { createGpuCollector, type GpuCollector } from '../collect/gpu/index.js';
import { pullCollector } from '../collect/components/pull.js';
import { USER_AGENT } from '../collect/scrape/index.js';

export function newGpuCollector(c: Readonly<EchoPerfConfig>, clock: Clock, logger: Logger, tickTimeoutMs: number): GpuCollector {
  return createGpuCollector({
    intervalMs: (c.gpu.interval ?? c.monitoring_interval) * 1000,
    clock,
    logger,
    // The first reading must arrive within a tick's collector timeout.
    startupWaitMs: Math.min(2000, tickTimeoutMs / 2),
    ...(c.gpu.dcgm_url !== undefined ? { dcgmUrl: c.gpu.dcgm_url } : {}),
  });
}

/** One collector per enabled `components` entry, named after it. */
export function pullCollectors(c: Readonly<EchoPerfConfig>, tickTimeoutMs: number): [string, Collector][] {
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
