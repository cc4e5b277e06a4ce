// Reads that select one engine's (or one job's) series of a name go through the index by
// selector label: the same answers as a scan, also after series retire and their ids are reused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeriesStore } from './series.js';

test('latest and range by engine or job: only that engine, also after eviction and id reuse', () => {
  // maxSeries 6: every id gets reused once the first generation is evicted.
  const st = new SeriesStore({ capacity: 8, maxSeries: 6 });
  for (const e of ['a', 'b', 'c']) {
    st.append([
      { name: 'ttft', labels: { engine: e, model: 'm' }, t: 1000, v: e.charCodeAt(0) },
      { name: 'vllm:tokens', labels: { job: e }, t: 1000, v: 10 + e.charCodeAt(0) },
    ]);
  }
  assert.deepEqual(st.latest('ttft', { engine: 'b' }).map((s) => s.v), [98]);
  assert.deepEqual(st.latest('vllm:tokens', { job: 'c' }).map((s) => s.v), [109]);
  assert.deepEqual(st.range('ttft', { engine: 'a', model: 'm' }, 0, 2000).map((s) => s.v), [97]);
  assert.deepEqual(st.range('ttft', { engine: 'a', model: 'other' }, 0, 2000), []);
  assert.equal(st.latest('ttft').length, 3, 'without a selector label: every series of the name');
  // Every series stops; the ids go to new series with other names and the same engine values.
  assert.equal(st.evictOlderThan(5000), 6);
  for (const e of ['a', 'b', 'c']) {
    st.append([
      { name: 'queue', labels: { engine: e }, t: 6000, v: 1 },
      { name: 'other', labels: { job: e }, t: 6000, v: 2 },
    ]);
  }
  assert.deepEqual(st.latest('ttft', { engine: 'b' }), [], 'a retired series is not found through a reused id');
  assert.deepEqual(st.latest('vllm:tokens', { job: 'c' }), []);
  assert.deepEqual(st.latest('queue', { engine: 'b' }).map((s) => [s.labels['engine'], s.t]), [['b', 6000]]);
  assert.deepEqual(st.latest('other', { job: 'a' }).map((s) => s.v), [2]);
  // The first series come back: their ids are found again under their selector.
  st.evictOlderThan(7000);
  st.append([{ name: 'ttft', labels: { engine: 'b', model: 'm' }, t: 8000, v: 5 }]);
  assert.deepEqual(st.latest('ttft', { engine: 'b' }).map((s) => s.v), [5]);
});
