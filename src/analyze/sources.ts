/**
 * @module analyze/sources
 * What a tick reads about scrape targets: the families of each target's latest
 * good page and its latest health, from the store's latest collections, and
 * the target's schedule from its public status. Nothing of a target's own
 * fields.
 */
import type { EchoPerfConfig } from '../config/index.js';
import { healthSource, pageSource, type LatestCollections } from '../store/collections.js';
import type { RefList } from '../store/refs.js';
import type { SeriesStore } from '../store/series.js';
import type { DeriveSource } from './derive.js';
import type { EngineInput } from './engines/tick.js';
import type { TargetHealth } from './targets.js';

/** A scrape target as the tick needs it (the scrape manager's status has these fields). */
export interface TargetInfo extends TargetHealth {
  readonly lastScrapeAt: number | undefined;
  readonly lastSuccessAt: number | undefined;
  readonly firstSuccessAt: number | undefined;
  readonly intervalMs: number;
}

export function engineSources(c: Readonly<EchoPerfConfig>, collections: LatestCollections, targets: ReadonlyMap<string, TargetInfo>): EngineInput[] {
  const out: EngineInput[] = [];
  for (const e of c.engines) {
    const t = targets.get(e.name);
    if (t === undefined) continue;
    out.push({
      name: e.name,
      flavor: e.flavor,
      families: collections.families(pageSource(e.name)).families,
      lastScrapeAt: t.lastSuccessAt,
      intervalMs: t.intervalMs,
      firstSuccessAt: t.firstSuccessAt,
    });
  }
  return out;
}

/** Plain scrape targets get generic derivations; engines get unified metrics instead (engines/tick.ts). */
export function* deriveSources(c: Readonly<EchoPerfConfig>, collections: LatestCollections, targets: ReadonlyMap<string, TargetInfo>): Iterable<DeriveSource> {
  const engines = new Set(c.engines.map((e) => e.name));
  for (const name of targets.keys()) {
    if (engines.has(name)) continue;
    const page = collections.families(pageSource(name));
    yield { job: name, families: page.families, sampleFamily: page.sampleFamily };
  }
}

/** What a snapshot shows of a target's health: Prometheus's synthetic series for its job. */
const SNAPSHOT_HEALTH = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped']);

/** Adds to `refs` the health of targets scraped recently enough (2 intervals) to count as current. */
export function freshTargetHealth(store: SeriesStore, targets: ReadonlyMap<string, TargetInfo>, at: number, refs: RefList): void {
  for (const [name, t] of targets) {
    const c = store.collections.get(healthSource(name));
    if (c === undefined || at - c.at > 2 * t.intervalMs) continue;
    for (let i = 0; i < c.ids.length; i++) {
      if (SNAPSHOT_HEALTH.has(store.nameOf(c.ids[i]!) ?? '')) refs.push(c.ids[i]!, c.seqs[i]!);
    }
  }
}
