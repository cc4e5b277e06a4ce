/** @module monitor/scrapeView  What the tick reads from the scrape targets. */
import type { EchoPerfConfig } from '../config/index.js';
import type { Sample } from '../core/types.js';
import type { ScrapeManager } from '../collect/scrape/index.js';
import type { DeriveSource } from '../analyze/derive.js';

/** Plain scrape targets get generic derivations; engines get unified metrics instead (monitor/engines.ts). */
export function* deriveSources(c: Readonly<EchoPerfConfig>, scrapes: ScrapeManager): Iterable<DeriveSource> {
  const engines = new Set(c.engines.map((e) => e.name));
  for (const t of scrapes.targets.values()) {
    if (!engines.has(t.spec.name)) yield { job: t.spec.name, families: t.families, sampleFamily: t.sampleFamily };
  }
}

/** `up` and scrape figures of targets scraped recently enough to count as current. */
export function freshTargetSamples(scrapes: ScrapeManager, at: number): Sample[] {
  const out: Sample[] = [];
  for (const t of scrapes.targets.values()) {
    const st = t.status;
    if (st.lastScrapeAt === undefined || at - st.lastScrapeAt > 2 * t.spec.intervalMs) continue;
    const l = t.targetLabels();
    out.push(
      { name: 'up', labels: l, t: st.lastScrapeAt, v: st.health === 'up' ? 1 : 0 },
      { name: 'scrape_duration_seconds', labels: l, t: st.lastScrapeAt, v: (st.lastDurationMs ?? 0) / 1000 },
      { name: 'scrape_samples_scraped', labels: l, t: st.lastScrapeAt, v: st.lastSamples },
    );
  }
  return out;
}
