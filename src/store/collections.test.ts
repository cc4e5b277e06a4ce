// What each source produced in its latest collection (store/collections.ts): how sources are named,
// a failed collection, families before any page, and dropping sources.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collectorSource, ENGINES_SOURCE, healthSource, LatestCollections, pageSource, type PageFamilies } from './collections.js';
import { NO_REFS } from './refs.js';

test('sources are named collector:<name>, target:<name>, scrape:<name> and engines', () => {
  assert.equal(collectorSource('system'), 'collector:system');
  assert.equal(pageSource('vllm'), 'target:vllm');
  assert.equal(healthSource('vllm'), 'scrape:vllm');
  assert.equal(ENGINES_SOURCE, 'engines');
});

test('before a first page a source has no families; a failure before any collection is current with nothing', () => {
  const c = new LatestCollections();
  const f = c.families(pageSource('new'));
  assert.deepEqual([f.families.size, f.sampleFamily.size], [0, 0]);
  c.setFailed(pageSource('new'), 1000);
  const got = c.get(pageSource('new'))!;
  assert.deepEqual([got.at, got.ids.length, got.seqs.length, got.page], [1000, 0, 0, undefined]);
  assert.equal(c.families(pageSource('new')).families.size, 0);
});

test('a failure keeps the families of the latest good page', () => {
  const c = new LatestCollections();
  const page: PageFamilies = { families: new Map([['up', { type: 'gauge', help: undefined, unit: undefined }]]), sampleFamily: new Map([['up', 'up']]) };
  c.set(pageSource('a'), { at: 1, ids: Int32Array.of(3), seqs: Float64Array.of(0), page });
  c.setFailed(pageSource('a'), 2);
  assert.equal(c.families(pageSource('a')), page);
  assert.deepEqual([c.get(pageSource('a'))!.at, c.get(pageSource('a'))!.ids.length], [2, 0]);
});

test('delete and retain drop sources; sources lists the rest', () => {
  const c = new LatestCollections();
  for (const s of [collectorSource('a'), collectorSource('b'), pageSource('t'), ENGINES_SOURCE]) c.set(s, { at: 1, ...NO_REFS });
  c.retain((s) => s !== collectorSource('b'));
  assert.deepEqual([...c.sources()], ['collector:a', 'target:t', 'engines']);
  c.delete(pageSource('t'));
  assert.equal(c.get(pageSource('t')), undefined);
  assert.deepEqual([...c.sources()], ['collector:a', 'engines']);
  c.retain(() => true);
  assert.deepEqual([...c.sources()], ['collector:a', 'engines']);
});
