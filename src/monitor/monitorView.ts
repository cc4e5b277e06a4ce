/**
 * @module monitor/monitorView
 * What the HTTP server reads from a monitor: the current state as exposition
 * families (renamed through the export table; pages of pass-through targets
 * as they were scraped, from the store), status and health.
 */
import type { MetricFamily } from '../core/exposition/index.js';
import { buildExposition } from '../export/exposition.js';
import { passThroughPages } from '../export/fromStore.js';
import type { MonitorView } from '../server/index.js';
import type { UnifiedPerformanceMonitor } from './unifiedMonitor.js';

export function monitorView(m: UnifiedPerformanceMonitor): MonitorView {
  return {
    metricFamilies(): MetricFamily[] {
      return buildExposition({ own: m.currentSamples(), passThrough: passThroughPages(m.store, m.config) }).families;
    },
    status(): unknown {
      return m.getPerformanceSummary();
    },
    health() {
      const h = m.tickHealth();
      return { ok: h.ok, detail: { ...h, collectors: m.componentCollectors.size } };
    },
  };
}
