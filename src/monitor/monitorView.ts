/**
 * @module monitor/monitorView
 * What the HTTP server reads from a monitor: its series as exposition families
 * (scraped families keep their declared types and help), status and health.
 */
import type { MetricFamily } from '../core/exposition/index.js';
import { toFamilies, type SeriesMeta } from '../export/families.js';
import type { MonitorView } from '../server/index.js';
import type { UnifiedPerformanceMonitor } from './unifiedMonitor.js';

const SELF_HELP: Record<string, string> = {
  echo_perf_collector_up: 'Whether the collector\'s last run succeeded (1) or not (0).',
  echo_perf_collector_duration_seconds: 'Wall time of the collector\'s last run.',
  echo_perf_ticks_total: 'Collection ticks completed.',
  up: 'Whether the last scrape of the target succeeded (1) or not (0).',
  scrape_duration_seconds: 'Duration of the last scrape of the target.',
  scrape_samples_scraped: 'Samples the last scrape of the target exposed.',
};

export function monitorView(m: UnifiedPerformanceMonitor): MonitorView {
  return {
    metricFamilies(): MetricFamily[] {
      const lookup = (name: string): SeriesMeta | undefined => {
        for (const t of m.scrapes.targets.values()) {
          const family = t.sampleFamily.get(name);
          if (family === undefined) continue;
          const f = t.families.get(family);
          if (f !== undefined) return { family, type: f.type, help: f.help, unit: f.unit };
        }
        return undefined;
      };
      return toFamilies(m.store.latestAll(), lookup, (f) => SELF_HELP[f]);
    },
    status(): unknown {
      return m.getPerformanceSummary();
    },
    health() {
      const s = m.collectorStatus();
      return { ok: m.isMonitoring, detail: { monitoring: m.isMonitoring, collectors: Object.keys(s).length } };
    },
  };
}
