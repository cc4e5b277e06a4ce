/**
 * @module export/fromStore
 * The parts of `/metrics` read from the store's latest collections: the pages
 * of targets that pass through (their latest good page, with the families it
 * declared), and each target's health as the agent's own `echo_perf_target_*`
 * series (never Prometheus's own `up` or `scrape_*`, which Prometheus writes
 * for the agent's job).
 */
import type { EchoPerfConfig } from '../config/index.js';
import type { Sample } from '../core/types.js';
import { healthSource, pageSource } from '../store/collections.js';
import type { SeriesStore } from '../store/series.js';
import type { PageFamily, PassThroughPage } from './exposition.js';

/** Targets whose latest good page is shown as scraped (config `pass_through`), in configuration order. */
export function* passThroughPages(store: SeriesStore, c: Readonly<EchoPerfConfig>): Iterable<PassThroughPage> {
  const engines = new Set(c.engines.map((e) => e.name));
  for (const t of [...c.engines, ...c.scrape_targets]) {
    if (!t.pass_through) continue;
    const col = store.collections.get(pageSource(t.name));
    if (col === undefined || col.ids.length === 0 || col.page === undefined) continue;
    const { families, sampleFamily } = col.page;
    yield {
      target: t.name,
      engine: engines.has(t.name),
      samples: [...store.samples(col)],
      familyOf: (name: string): PageFamily | undefined => {
        const family = sampleFamily.get(name);
        const meta = family === undefined ? undefined : families.get(family);
        return family === undefined || meta === undefined ? undefined : { family, type: meta.type, help: meta.help, unit: meta.unit };
      },
    };
  }
}

/** What a target's status says beyond its latest scrape: counters over its life. */
export interface TargetCounters {
  readonly name: string;
  readonly scrapesTotal: number;
  readonly failuresTotal: number;
  readonly lastSuccessAt: number | undefined;
}

/** Per target: `echo_perf_target_*` from its latest scrape's series in the store, and its counters. */
export function targetHealthSamples(store: SeriesStore, targets: Iterable<TargetCounters>, at: number): Sample[] {
  const out: Sample[] = [];
  for (const st of targets) {
    const latest = new Map<string, number>();
    const col = store.collections.get(healthSource(st.name));
    if (col !== undefined) for (const s of store.samples(col)) latest.set(s.name, s.v);
    const up = latest.get('up') ?? 0;
    const labels = { target: st.name };
    const g = (name: string, v: number | undefined): void => void (v !== undefined && out.push({ name, labels, t: at, v }));
    g('echo_perf_target_up', up);
    g('echo_perf_target_scrape_duration_seconds', latest.get('scrape_duration_seconds'));
    if (up === 1) g('echo_perf_target_scrape_samples', latest.get('scrape_samples_scraped'));
    g('echo_perf_target_scrapes_total', st.scrapesTotal);
    g('echo_perf_target_scrape_failures_total', st.failuresTotal);
    g('echo_perf_target_exposition_violations_total', latest.get('echo_perf_target_exposition_violations_total') ?? 0);
    if (st.lastSuccessAt !== undefined) g('echo_perf_target_last_success_timestamp_seconds', st.lastSuccessAt / 1000);
  }
  return out;
}
