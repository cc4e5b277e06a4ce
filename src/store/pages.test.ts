import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Sample } from '../core/types.js';
import { healthSource, pageSource, type FamilyInfo, type PageFamilies } from './collections.js';
import { PageIngest } from './pages.js';
import { SeriesStore } from './series.js';

function page(): PageFamilies {
  return {
    families: new Map<string, FamilyInfo>([
      ['req', { type: 'counter', help: 'Requests.', unit: undefined }],
      ['lat', { type: 'histogram', help: 'Latency.', unit: 'seconds' }],
    ]),
    sampleFamily: new Map([
      ['req_total', 'req'],
      ['lat_bucket', 'lat'],
    ]),
  };
}

const job = { job: 'eng', instance: 'h:1', component: 'eng' };
const s = (name: string, v: number, t: number, extra: Record<string, string> = {}): Sample => ({ name, labels: { ...job, ...extra }, t, v });
const health = (t: number, up: number): Sample[] => [s('up', up, t), s('scrape_duration_seconds', 0.01, t), s('scrape_samples_scraped', 2, t)];

test('a page taken in slices: each series carries its family metadata, the page is the target latest collection once complete', () => {
  const store = new SeriesStore({ capacity: 8, maxSeries: 100 });
  const ingest = new PageIngest(store);
  const p = page();
  ingest.slice('eng', [s('req_total', 5, 1000)], p);
  assert.equal(store.collections.get(pageSource('eng')), undefined, 'not before the scrape is over');
  ingest.slice('eng', [s('lat_bucket', 3, 1000, { le: '0.1' })], p);
  ingest.done('eng', 1000, health(1000, 1), p);

  const col = store.collections.get(pageSource('eng'))!;
  assert.deepEqual([...store.samples(col)].map((x) => x.name), ['req_total', 'lat_bucket']);
  assert.deepEqual(store.metaOf(store.idOf('lat_bucket', { ...job, le: '0.1' })), { type: 'histogram', help: 'Latency.', unit: 'seconds', origin: 'target:eng', family: 'lat' });
  assert.equal(store.externalSeriesCount, 2, 'a page counts against the external budget');
  const up = store.collections.get(healthSource('eng'))!;
  assert.deepEqual([...store.samples(up)].map((x) => [x.name, x.v]), [['up', 1], ['scrape_duration_seconds', 0.01], ['scrape_samples_scraped', 2]]);
  assert.equal(store.metaOf(store.idOf('up', job))?.origin, 'target:eng');
});

test('a failed scrape leaves no current page but keeps the families it served; its health is current', () => {
  const store = new SeriesStore({ capacity: 8, maxSeries: 100 });
  const ingest = new PageIngest(store);
  const p = page();
  ingest.slice('eng', [s('req_total', 5, 1000)], p);
  ingest.done('eng', 1000, health(1000, 1), p);
  ingest.done('eng', 2000, health(2000, 0), undefined);
  const col = store.collections.get(pageSource('eng'))!;
  assert.equal(col.ids.length, 0);
  assert.equal(col.at, 2000);
  assert.equal(store.collections.families(pageSource('eng')).families.get('req')?.type, 'counter');
  assert.deepEqual([...store.samples(store.collections.get(healthSource('eng'))!)].map((x) => x.v)[0], 0);
  assert.equal(store.latest('req_total', { job: 'eng' })[0]!.v, 5, 'the store still has the series for rates');
});
