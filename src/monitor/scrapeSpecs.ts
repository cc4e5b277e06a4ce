/** @module monitor/scrapeSpecs  Config `engines` and `scrape_targets` → scrape specs with defaults applied. */
import type { EchoPerfConfig } from '../config/index.js';
import type { ScrapeAuth, ScrapeTargetSpec } from '../collect/scrape/index.js';

/** Prometheus's body_size_limit has no default; ours bounds every page. */
const DEFAULT_BODY_SIZE_LIMIT = 16 * 1024 * 1024;

type TargetConfig = EchoPerfConfig['scrape_targets'][number] | EchoPerfConfig['engines'][number];

/** Engines first, then plain scrape targets: both are scraped the same way, with the same limits. */
export function scrapeSpecs(c: Readonly<EchoPerfConfig>): ScrapeTargetSpec[] {
  const all: Array<TargetConfig & { format: ScrapeTargetSpec['format'] }> = [...c.engines.map((e) => ({ ...e, format: 'auto' as const })), ...c.scrape_targets];
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
      bodySizeLimit: t.body_size_limit ?? t.max_body_bytes ?? DEFAULT_BODY_SIZE_LIMIT,
      limits: {
        sampleLimit: t.sample_limit,
        labelLimit: t.label_limit,
        labelNameLengthLimit: t.label_name_length_limit,
        labelValueLengthLimit: t.label_value_length_limit,
      },
      auth: authOf(t),
    };
  });
}

/** The config's one way of authenticating (the schema refuses two); a URL's userinfo is left to the fetch. */
function authOf(t: TargetConfig): ScrapeAuth | undefined {
  if (t.basic_auth !== undefined) {
    return { kind: 'basic', username: t.basic_auth.username, password: t.basic_auth.password, passwordFile: t.basic_auth.password_file };
  }
  if (t.bearer_token !== undefined || t.bearer_token_file !== undefined) {
    return { kind: 'bearer', token: t.bearer_token, tokenFile: t.bearer_token_file };
  }
  return undefined;
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
