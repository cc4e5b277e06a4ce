/**
 * @module monitor/monitorView
 * What the HTTP server reads from a monitor: its series as exposition families
 * (scraped families keep their declared types and help), status and health.
 */
import type { MetricFamily } from '../core/exposition/index.js';
import { toFamilies, type SeriesMeta } from '../export/families.js';
import { helpFor } from './metricHelp.js';
import type { MonitorView } from '../server/index.js';
import type { UnifiedPerformanceMonitor } from './unifiedMonitor.js';

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
      return toFamilies(m.store.latestAll(), lookup, helpFor);
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
