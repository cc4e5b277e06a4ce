// The store's API (store/series.ts) at its edges: options of append and resolve, load from a
// persistent tier (origins decide budget and depth), series without samples, eviction of window
// and history series, and what an id names.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seriesKey } from '../core/labels.js';
import type { SeriesDescriptor } from './persistence.js';
import { RefList } from './refs.js';
import { SeriesStore } from './series.js';

const at = (name: string, t: number, v = t, labels: Record<string, string> = {}) => ({ name, labels, t, v });

test('append with options and no budget counts as own: a dropped sample is counted as own', () => {
  const s = new SeriesStore({ capacity: 4, maxSeries: 1 });
  s.append([at('a', 1)], { depth: 'history' });
  s.append([at('b', 1)], { depth: 'history' });
  assert.equal(s.droppedSamplesOf('own'), 1);
  assert.equal(s.droppedSamplesOf('external'), 0);
  assert.equal(s.droppedSamples, 1);
});

test('a refused sample gets no reference; an equal repeat gets the newest one', () => {
  const s = new SeriesStore({ capacity: 4, maxSeries: 10 });
  const refs = new RefList();
  s.append([at('x', 10, 1), at('x', 5, 2), at('x', 10, 1), at('x', NaN, 3)], { refs });
  const r = refs.freeze();
  assert.deepEqual([...r.ids], [0, 0]);
  assert.deepEqual([...r.seqs], [0, 0]);
  assert.equal(s.outOfOrderSamples, 2);
});

test('resolve honours the budget and the depth it is given', () => {
  const s = new SeriesStore({ capacity: 2, historyCapacity: 6, maxSeries: 4, reservedSeries: 2 });
  const e1 = s.resolve('scraped', { i: '1' }, { budget: 'external' });
  const e2 = s.resolve('scraped', { i: '2' }, { budget: 'external' });
  assert.ok(e1 >= 0 && e2 >= 0);
  assert.equal(s.externalSeriesCount, 2);
  assert.equal(s.resolve('scraped', { i: '3' }, { budget: 'external' }), -1, 'the external budget is spent');
  const own = s.resolve('own', {}, { budget: 'own' });
  assert.ok(own >= 0, 'the reserve is still open to own series');
  assert.equal(s.externalSeriesCount, 2);
  const h = s.resolve('hist', {}, { depth: 'history', meta: { origin: 'derived' } });
  const w = s.resolve('win', {});
  assert.equal(w, -1, 'max_series reached');
  for (let t = 1; t <= 8; t++) {
    s.appendId(h, t, t);
    s.appendId(own, t, t);
  }
  assert.deepEqual(s.range('hist', undefined, 0, 99).map((p) => p.v), [3, 4, 5, 6, 7, 8]);
  assert.deepEqual(s.range('own', undefined, 0, 99).map((p) => p.v), [7, 8]);
  assert.equal(s.metaOf(h)?.origin, 'derived');
});

test('appendId refuses a retired id without counting it or handing it on', () => {
  const s = new SeriesStore({ capacity: 4, maxSeries: 10 });
  const stored: number[][] = [];
  s.attach({ defineSeries: () => undefined, append: (id, t, v) => void stored.push([id, t, v]) });
  const id = s.resolve('x', {});
  assert.equal(s.appendId(id, 1, 1), 0);
  assert.equal(s.evictOlderThan(5), 1);
  assert.equal(s.appendId(id, 6, 6), -1);
  assert.equal(s.outOfOrderSamples, 0);
  assert.deepEqual(stored, [[id, 1, 1]]);
  assert.equal(s.samplesHeld, 0);
});

const desc = (name: string, origin: string | undefined, labels: Record<string, string> = {}): SeriesDescriptor => ({
  key: seriesKey(name, labels),
  name,
  labels,
  ...(origin !== undefined ? { origin } : {}),
});

test('load takes one sample as plain numbers', () => {
  const s = new SeriesStore({ capacity: 4, maxSeries: 10 });
  assert.equal(s.load(desc('x', 'collector:system'), 1000.4, 5), 1);
  assert.deepEqual(s.latest('x').map((p) => [p.t, p.v]), [[1000, 5]]);
  assert.equal(s.load(desc('x', 'collector:system'), 1000, 6), 0, 'the same time again');
});

test('load: an origin of a page, push or pull counts against the external budget; others do not', () => {
  const s = new SeriesStore({ capacity: 4, maxSeries: 100, reservedSeries: 10 });
  const origins = ['target:vllm', 'push:rag', 'pull:kv', 'collector:system', 'derived', 'self', 'mytarget:x', 'xpush:y'];
  for (const o of origins) s.load(desc('m', o, { o }), [1], [1]);
  s.load(desc('m', undefined, { o: 'none' }), [1], [1]);
  assert.equal(s.seriesCount, 9);
  assert.equal(s.externalSeriesCount, 3);
  // Retiring them gives exactly the external ones' budget back.
  s.evictOlderThan(5);
  assert.equal(s.externalSeriesCount, 0);
});

