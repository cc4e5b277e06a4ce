// Pages taken into the store (store/pages.ts) at their edges: series outside every declared
// family, families named but not declared, one metadata object per family, a scrape that starts
// over on a new page, a page with no samples, and the target's health kept for the whole history.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Sample } from '../core/types.js';
import { healthSource, pageSource, type FamilyInfo, type PageFamilies } from './collections.js';
import { PageIngest } from './pages.js';
import { SeriesStore } from './series.js';

const families = (decl: [string, FamilyInfo][], samples: [string, string][]): PageFamilies => ({
  families: new Map(decl),
  sampleFamily: new Map(samples),
});
const job = { job: 'eng' };
const s = (name: string, v: number, t: number, extra: Record<string, string> = {}): Sample => ({ name, labels: { ...job, ...extra }, t, v });
const health = (t: number, up: number): Sample[] => [s('up', up, t), s('scrape_duration_seconds', 0.01, t), s('scrape_samples_scraped', 1, t)];

test('a series outside every family carries its origin only; a family named but not declared has no type, help or unit', () => {
  const store = new SeriesStore({ capacity: 8, maxSeries: 100 });
  const ingest = new PageIngest(store);
  const p = families([['req', { type: 'counter', help: 'Requests.', unit: undefined }]], [['req_total', 'req'], ['lat_bucket', 'lat']]);
  ingest.slice('eng', [s('req_total', 1, 1000), s('stray', 2, 1000), s('lat_bucket', 3, 1000, { le: '1' })], p);
  ingest.done('eng', 1000, health(1000, 1), p);
  assert.deepEqual(store.metaOf(store.idOf('stray', job)), { origin: 'target:eng' });
  assert.deepEqual(store.metaOf(store.idOf('lat_bucket', { ...job, le: '1' })), { type: undefined, help: undefined, unit: undefined, origin: 'target:eng', family: 'lat' });
  assert.deepEqual(store.metaOf(store.idOf('req_total', job)), { type: 'counter', help: 'Requests.', unit: undefined, origin: 'target:eng', family: 'req' });
});

test('the series of one family share one metadata object', () => {
  const store = new SeriesStore({ capacity: 8, maxSeries: 100 });
  const ingest = new PageIngest(store);
  const p = families([['lat', { type: 'histogram', help: 'Latency.', unit: 'seconds' }]], [['lat_bucket', 'lat'], ['lat_sum', 'lat']]);
  ingest.slice('eng', [s('lat_bucket', 1, 1000, { le: '0.1' }), s('lat_bucket', 2, 1000, { le: '1' })], p);
  ingest.slice('eng', [s('lat_sum', 3, 1000)], p);
  const a = store.metaOf(store.idOf('lat_bucket', { ...job, le: '0.1' }));
  assert.ok(a !== undefined);
  assert.equal(store.metaOf(store.idOf('lat_bucket', { ...job, le: '1' })), a);
  assert.equal(store.metaOf(store.idOf('lat_sum', job)), a);
});

test('a new page for a target mid-scrape starts over: its collection holds its own samples only', () => {
  const store = new SeriesStore({ capacity: 8, maxSeries: 100 });
  const ingest = new PageIngest(store);
  const p1 = families([['a', { type: 'gauge', help: 'A.', unit: undefined }]], [['a', 'a']]);
  const p2 = families([['b', { type: 'counter', help: 'B.', unit: undefined }]], [['b_total', 'b']]);
  ingest.slice('eng', [s('a', 1, 1000)], p1); // a scrape that never finished
  ingest.slice('eng', [s('b_total', 2, 2000)], p2);
  ingest.done('eng', 2000, health(2000, 1), p2);
  const col = store.collections.get(pageSource('eng'))!;
  assert.deepEqual([...store.samples(col)].map((x) => x.name), ['b_total']);
  assert.equal(col.page, p2);
  assert.equal(store.metaOf(store.idOf('b_total', job))?.help, 'B.');
});

test('a page with no samples, or other than the one taken in, is current with no samples', () => {
  const store = new SeriesStore({ capacity: 8, maxSeries: 100 });
  const ingest = new PageIngest(store);
  const p1 = families([], []);
  ingest.done('eng', 1000, health(1000, 1), p1);
  const col = store.collections.get(pageSource('eng'))!;
  assert.deepEqual([col.ids.length, col.at, col.page], [0, 1000, p1]);
  const p2 = families([], []);
  ingest.slice('eng', [s('a', 1, 2000)], p1);
  ingest.done('eng', 2000, health(2000, 1), p2);
  const col2 = store.collections.get(pageSource('eng'))!;
  assert.deepEqual([col2.ids.length, col2.at, col2.page], [0, 2000, p2]);
  assert.equal(store.collections.get(healthSource('eng'))!.ids.length, 3);
});

test('a page\'s series have window rings; the target\'s health has a history ring', () => {
  const store = new SeriesStore({ capacity: 2, historyCapacity: 6, maxSeries: 100 });
  const ingest = new PageIngest(store);
  const p = families([], []);
  for (let k = 1; k <= 5; k++) {
    ingest.slice('eng', [s('a', k, k * 1000)], p);
    ingest.done('eng', k * 1000, health(k * 1000, k % 2), p);
  }
  assert.deepEqual(store.range('up', job, 0, 9999).map((x) => x.v), [1, 0, 1, 0, 1]);
  assert.deepEqual(store.range('a', job, 0, 9999).map((x) => x.v), [4, 5]);
});
