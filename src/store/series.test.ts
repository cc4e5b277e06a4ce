import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultReservedSeries, SeriesStore } from './series.js';

test('SeriesStore keeps a bounded ring per series and answers latest and range', () => {
  const s = new SeriesStore({ capacity: 3, maxSeries: 10 });
  for (let t = 1; t <= 5; t++) {
    s.append([
      { name: 'cpu', labels: { core: '0' }, t, v: t * 10 },
      { name: 'cpu', labels: { core: '1' }, t, v: t },
    ]);
  }
  assert.deepEqual(s.latest('cpu', { core: '0' }).map((x) => x.v), [50]);
  assert.equal(s.latest('cpu').length, 2);
  assert.deepEqual(s.range('cpu', { core: '0' }, 0, 100).map((x) => [x.t, x.v]), [[3, 30], [4, 40], [5, 50]]);
  assert.deepEqual(s.range('cpu', { core: '1' }, 4, 4).map((x) => x.v), [4]);
  assert.deepEqual(s.latest('nothing'), []);
});

test('past maxSeries new series are dropped and counted; old series can be evicted', () => {
  const s = new SeriesStore({ capacity: 2, maxSeries: 2 });
  s.append([
    { name: 'a', labels: {}, t: 1, v: 1 },
    { name: 'b', labels: {}, t: 1, v: 1 },
    { name: 'c', labels: {}, t: 1, v: 1 },
  ]);
  assert.equal(s.seriesCount, 2);
  assert.equal(s.droppedSamples, 1);
  s.append([{ name: 'a', labels: {}, t: 5, v: 2 }]);
  assert.equal(s.evictOlderThan(3), 1);
  assert.deepEqual([...s.latestAll()].map((x) => x.name), ['a']);
});

test('one sample per timestamp: a re-reported value is not a new point, an older one is refused and counted', () => {
  const s = new SeriesStore({ capacity: 4, maxSeries: 10 });
  s.append([{ name: 'x', labels: {}, t: 10, v: 1 }]);
  s.append([{ name: 'x', labels: {}, t: 10, v: 1 }]);
  s.append([{ name: 'x', labels: {}, t: 5, v: 9 }]);
  s.append([{ name: 'x', labels: {}, t: 20, v: 2 }]);
  assert.deepEqual(s.range('x', undefined, 0, 100).map((p) => [p.t, p.v]), [[10, 1], [20, 2]]);
  assert.equal(s.outOfOrderSamples, 1);
});

test('external samples create series only within max_series - reserved_series; own series use the whole budget', () => {
  const s = new SeriesStore({ capacity: 2, maxSeries: 10, reservedSeries: 4 });
  const flood = Array.from({ length: 50 }, (_, i) => ({ name: 'scraped', labels: { i: String(i) }, t: 1, v: i }));
  s.append(flood, 'external');
  assert.equal(s.externalSeriesCount, 6);
  assert.equal(s.droppedSamplesOf('external'), 44);
  // The agent's own series still reach the store after the flood, up to the whole budget.
  s.append([{ name: 'cpu_usage', labels: {}, t: 1, v: 12 }, { name: 'echo_perf_series', labels: {}, t: 1, v: 7 }]);
  assert.deepEqual(s.latest('cpu_usage').map((x) => x.v), [12]);
  s.append(Array.from({ length: 5 }, (_, i) => ({ name: 'own', labels: { i: String(i) }, t: 1, v: i })));
  assert.equal(s.seriesCount, 10);
  assert.equal(s.droppedSamplesOf('own'), 3);
  assert.equal(s.droppedSamples, 47);
  // Existing external series keep receiving samples; eviction frees external budget.
  s.append([{ name: 'scraped', labels: { i: '0' }, t: 2, v: 100 }], 'external');
  assert.deepEqual(s.latest('scraped', { i: '0' }).map((x) => x.v), [100]);
  s.append([{ name: 'cpu_usage', labels: {}, t: 3, v: 13 }]);
  s.evictOlderThan(2);
  assert.equal(s.externalSeriesCount, 1);
  s.append([{ name: 'scraped', labels: { i: '49' }, t: 4, v: 49 }], 'external');
  assert.equal(s.externalSeriesCount, 2);
});

test('the default reserve: 10 % of max_series, at least 1000, at most half', () => {
  assert.equal(defaultReservedSeries(50_000), 5000);
  assert.equal(defaultReservedSeries(5000), 1000);
  assert.equal(defaultReservedSeries(1200), 600);
  const s = new SeriesStore({ capacity: 2, maxSeries: 2000 });
  s.append(Array.from({ length: 1500 }, (_, i) => ({ name: 'x', labels: { i: String(i) }, t: 1, v: i })), 'external');
  assert.equal(s.externalSeriesCount, 1000);
});