test('load: a page\'s series and self-metrics get window rings, every other origin a history ring', () => {
  const s = new SeriesStore({ capacity: 2, historyCapacity: 5, maxSeries: 100 });
  const t = [1, 2, 3, 4, 5, 6];
  const held = (o: string | undefined): number[] => {
    const labels = { o: String(o) };
    s.load(desc('m', o, labels), t, t);
    return s.range('m', labels, 0, 99).map((p) => p.v);
  };
  assert.deepEqual(held('target:vllm'), [5, 6]);
  assert.deepEqual(held('self'), [5, 6]);
  assert.deepEqual(held('collector:system'), [2, 3, 4, 5, 6]);
  assert.deepEqual(held('push:rag'), [2, 3, 4, 5, 6]);
  assert.deepEqual(held('derived'), [2, 3, 4, 5, 6]);
  assert.deepEqual(held('selfish'), [2, 3, 4, 5, 6]);
  assert.deepEqual(held('pre-target:x'), [2, 3, 4, 5, 6]);
  assert.deepEqual(held(undefined), [2, 3, 4, 5, 6]);
});

test('load names at most 100 characters of the key when times and values disagree', () => {
  const s = new SeriesStore({ capacity: 4, maxSeries: 10 });
  const long = 'n'.repeat(300);
  assert.throws(
    () => s.load(desc(long, 'derived'), [1, 2], [1]),
    (e: Error & { code?: string }) => e.code === 'EP_ERR_ARGUMENT' && e.message.includes(`load("${'n'.repeat(100)}")`),
  );
  assert.equal(s.seriesCount, 0);
});

test('a series resolved but never written: no latest, no range, gone at the next eviction', () => {
  const s = new SeriesStore({ capacity: 4, maxSeries: 10 });
  s.resolve('empty', { job: 'a' });
  s.append([at('full', 10)]);
  assert.deepEqual(s.latest('empty'), []);
  assert.deepEqual(s.latest('empty', { job: 'a' }), []);
  assert.deepEqual([...s.latestAll()].map((p) => p.name), ['full']);
  assert.deepEqual(s.rangeSeries('empty', undefined, -Infinity, Infinity), []);
  assert.equal(s.evictOlderThan(5), 1);
  assert.equal(s.idOf('empty', { job: 'a' }), -1);
});

test('rangeSeries leaves out series with no point in the range', () => {
  const s = new SeriesStore({ capacity: 4, maxSeries: 10 });
  s.append([at('x', 1, 1, { i: '1' }), at('x', 50, 2, { i: '2' })]);
  assert.deepEqual(s.rangeSeries('x', undefined, 10, 100), [{ labels: { i: '2' }, points: [{ t: 50, v: 2 }] }]);
  assert.deepEqual(s.rangeSeries('x', undefined, 100, 200), []);
});

test('eviction: window series by `before`, history series only when older than both `before` and `historyBefore`', () => {
  const s = new SeriesStore({ capacity: 4, historyCapacity: 8, maxSeries: 10 });
  s.append([at('w_old', 70), at('w_new', 100)]);
  s.append([at('h_mid', 70), at('h_old', 40), at('h_new', 100)], { depth: 'history' });
  assert.equal(s.evictOlderThan(100, 50), 2);
  assert.deepEqual([...s.latestAll()].map((p) => p.name).sort(), ['h_mid', 'h_new', 'w_new']);
  // `historyBefore` later than `before`: history series still go by `before`.
  assert.equal(s.evictOlderThan(80, 200), 1);
  assert.deepEqual([...s.latestAll()].map((p) => p.name).sort(), ['h_new', 'w_new']);
  // Without `historyBefore`, both go by `before`.
  assert.equal(s.evictOlderThan(101), 2);
  assert.equal(s.seriesCount, 0);
});

test('what an id names: name, labels, metadata and generation, kept while retired', () => {
  const s = new SeriesStore({ capacity: 4, maxSeries: 10 });
  assert.equal(s.idOf('x', { a: '1' }), -1);
  assert.equal(s.generationOf(10_000), -1, 'an id never handed out');
  s.append([1, 2, 3].map((t) => at('x', t, t, { a: '1' })), { meta: { origin: 'derived' } });
  const id = s.idOf('x', { a: '1' });
  assert.equal(s.generationOf(id), 0);
  s.evictOlderThan(10);
  assert.equal(s.idOf('x', { a: '1' }), -1, 'not held');
  assert.equal(s.nameOf(id), 'x');
  assert.deepEqual(s.labelsOf(id), { a: '1' });
  assert.deepEqual(s.metaOf(id), { origin: 'derived' });
  s.append([at('x', 20, 20, { a: '1' })]);
  assert.equal(s.idOf('x', { a: '1' }), id);
  assert.equal(s.generationOf(id), 3, 'its three former samples belong to an earlier generation');
});
