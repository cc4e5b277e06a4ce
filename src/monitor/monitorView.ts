/**
 * @module monitor/monitorView
 * What the HTTP server reads from a monitor: the current state as exposition
 * families (renamed through the export table; pages of pass-through targets
 * as they were scraped), status and health.
 */
import type { MetricFamily } from '../core/exposition/index.js';
import { buildExposition, type PageFamily, type PassThroughPage } from '../export/exposition.js';
import type { MonitorView } from '../server/index.js';
import type { UnifiedPerformanceMonitor } from './unifiedMonitor.js';

export function monitorView(m: UnifiedPerformanceMonitor): MonitorView {
  return {
    metricFamilies(): MetricFamily[] {
      return buildExposition({ own: m.currentSamples(), passThrough: passThroughPages(m) }).families;
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

/** Targets whose latest successful page is shown as scraped (config `pass_through`). */
function* passThroughPages(m: UnifiedPerformanceMonitor): Iterable<PassThroughPage> {
  const c = m.config;
  const pass = new Map<string, boolean>();
  for (const e of c.engines) pass.set(e.name, e.pass_through);
  for (const t of c.scrape_targets) pass.set(t.name, t.pass_through);
  const engines = new Set(c.engines.map((e) => e.name));
  for (const t of m.scrapes.targets.values()) {
    if (pass.get(t.spec.name) !== true || t.lastSamples.length === 0) continue;
    const families = t.families;
    const sampleFamily = t.sampleFamily;
    yield {
      target: t.spec.name,
      engine: engines.has(t.spec.name),
      samples: t.lastSamples,
      familyOf: (name: string): PageFamily | undefined => {
        const family = sampleFamily.get(name);
        const meta = family === undefined ? undefined : families.get(family);
        return family === undefined || meta === undefined ? undefined : { family, type: meta.type, help: meta.help, unit: meta.unit };
      },
    };
  }
}
