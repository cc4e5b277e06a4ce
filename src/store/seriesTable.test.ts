// The hot tier's per-series table (store/seriesTable.ts), through the store: what it costs in
// bytes, how rings wrap, grow, shrink and span 2^32 ms, and which ids are held.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RefList } from './refs.js';
import { SeriesStore } from './series.js';

/** Per-id state: ring, stride (Int32), depth, external (Uint8), head, size (Int32), written, start, base, lastT (Float64). */
const ID_BYTES = 4 + 4 + 1 + 1 + 4 + 4 + 8 * 4;
/** A page of rings of `stride` slots: as many rings as fit in 64 KiB, 12 bytes a slot. */
const page = (stride: number): number => Math.max(1, Math.floor(65536 / (stride * 12))) * stride * 12;

const sample = (name: string, t: number, v: number, labels: Record<string, string> = {}) => ({ name, labels, t, v });

test('bytes: 50 bytes of state per id slot (64 at first, doubling as ids are handed out, at most 2 × max_series) and whole pages of rings', () => {
  const s = new SeriesStore({ capacity: 20, historyCapacity: 100, maxSeries: 1000 });
  assert.equal(s.bytes, 0, 'nothing allocated up front');
  s.append([sample('x', 1, 1, { i: '0' })]);
  assert.equal(ID_BYTES, 50);
  assert.equal(s.bytes, 64 * ID_BYTES + page(16), 'a new ring has 16 slots');
  s.append(Array.from({ length: 63 }, (_, i) => sample('x', 1, i, { i: String(i + 1) })));
  assert.equal(s.bytes, 64 * ID_BYTES + page(16), '64 series: the first id slots and page still do');
  s.append([sample('x', 1, 64, { i: '64' })]);
  assert.equal(s.bytes, 128 * ID_BYTES + page(16), 'the 65th id doubles the per-id state');
  assert.deepEqual(s.latest('x', { i: '64' }).map((p) => p.v), [64]);
  assert.equal(s.samplesHeld, 65);
  // Ids stay below 2 × max_series: a store of 10 series has 20 id slots.
  const small = new SeriesStore({ capacity: 20, maxSeries: 10 });
  small.append([sample('x', 1, 1)]);
  assert.equal(small.bytes, 20 * ID_BYTES + page(16));
});

test('bytes: a ring doubles only when full, up to its depth, and its old page goes when no ring uses it', () => {
  const s = new SeriesStore({ capacity: 20, historyCapacity: 100, maxSeries: 100 });
  for (let t = 1; t <= 16; t++) s.append([sample('h', t, t)], { depth: 'history' });
  assert.equal(s.bytes, 64 * ID_BYTES + page(16), '16 samples fit the first ring');
  s.append([sample('h', 17, 17)], { depth: 'history' });
  assert.equal(s.bytes, 64 * ID_BYTES + page(32), 'the 17th moves it to 32 slots');
  // A longer history does not move rings that are not full.
  s.setHistoryCapacity(200);
  assert.equal(s.bytes, 64 * ID_BYTES + page(32));
  assert.deepEqual(s.range('h', undefined, 0, 99).map((p) => p.v), Array.from({ length: 17 }, (_, i) => i + 1));
});

test('bytes: a full ring at its depth stays where it is, also when the history length is set to what it is', () => {
  // Rings of 2048 slots: two to a page (65536 / 24576 = 2.7).
  const s = new SeriesStore({ capacity: 2048, maxSeries: 100 });
  for (let t = 1; t <= 2048; t++) s.append([sample('a', t, t), sample('b', t, t)], { depth: 'history' });
  assert.equal(s.bytes, 64 * ID_BYTES + page(2048));
  s.append([sample('a', 2049, 2049)], { depth: 'history' });
  assert.equal(s.bytes, 64 * ID_BYTES + page(2048), 'a and b still share their page');
  s.setHistoryCapacity(2048);
  assert.equal(s.bytes, 64 * ID_BYTES + page(2048), 'no ring moved');
  const a = s.range('a', undefined, 0, 9999);
  assert.deepEqual([a.length, a[0]!.v, a.at(-1)!.v], [2048, 2, 2049]);
  assert.equal(s.range('b', undefined, 0, 9999).length, 2048);
});

test('a full ring wraps onto its own slots, never onto the next ring', () => {
  const s = new SeriesStore({ capacity: 3, maxSeries: 10 });
  for (let t = 1; t <= 5; t++) s.append([sample('a', t, t)]);
  for (let t = 1; t <= 3; t++) s.append([sample('b', t, 100 + t)]); // the ring after a's
  assert.deepEqual(s.range('a', undefined, 0, 99).map((p) => [p.t, p.v]), [[3, 3], [4, 4], [5, 5]]);
  assert.deepEqual(s.range('b', undefined, 0, 99).map((p) => p.v), [101, 102, 103]);
});

