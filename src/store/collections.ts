/**
 * @module store/collections
 * What each source produced in its latest collection, as references into the
 * store: a collector's latest output, a target's latest good page and its
 * latest health, the last tick's engine figures. `/metrics` (the current
 * state), pass-through pages and derivations read these instead of any
 * collector's or target's own fields. Sources are named by the monitor from
 * its configuration and registry (collectors, targets), which bound them.
 */
import type { MetricType } from '../core/types.js';
import { NO_REFS, type Refs } from './refs.js';

/** A family as a page declared it. */
export interface FamilyInfo {
  readonly type: MetricType;
  readonly help: string | undefined;
  readonly unit: string | undefined;
}

/** The families of a page: family name → metadata, and series name (foo_bucket) → family name. */
export interface PageFamilies {
  readonly families: ReadonlyMap<string, FamilyInfo>;
  readonly sampleFamily: ReadonlyMap<string, string>;
}

export interface Collection extends Refs {
  /** Clock time of the collection. */
  readonly at: number;
  /** For pages: the families of the latest good page (kept while the target is down). */
  readonly page?: PageFamilies | undefined;
}

/** How sources are named, in one place for every reader and writer. */
export const collectorSource = (name: string): string => `collector:${name}`;
/** A target's latest good page. */
export const pageSource = (target: string): string => `target:${target}`;
/** A target's own series about its latest scrape: up, scrape_duration_seconds, scrape_samples_scraped. */
export const healthSource = (target: string): string => `scrape:${target}`;
/** The unified engine metrics of the last tick. */
export const ENGINES_SOURCE = 'engines';

const NO_FAMILIES: PageFamilies = { families: new Map(), sampleFamily: new Map() };

export class LatestCollections {
  private readonly _bySource = new Map<string, Collection>();

  get(source: string): Collection | undefined {
    return this._bySource.get(source);
  }

  set(source: string, c: Collection): void {
    this._bySource.set(source, c);
  }

  /**
   * A failed collection: nothing is current any more, but a page's families
   * stay known (derivations still know what the target serves).
   */
  setFailed(source: string, at: number): void {
    const page = this._bySource.get(source)?.page;
    this._bySource.set(source, { at, ...NO_REFS, page });
  }

  /** The families of a source's latest good page; empty before the first. */
  families(source: string): PageFamilies {
    return this._bySource.get(source)?.page ?? NO_FAMILIES;
  }

  delete(source: string): void {
    this._bySource.delete(source);
  }

  /** Drops every source `keep` refuses (collectors no longer registered). */
  retain(keep: (source: string) => boolean): void {
    for (const s of this._bySource.keys()) if (!keep(s)) this._bySource.delete(s);
  }

  sources(): IterableIterator<string> {
    return this._bySource.keys();
  }
}
