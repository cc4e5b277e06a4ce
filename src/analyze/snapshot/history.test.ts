import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Sample } from '../../core/types.js';
import { RefList } from '../../store/refs.js';
import { SeriesStore } from '../../store/series.js';
import { SnapshotHistory } from './history.js';

/** Appends one tick's samples as history series and records the tick. */
function tick(store: SeriesStore, h: SnapshotHistory, at: number, samples: Sample[]): void {
  const refs = new RefList();
  store.append(samples, { depth: 'history', refs });
  h.record(at, refs.freeze());
}

const cpu = (at: number, v: number, core?: string): Sample => ({ name: 'cpu_usage', labels: core === undefined ? { component: 'system' } : { component: 'system', core }, t: at, v });

test('a snapshot is built from the store when read: the seed fields and componentMetrics of its tick', () => {
  const store = new SeriesStore({ capacity: 4, maxSeries: 100 });
  const h = new SnapshotHistory({ maxlen: 10, store, keepBuilt: 1 });
  for (let i = 1; i <= 5; i++) tick(store, h, i * 1000, [cpu(i * 1000, i * 10), cpu(i * 1000, i, '0'), { name: 'token_throughput', labels: { component: 'eng', model: 'a' }, t: i * 1000, v: 100 + i }]);
  assert.equal(h.length, 5);
  const first = h.at(0)!;
  assert.equal(first.timestamp, 1000);
  assert.equal(first.cpuUsage, 10, 'the unlabelled sample owns the field');
  assert.equal(first.tokenThroughput, 101, 'labelled samples give their mean');
  assert.equal(first.componentMetrics['system']!['cpu_usage{core="0"}'], 1);
  assert.equal(Object.getPrototypeOf(first.componentMetrics), null);
  assert.notEqual(h.at(0), h.at(0), 'an old snapshot is built anew on each read, not held');
  assert.equal(h.at(-1), h.at(-1), 'the newest is kept built');
  assert.deepEqual([...h].map((s) => s.cpuUsage), [10, 20, 30, 40, 50]);
  assert.deepEqual(h.last(2).map((s) => s.timestamp), [4000, 5000]);
  assert.equal(store.historyCapacity, 10, 'history rings hold maxlen samples');
});

test('maxlen changes at run time: fewer ticks kept, and the store rings follow both ways', () => {
  const store = new SeriesStore({ capacity: 2, maxSeries: 100 });
  const h = new SnapshotHistory({ maxlen: 3, store });
  for (let i = 1; i <= 5; i++) tick(store, h, i, [cpu(i, i)]);
  assert.deepEqual(h.toArray().map((s) => s.cpuUsage), [3, 4, 5]);
  h.maxlen = 6;
  for (let i = 6; i <= 11; i++) tick(store, h, i, [cpu(i, i)]);
  assert.deepEqual(h.toArray().map((s) => s.cpuUsage), [6, 7, 8, 9, 10, 11], 'every kept tick still has its sample');
  h.maxlen = 2;
  assert.equal(store.historyCapacity, 2);
  assert.deepEqual(h.toArray().map((s) => s.cpuUsage), [10, 11]);
  assert.equal(h.dropped, 9);
  assert.throws(() => (h.maxlen = 0), /maxlen: got 0; expected an integer >= 1/);
});

test('a snapshot whose series the store let go shows what is left: the views hold no copies', () => {
  const store = new SeriesStore({ capacity: 4, maxSeries: 100 });
  const h = new SnapshotHistory({ maxlen: 10, store, keepBuilt: 1 });
  tick(store, h, 1000, [cpu(1000, 50), { name: 'gpu_utilization', labels: { component: 'gpu', gpu: '0' }, t: 1000, v: 70 }]);
  tick(store, h, 2000, [cpu(2000, 60)]);
  assert.equal(h.at(0)!.gpuUtilization, 70);
  store.evictOlderThan(1500);
  assert.equal(h.at(0)!.gpuUtilization, undefined, 'the GPU series left the store');
  assert.equal(h.at(0)!.cpuUsage, 50);
  assert.equal(h.oldestAt(), 1000);
});

test('ticks that see the same series share one id list', () => {
  const store = new SeriesStore({ capacity: 4, maxSeries: 100 });
  const h = new SnapshotHistory({ maxlen: 10, store });
  const seen: Int32Array[] = [];
  for (let i = 1; i <= 3; i++) {
    const refs = new RefList();
    store.append([cpu(i, i), cpu(i, i, '0')], { depth: 'history', refs });
    const frozen = refs.freeze();
    h.record(i, frozen);
    seen.push(frozen.ids);
  }
  assert.deepEqual(h.toArray().map((s) => s.componentMetrics['system']!['cpu_usage{core="0"}']), [1, 2, 3]);
  assert.deepEqual([...seen[0]!], [...seen[2]!]);
  assert.equal(h.bytes, 3 * 2 * 8 + 2 * 4, 'a sequence number per sample per tick, and one id list for the three ticks');
});