test('a ring spans at most 2^32 - 1 ms: a sample exactly that old stays, one ms older leaves', () => {
  const T = 1_700_000_000_000;
  const span = 0xffff_ffff;
  const s = new SeriesStore({ capacity: 8, maxSeries: 10 });
  s.append([sample('x', T, 1), sample('x', T + 1, 2)]);
  s.append([sample('x', T + span, 3)]);
  assert.deepEqual(s.range('x', undefined, 0, Infinity).map((p) => [p.t - T, p.v]), [[0, 1], [1, 2], [span, 3]]);
  s.append([sample('x', T + span + 1, 4)]);
  assert.deepEqual(s.range('x', undefined, 0, Infinity).map((p) => [p.t - T, p.v]), [[1, 2], [span, 3], [span + 1, 4]]);
  s.append([sample('x', T + span + 2, 5)]);
  assert.deepEqual(s.range('x', undefined, 0, Infinity).map((p) => [p.t - T, p.v]), [[span, 3], [span + 1, 4], [span + 2, 5]]);
});

test('times before 1970 (negative ms) are held as given, and span at most 2^32 - 1 ms too', () => {
  const s = new SeriesStore({ capacity: 4, maxSeries: 10 });
  s.append([sample('x', -5000, 1), sample('x', -4000, 2), sample('x', 1000, 3)]);
  assert.deepEqual(s.range('x', undefined, -Infinity, Infinity).map((p) => [p.t, p.v]), [[-5000, 1], [-4000, 2], [1000, 3]]);
  s.append([sample('y', -3_000_000_000, 1)]);
  s.append([sample('y', 2_000_000_000, 2)]);
  assert.deepEqual(s.range('y', undefined, -Infinity, Infinity).map((p) => [p.t, p.v]), [[2_000_000_000, 2]]);
});

test('a sample far beyond every held one leaves it alone in its ring, at its own time', () => {
  const T = 1_700_000_000_000;
  const day = 86_400_000;
  const s = new SeriesStore({ capacity: 4, maxSeries: 10 });
  s.append([sample('x', T, 1), sample('x', T + 1000, 2)]);
  s.append([sample('x', T + 60 * day, 3)]);
  assert.deepEqual(s.range('x', undefined, 0, Infinity).map((p) => [p.t, p.v]), [[T + 60 * day, 3]]);
  s.append([sample('x', T + 60 * day + 5, 4)]);
  assert.deepEqual(s.latest('x').map((p) => [p.t, p.v]), [[T + 60 * day + 5, 4]]);
  assert.equal(s.range('x', undefined, 0, Infinity).length, 2);
});

test('lowering the history length moves held history rings only: retired series and window rings stay as they are', () => {
  const s = new SeriesStore({ capacity: 2, historyCapacity: 8, maxSeries: 10 });
  for (let t = 1; t <= 5; t++) s.append([sample('a', t, t)], { depth: 'history' });
  for (let t = 1; t <= 6; t++) s.append([sample('b', t, 10 + t)], { depth: 'history' });
  for (let t = 1; t <= 7; t++) s.append([sample('w', t, 20 + t)]);
  const a = s.idOf('a', {});
  assert.equal(s.evictOlderThan(6), 1, 'a stopped at 5');
  s.setHistoryCapacity(4);
  assert.deepEqual(s.range('b', undefined, 0, 99).map((p) => p.v), [13, 14, 15, 16]);
  assert.deepEqual(s.range('w', undefined, 0, 99).map((p) => p.v), [26, 27]);
  s.append([sample('w', 8, 28)]);
  assert.deepEqual(s.range('w', undefined, 0, 99).map((p) => p.v), [27, 28], 'a window ring keeps its depth');
  s.append([sample('b', 7, 17)], { depth: 'history' });
  assert.deepEqual(s.range('b', undefined, 0, 99).map((p) => p.v), [14, 15, 16, 17]);
  s.append([sample('a', 10, 100)], { depth: 'history' });
  assert.equal(s.idOf('a', {}), a);
  assert.deepEqual(s.range('a', undefined, 0, 99).map((p) => p.v), [100], 'a returns with nothing of its former samples');
  assert.equal(s.samplesHeld, 4 + 2 + 1);
});

