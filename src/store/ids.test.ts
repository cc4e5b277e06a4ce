import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seriesKey } from '../core/labels.js';
import type { SeriesDescriptor, SeriesPersistence } from './persistence.js';
import { RefList } from './refs.js';
import { SeriesStore } from './series.js';

/** A persistence that keeps what it is handed, as a tier would index it: id → key, key → samples. */
class KeptSeries implements SeriesPersistence {
  readonly keyOf = new Map<number, string>();
  readonly defines: [number, SeriesDescriptor][] = [];
  readonly samples = new Map<string, [number, number][]>();
  defineSeries(id: number, d: SeriesDescriptor): void {
    this.defines.push([id, d]);
    this.keyOf.set(id, d.key);
  }
  append(id: number, t: number, v: number): void {
    const key = this.keyOf.get(id);
    assert.ok(key !== undefined, `append for id ${id} before its defineSeries`);
    let list = this.samples.get(key);
    if (list === undefined) this.samples.set(key, (list = []));
    list.push([t, v]);
  }
}

test('every series gets a small id; appendId is the same store as append', () => {
  const s = new SeriesStore({ capacity: 4, maxSeries: 10 });
  const a = s.resolve('cpu', { core: '0' }, { meta: { type: 'gauge', origin: 'collector:system' } });
  const b = s.resolve('cpu', { core: '1' });
  assert.deepEqual([a, b], [0, 1]);
  assert.equal(s.resolve('cpu', { core: '0' }), a, 'the same series, the same id');
  assert.equal(s.appendId(a, 1000, 5), 0);
  s.append([{ name: 'cpu', labels: { core: '0' }, t: 2000, v: 6 }]);
  assert.deepEqual(s.range('cpu', { core: '0' }, 0, 5000).map((p) => [p.t, p.v]), [[1000, 5], [2000, 6]]);
  assert.deepEqual(s.metaOf(a), { type: 'gauge', origin: 'collector:system' });
  assert.equal(s.appendId(a, 1500, 9), -1, 'older than the newest: refused');
  assert.equal(s.appendId(a, 2000, 6), 1, 'the same time and value: the newest sample, not a new one');
  assert.equal(s.outOfOrderSamples, 1);
  // Another value at the same time (two collections in one ms): a reference gets it; readers keep the first.
  const seq = s.appendId(a, 2000, 9);
  assert.equal(seq, 2);
  assert.equal(s.valueAt(a, seq), 9);
  assert.deepEqual(s.range('cpu', { core: '0' }, 0, 5000).map((p) => [p.t, p.v]), [[1000, 5], [2000, 6]]);
  assert.deepEqual(s.latest('cpu', { core: '0' }).map((p) => p.v), [6]);
  assert.equal(s.appendId(99, 3000, 1), -1, 'an id not held');
  assert.equal(s.appendId(a, NaN, 1), -1, 'not a time');
});

test('a reference names its sample while the ring holds it, and nothing once overwritten or evicted', () => {
  const s = new SeriesStore({ capacity: 3, maxSeries: 10 });
  const refs = new RefList();
  for (let t = 1; t <= 2; t++) s.append([{ name: 'x', labels: {}, t, v: t * 10 }], { refs });
  const first = refs.freeze();
  assert.deepEqual([...s.samples(first)].map((p) => p.v), [10, 20]);
  s.append([3, 4].map((t) => ({ name: 'x', labels: {}, t, v: t * 10 })));
  assert.deepEqual([...s.samples(first)].map((p) => p.v), [20], 'sample 1 was overwritten by sample 4');
  assert.equal(s.valueAt(first.ids[0]!, first.seqs[0]!), undefined);
  s.evictOlderThan(100);
  assert.deepEqual([...s.samples(first)], [], 'an evicted series holds nothing');
  s.append([{ name: 'x', labels: {}, t: 200, v: 1 }]);
  assert.equal(s.idOf('x', {}), first.ids[0], 'a series that returns gets its id back');
  assert.deepEqual([...s.samples(first)], [], 'and refs to its former samples stay empty');
});

test('ids stay below twice max_series: the series retired longest ago gives its id to a new one', () => {
  const s = new SeriesStore({ capacity: 2, maxSeries: 2 });
  const p = new KeptSeries();
  s.attach(p);
  const ids: number[] = [];
  for (let i = 0; i < 12; i++) {
    s.append([{ name: 'pid', labels: { pid: String(i) }, t: i * 10, v: i }]);
    ids.push(s.idOf('pid', { pid: String(i) }));
    s.evictOlderThan(i * 10); // everything before this sample goes
  }
  assert.ok(Math.max(...ids) < 4, `ids ${ids.join(',')}`);
  assert.equal(s.seriesCount, 1);
  // Each id was defined again before samples of its new series.
  const last = p.defines.filter(([id]) => id === ids[11]).at(-1)!;
  assert.equal(last[1].key, 'pid{pid="11"}');
  assert.deepEqual(p.samples.get('pid{pid="11"}'), [[110, 11]]);
  assert.equal(p.samples.size, 12, 'every series reached the persistence under its own key');
});

