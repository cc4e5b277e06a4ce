/**
 * @module store/pages
 * Takes scraped pages into the store: each series with its family's metadata
 * (type, help, unit, `origin: target:<name>`), the page's samples as the
 * target's latest collection once the page is complete, and the target's
 * health (`up`, scrape duration, samples scraped) once, as the agent's own
 * series. A page comes in slices (the event loop runs in between); its
 * references are gathered until the scrape is over.
 */
import type { Sample } from '../core/types.js';
import { healthSource, pageSource, type PageFamilies } from './collections.js';
import { NO_REFS, RefList } from './refs.js';
import type { SeriesMeta } from './seriesTable.js';
import type { SeriesStore } from './series.js';

interface Building {
  readonly refs: RefList;
  readonly page: PageFamilies;
  /** One metadata object per family of this page, shared by its series. */
  readonly metas: Map<string, SeriesMeta>;
  readonly metaOf: (name: string) => SeriesMeta | undefined;
}

export class PageIngest {
  /** Pages being taken in, by target (one scrape of a target at a time). */
  private readonly _building = new Map<string, Building>();

  constructor(private readonly _store: SeriesStore) {}

  /** A slice of a good page of `target`. Scraped series only need the rate window, and count as external. */
  slice(target: string, samples: readonly Sample[], page: PageFamilies): void {
    let b = this._building.get(target);
    if (b === undefined || b.page !== page) {
      const metas = new Map<string, SeriesMeta>();
      const origin = pageSource(target);
      const metaOf = (name: string): SeriesMeta | undefined => {
        const family = page.sampleFamily.get(name);
        if (family === undefined) return { origin };
        let m = metas.get(family);
        if (m === undefined) {
          const f = page.families.get(family);
          metas.set(family, (m = { type: f?.type, help: f?.help, unit: f?.unit, origin, family }));
        }
        return m;
      };
      b = { refs: new RefList(), page, metas, metaOf };
      this._building.set(target, b);
    }
    this._store.append(samples, { budget: 'external', depth: 'window', metaOf: b.metaOf, refs: b.refs });
  }

  /** The scrape of `target` that started at `at` is over; `page` is undefined when it failed. */
  done(target: string, at: number, own: readonly Sample[], page: PageFamilies | undefined): void {
    const b = this._building.get(target);
    this._building.delete(target);
    const collections = this._store.collections;
    if (page === undefined) collections.setFailed(pageSource(target), at);
    else collections.set(pageSource(target), { at, ...(b !== undefined && b.page === page ? b.refs.freeze() : NO_REFS), page });
    const refs = new RefList();
    this._store.append(own, { depth: 'history', meta: { origin: pageSource(target) }, refs });
    collections.set(healthSource(target), { at, ...refs.freeze() });
  }
}
