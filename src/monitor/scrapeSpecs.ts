/** @module monitor/scrapeSpecs  Config `scrape_targets` → scrape specs with defaults applied. */
import type { EchoPerfConfig } from '../config/index.js';
import type { ScrapeTargetSpec } from '../collect/scrape/index.js';

/** Engines first, then plain scrape targets: both are scraped the same way. */
export function scrapeSpecs(c: Readonly<EchoPerfConfig>): ScrapeTargetSpec[] {
  const all = [
    ...c.engines.map((e) => ({ ...e, format: 'auto' as const, max_body_bytes: 16 * 1024 * 1024, sample_limit: 0 })),
    ...c.scrape_targets,
  ];
  return all.map((t) => {
    const interval = t.interval ?? c.monitoring_interval;
    // Prometheus: scrape_timeout defaults to 10 s and may not exceed the interval.
    const timeout = t.timeout ?? Math.min(10, interval);
    return {
      name: t.name,
      url: t.url,
      intervalMs: interval * 1000,
      timeoutMs: timeout * 1000,
      labels: t.labels ?? {},
      format: t.format,
      maxBodyBytes: t.max_body_bytes,
      sampleLimit: t.sample_limit,
    };
  });
}

/**
 * Samples kept per series: enough for the rate window at the fastest schedule
 * (twice over, so a window always has its edges), never more than the history.
 */
export function seriesCapacity(c: Readonly<EchoPerfConfig>): number {
  const fastest = Math.min(c.monitoring_interval, ...[...c.engines, ...c.scrape_targets].map((t) => t.interval ?? c.monitoring_interval));
  const need = Math.ceil((2 * c.rate_window) / fastest) + 2;
  return Math.max(16, Math.min(need, c.max_metrics_history, 100_000));
}