test('a ring shrunk to a full smaller ring writes only its own slots, then and after', () => {
  const s = new SeriesStore({ capacity: 3, historyCapacity: 6, maxSeries: 10 });
  // Window rings have 3 slots: w1 takes ring 0 of that size, w2 ring 1.
  s.append([sample('w1', 1, 1)]);
  for (let t = 1; t <= 3; t++) s.append([sample('w2', t, 10 * t)]);
  for (let t = 1; t <= 6; t++) s.append([sample('h', t, 100 + t)], { depth: 'history' });
  assert.equal(s.evictOlderThan(2), 1, 'w1 goes: ring 0 is free');
  const refs = new RefList();
  s.append([sample('h', 6, 106)], { depth: 'history', refs });
  s.setHistoryCapacity(3); // h moves to ring 0, right before w2's
  assert.deepEqual(s.range('h', undefined, 0, 99).map((p) => p.v), [104, 105, 106]);
  assert.deepEqual(s.range('w2', undefined, 0, 99).map((p) => [p.t, p.v]), [[1, 10], [2, 20], [3, 30]]);
  assert.deepEqual([...s.samples(refs.freeze())].map((p) => p.v), [106], 'a reference taken before the move still reads');
  s.append([sample('h', 7, 107)], { depth: 'history' });
  assert.deepEqual(s.range('h', undefined, 0, 99).map((p) => p.v), [105, 106, 107]);
  assert.deepEqual(s.range('w2', undefined, 0, 99).map((p) => [p.t, p.v]), [[1, 10], [2, 20], [3, 30]]);
});

test('samples held count held series only, not retired ones', () => {
  const s = new SeriesStore({ capacity: 4, maxSeries: 10 });
  s.append([1, 2, 3].map((t) => sample('old', t, t)));
  s.append([sample('new', 10, 1)]);
  assert.equal(s.samplesHeld, 4);
  assert.equal(s.evictOlderThan(5), 1);
  assert.equal(s.samplesHeld, 1);
});

test('an id not held, retired or not handed out yet, holds nothing: no sample is written to it, no name is known for it', () => {
  const s = new SeriesStore({ capacity: 4, maxSeries: 100 });
  assert.equal(s.nameOf(0), undefined);
  assert.equal(s.labelsOf(0), undefined);
  assert.equal(s.metaOf(0), undefined);
  // Retired first: its ring is gone.
  s.append([sample('gone', 1, 1)]);
  const gone = s.idOf('gone', {});
  s.evictOlderThan(2);
  assert.equal(s.appendId(gone, 3, 3), -1);
  assert.equal(s.valueAt(gone, 0), undefined);
  s.append([sample('x', 1, 1)]);
  assert.equal(s.appendId(5, 1000, 1), -1);
  assert.equal(s.appendId(63, 1000, 1), -1);
  assert.equal(s.valueAt(5, 0), undefined);
  assert.equal(s.appendId(1000, 1000, 1), -1, 'an id past every id handed out');
  assert.equal(s.appendId(-1, 1000, 1), -1);
  assert.equal(s.outOfOrderSamples, 0, 'not an out-of-order sample either');
  assert.equal(s.samplesHeld, 1);
});

test('a reference to a sample not written yet names nothing', () => {
  const s = new SeriesStore({ capacity: 4, maxSeries: 10 });
  const id = s.resolve('x', {});
  assert.equal(s.appendId(id, 1, 1), 0);
  assert.equal(s.appendId(id, 2, 2), 1);
  assert.equal(s.valueAt(id, 1), 2);
  assert.equal(s.valueAt(id, 2), undefined);
  assert.equal(s.valueAt(id, 3), undefined);
  assert.equal(s.sampleAt(id, 10), undefined);
});

test('not a time: +Infinity, -Infinity and NaN are refused and counted, also on a series without samples', () => {
  const s = new SeriesStore({ capacity: 4, maxSeries: 10 });
  const fresh = s.resolve('fresh', {});
  assert.equal(s.appendId(fresh, -Infinity, 5), -1);
  assert.equal(s.appendId(fresh, NaN, 5), -1);
  const id = s.resolve('x', {});
  assert.equal(s.appendId(id, 1000, 1), 0);
  assert.equal(s.appendId(id, Infinity, 2), -1);
  assert.equal(s.appendId(id, -Infinity, 2), -1);
  assert.equal(s.outOfOrderSamples, 4);
  assert.deepEqual(s.latest('fresh'), []);
  assert.deepEqual(s.range('x', undefined, -Infinity, Infinity).map((p) => [p.t, p.v]), [[1000, 1]]);
  assert.equal(s.appendId(id, 2000, 3), 1, 'the series goes on');
});