test('attach hands over a descriptor per series and every accepted sample, nothing twice', () => {
  const s = new SeriesStore({ capacity: 4, maxSeries: 10 });
  s.append([{ name: 'up', labels: { job: 'vllm' }, t: 1, v: 1 }], { meta: { origin: 'target:vllm', type: 'gauge', help: 'Up.' } });
  const p = new KeptSeries();
  s.attach(p);
  assert.deepEqual(p.defines, [[0, { key: 'up{job="vllm"}', name: 'up', labels: { job: 'vllm' }, type: 'gauge', help: 'Up.', origin: 'target:vllm' }]]);
  s.append([
    { name: 'up', labels: { job: 'vllm' }, t: 2, v: 1 },
    { name: 'up', labels: { job: 'vllm' }, t: 2, v: 1 },
    { name: 'up', labels: { job: 'vllm' }, t: 1, v: 0 },
    { name: 'new', labels: {}, t: 2, v: 7 },
  ]);
  assert.deepEqual(p.samples.get('up{job="vllm"}'), [[2, 1]]);
  assert.deepEqual(p.samples.get('new'), [[2, 7]]);
  assert.equal(p.defines.length, 2);
});

test('load refills a series from a persistent tier without handing it back', () => {
  const s = new SeriesStore({ capacity: 4, historyCapacity: 8, maxSeries: 10 });
  const p = new KeptSeries();
  s.attach(p);
  const d: SeriesDescriptor = { key: seriesKey('cpu_usage', { component: 'system' }), name: 'cpu_usage', labels: { component: 'system' }, type: 'gauge', origin: 'collector:system' };
  assert.equal(s.load(d, Float64Array.from([1000, 2000, 2000, 3000]), Float64Array.from([1, 2, 2, 3])), 3);
  assert.deepEqual(s.range('cpu_usage', undefined, 0, 9999).map((x) => x.v), [1, 2, 3]);
  assert.deepEqual(s.metaOf(s.idOf('cpu_usage', { component: 'system' })), { type: 'gauge', help: undefined, unit: undefined, origin: 'collector:system' });
  assert.equal(p.samples.size, 0, 'loaded samples are not appended back');
  assert.equal(p.defines.length, 1, 'the persistence learns the id of the loaded series');
  s.append([{ name: 'cpu_usage', labels: { component: 'system' }, t: 4000, v: 4 }]);
  assert.deepEqual(p.samples.get(d.key), [[4000, 4]]);
  assert.throws(() => s.load({ ...d, labels: { a: 1 as unknown as string } }, 1, 1), /load: descriptor\.labels\.a: got 1; expected a string/);
  assert.throws(() => s.load(d, [1, 2], [1]), /got 2 times and 1 values/);
});

test('rings hold whole ms over any span: a sample 50 days on pushes out what no offset can reach', () => {
  const s = new SeriesStore({ capacity: 4, maxSeries: 10 });
  const day = 86_400_000;
  s.append([0, 1, 2].map((k) => ({ name: 'x', labels: {}, t: 1_700_000_000_000 + k * day + 0.4, v: k })));
  s.append([{ name: 'x', labels: {}, t: 1_700_000_000_000 + 51 * day, v: 51 }]);
  assert.deepEqual(
    s.range('x', undefined, 0, Infinity).map((p) => [(p.t - 1_700_000_000_000) / day, p.v]),
    [[2, 2], [51, 51]],
    'samples more than 2^32 ms before the newest left; times rounded to whole ms',
  );
});

test('history rings follow a run-time change of the history length, keeping the newest', () => {
  const s = new SeriesStore({ capacity: 2, historyCapacity: 4, maxSeries: 10 });
  const refs = new RefList();
  for (let t = 1; t <= 4; t++) s.append([{ name: 'h', labels: {}, t, v: t }], { depth: 'history', refs });
  s.append([1, 2, 3].map((t) => ({ name: 'w', labels: {}, t, v: t })));
  assert.deepEqual(s.range('h', undefined, 0, 9).map((p) => p.v), [1, 2, 3, 4]);
  assert.deepEqual(s.range('w', undefined, 0, 9).map((p) => p.v), [2, 3]);
  const all = refs.freeze();
  s.setHistoryCapacity(3);
  assert.deepEqual([...s.samples(all)].map((p) => p.v), [2, 3, 4]);
  s.setHistoryCapacity(6);
  for (let t = 5; t <= 7; t++) s.append([{ name: 'h', labels: {}, t, v: t }], { depth: 'history' });
  assert.deepEqual(s.range('h', undefined, 0, 9).map((p) => p.v), [2, 3, 4, 5, 6, 7]);
  assert.equal(s.historyCapacity, 6);
  s.setHistoryCapacity(1);
  assert.equal(s.historyCapacity, 2, 'never shallower than a window ring');
});

test('a ring grows as it fills, up to its depth, and references taken before a move still read', () => {
  const s = new SeriesStore({ capacity: 20, historyCapacity: 100, maxSeries: 10 });
  const refs = new RefList();
  for (let t = 1; t <= 150; t++) s.append([{ name: 'h', labels: {}, t, v: t }], { depth: 'history', refs });
  for (let t = 1; t <= 30; t++) s.append([{ name: 'w', labels: {}, t, v: t }]);
  const held = s.range('h', undefined, 0, 1000).map((p) => p.v);
  assert.equal(held.length, 100);
  assert.deepEqual([held[0], held.at(-1)], [51, 150]);
  assert.equal(s.range('w', undefined, 0, 1000).length, 20);
  const all = refs.freeze();
  assert.deepEqual([...s.samples(all)].map((p) => p.v), held, 'the 100 newest references read, the 50 oldest are gone');
  assert.equal(s.samplesHeld, 120);
  assert.ok(s.bytes >= 120 * 12);
});
