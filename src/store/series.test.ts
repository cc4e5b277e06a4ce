import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeriesStore } from './series.js';

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
