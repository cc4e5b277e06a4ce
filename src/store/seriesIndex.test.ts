// Which id each series has (store/seriesIndex.ts): metadata set on each append, the by-name and
// by-selector indexes as series come and go, and the descriptors handed to a persistence once
// per id and series.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SeriesDescriptor, SeriesPersistence } from './persistence.js';
import { SeriesStore } from './series.js';

class Recorded implements SeriesPersistence {
  readonly defines: [number, SeriesDescriptor][] = [];
  readonly appends: [number, number, number][] = [];
  defineSeries(id: number, d: SeriesDescriptor): void {
    this.defines.push([id, d]);
  }
  append(id: number, t: number, v: number): void {
    assert.ok(this.defines.some(([i]) => i === id), `append for id ${id} before its defineSeries`);
    this.appends.push([id, t, v]);
  }
}

test('metadata is set on each append: a page may change its HELP', () => {
  const s = new SeriesStore({ capacity: 4, maxSeries: 10 });
  s.append([{ name: 'req_total', labels: {}, t: 1, v: 1 }], { meta: { type: 'counter', help: 'Requests.', origin: 'target:a' } });
  s.append([{ name: 'req_total', labels: {}, t: 2, v: 2 }], { meta: { type: 'counter', help: 'Requests served.', origin: 'target:a' } });
  assert.equal(s.metaOf(s.idOf('req_total', {}))?.help, 'Requests served.');
  s.append([{ name: 'req_total', labels: {}, t: 3, v: 3 }]);
  assert.equal(s.metaOf(s.idOf('req_total', {}))?.help, 'Requests served.', 'an append without metadata leaves it');
});

test('series sharing a name and a selector label are all found, also after one of them goes', () => {
  const s = new SeriesStore({ capacity: 4, maxSeries: 10 });
  s.append([
    { name: 'ttft', labels: { engine: 'a', model: 'm1' }, t: 1, v: 1 },
    { name: 'ttft', labels: { engine: 'a', model: 'm2' }, t: 1, v: 2 },
    { name: 'tokens', labels: { job: 'a', kind: 'in' }, t: 1, v: 3 },
    { name: 'tokens', labels: { job: 'a', kind: 'out' }, t: 1, v: 4 },
  ]);
  assert.deepEqual(s.latest('ttft', { engine: 'a' }).map((p) => p.v), [1, 2]);
  assert.deepEqual(s.latest('tokens', { job: 'a' }).map((p) => p.v), [3, 4]);
  s.append([
    { name: 'ttft', labels: { engine: 'a', model: 'm2' }, t: 5, v: 20 },
    { name: 'tokens', labels: { job: 'a', kind: 'out' }, t: 5, v: 40 },
  ]);
  assert.equal(s.evictOlderThan(5), 2);
  assert.deepEqual(s.latest('ttft', { engine: 'a' }).map((p) => p.v), [20]);
  assert.deepEqual(s.latest('ttft').map((p) => p.v), [20]);
  assert.deepEqual(s.range('tokens', { job: 'a' }, 0, 9).map((p) => p.v), [4, 40]);
  assert.deepEqual(s.latest('tokens').map((p) => p.v), [40]);
  assert.equal(s.evictOlderThan(10), 2);
  assert.deepEqual([s.latest('ttft'), s.latest('ttft', { engine: 'a' }), s.latest('tokens', { job: 'a' })], [[], [], []]);
});

test('a series that returns with its id is not defined again; one first seen by the persistence on its return is', () => {
  const s = new SeriesStore({ capacity: 4, maxSeries: 10 });
  s.append([{ name: 'gone', labels: {}, t: 1, v: 1 }]);
  s.evictOlderThan(2);
  const p = new Recorded();
  s.attach(p);
  assert.equal(p.defines.length, 0, 'a retired series is not handed over');
  s.append([{ name: 'x', labels: {}, t: 1, v: 1 }], { meta: { type: 'gauge', unit: 'bytes', origin: 'collector:system' } });
  const x = s.idOf('x', {});
  assert.deepEqual(p.defines, [[x, { key: 'x', name: 'x', labels: {}, type: 'gauge', unit: 'bytes', origin: 'collector:system' }]]);
  s.evictOlderThan(2);
  s.append([{ name: 'x', labels: {}, t: 3, v: 3 }]);
  assert.equal(s.idOf('x', {}), x);
  assert.equal(p.defines.length, 1, 'x came back with the id the persistence knows');
  // `gone` left before the persistence was attached: its id is new to it.
  s.append([{ name: 'gone', labels: {}, t: 4, v: 4 }]);
  const gone = s.idOf('gone', {});
  assert.deepEqual(p.defines.map(([id, d]) => [id, d.key]), [[x, 'x'], [gone, 'gone']]);
  assert.deepEqual(p.appends, [[x, 1, 1], [x, 3, 3], [gone, 4, 4]]);
});

test('after detach nothing more reaches the persistence', () => {
  const s = new SeriesStore({ capacity: 4, maxSeries: 10 });
  const p = new Recorded();
  s.attach(p);
  s.append([{ name: 'x', labels: {}, t: 1, v: 1 }]);
  s.detach();
  s.append([{ name: 'x', labels: {}, t: 2, v: 2 }, { name: 'y', labels: {}, t: 2, v: 2 }]);
  assert.deepEqual(p.defines.map(([, d]) => d.key), ['x']);
  assert.deepEqual(p.appends, [[0, 1, 1]]);
  assert.deepEqual(s.latest('y').map((q) => q.v), [2], 'the store itself goes on');
});
