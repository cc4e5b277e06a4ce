import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { test } from 'node:test';
import { EchoPerfError } from '../../core/errors.js';
import { openTestStore } from '../../../test/helpers/diskStore.js';
import { tempDir } from '../../../test/helpers/tempTree.js';
import { DB_FILE } from './schema.js';

const cpu = { key: 'cpu_usage{component="system"}', name: 'cpu_usage', labels: { component: 'system' }, type: 'gauge', help: 'CPU %', unit: 'percent', origin: 'collector:system' } as const;

function rows(dir: string, sql: string): Record<string, unknown>[] {
  const db = new Database(join(dir, DB_FILE), { readonly: true });
  try {
    return db.prepare(sql).all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

test('samples appended and flushed come back from a query, special values bit for bit', async (t) => {
  const dir = tempDir(t);
  const { store, clock } = openTestStore(t, dir);
  store.defineSeries(0, cpu);
  const t0 = clock.now();
  const values = [1.5, -0, Infinity, -Infinity, NaN, 5e-324, 1.7976931348623157e308, 42];
  values.forEach((v, i) => store.append(0, t0 + i * 1000, v));
  await store.flush();
  const r = await store.query({ name: 'cpu_usage', start: t0, end: t0 + 10_000 });
  assert.equal(r.tier, 'raw');
  assert.equal(r.series.length, 1);
  assert.deepEqual(r.series[0]!.labels, { component: 'system' });
  const got = r.series[0]!.points;
  assert.equal(got.length, values.length);
  got.forEach(([tt, v], i) => {
    assert.equal(tt, t0 + i * 1000);
    assert.ok(Object.is(v, values[i]), `value ${i}: ${v} vs ${values[i]}`);
  });
  assert.equal(store.health().ok, true);
  assert.equal(store.health().series, 1);
  assert.equal(store.health().pendingSamples, 0);
});

test('chunks are sealed at 120 samples and at a 2 h span; the open chunk is rewritten at every flush', async (t) => {
  const dir = tempDir(t);
  const { store, clock } = openTestStore(t, dir);
  store.defineSeries(0, cpu);
  const t0 = clock.now();
  for (let i = 0; i < 300; i++) store.append(0, t0 + i * 1000, i);
  await store.flush();
  assert.deepEqual(
    rows(dir, 'SELECT count FROM chunks_raw ORDER BY start_t').map((r) => r['count']),
    [120, 120, 60],
  );
  for (let i = 300; i < 330; i++) store.append(0, t0 + i * 1000, i);
  await store.flush();
  assert.deepEqual(
    rows(dir, 'SELECT count FROM chunks_raw ORDER BY start_t').map((r) => r['count']),
    [120, 120, 90],
  );
  // A sparse series: one sample every 10 minutes seals by span (2 h) long before 120 samples.
  store.defineSeries(1, { key: 'sparse', name: 'sparse', labels: {} });
  for (let i = 0; i < 30; i++) store.append(1, t0 + i * 600_000, i);
  await store.flush();
  const sparse = rows(dir, `SELECT c.start_t, c.end_t, c.count FROM chunks_raw c JOIN series s ON s.id = c.series_id WHERE s.name = 'sparse' ORDER BY start_t`);
  assert.deepEqual(sparse.map((r) => r['count']), [12, 12, 6]);
  for (const r of sparse) assert.ok((r['end_t'] as number) - (r['start_t'] as number) < 7_200_000);
});

test('a restart brings back series with their metadata, recent samples and the saved alerts, and appends continue the open chunk', async (t) => {
  const dir = tempDir(t);
  const first = openTestStore(t, dir);
  const t0 = first.clock.now();
  first.store.defineSeries(3, cpu);
  first.store.defineSeries(4, { key: 'up{job="vllm"}', name: 'up', labels: { job: 'vllm' } });
  for (let i = 0; i < 50; i++) {
    first.store.append(3, t0 + i * 1000, i * 2);
    first.store.append(4, t0 + i * 1000, 1);
  }
  const alert = { fingerprint: 'abc123', record: { name: 'HighCpu', status: 'firing', startsAt: t0, labels: { component: 'system' } } };
  first.store.saveAlerts([alert]);
  assert.deepEqual(first.store.loadAlerts(), [], 'nothing was saved before this run');
  const second = await first.reopen();
  assert.deepEqual(second.store.loadAlerts(), [alert]);
  const recent = second.store.recent(t0 + 39_000, 5);
  assert.equal(recent.length, 2);
  const c = recent.find((r) => r.descriptor.name === 'cpu_usage')!;
  assert.deepEqual(c.descriptor, cpu);
  assert.deepEqual([...c.t], [45, 46, 47, 48, 49].map((i) => t0 + i * 1000));
  assert.deepEqual([...c.v], [90, 92, 94, 96, 98]);
  assert.deepEqual(second.store.recent(t0 + 39_000, 1000).find((r) => r.descriptor.name === 'up')!.t.length, 10);
  // New ids in the new process, same series: appends go on in the same chunk.
  second.store.defineSeries(0, cpu);
  for (let i = 50; i < 100; i++) second.store.append(0, t0 + i * 1000, i * 2);
  // A sample at or before the last stored one is refused and counted.
  second.store.append(0, t0 + 99_000, 0);
  await second.store.flush();
  assert.equal(second.store.health().rejectedSamples, 1);
  const chunks = rows(dir, `SELECT c.count FROM chunks_raw c JOIN series s ON s.id = c.series_id WHERE s.name = 'cpu_usage'`);
  assert.deepEqual(chunks.map((r) => r['count']), [100]);
  const q = await second.store.query({ name: 'cpu_usage', start: t0, end: t0 + 200_000 });
  assert.deepEqual(
    q.series[0]!.points.map(([, v]) => v),
    Array.from({ length: 100 }, (_, i) => i * 2),
  );
});

test('the flush timer commits on the clock: no explicit flush needed', async (t) => {
  const dir = tempDir(t);
  const { store, clock } = openTestStore(t, dir, { flushIntervalMs: 2000 });
  store.defineSeries(0, cpu);
  store.append(0, clock.now(), 1);
  assert.equal(store.health().lastFlushAt, undefined);
  await clock.advance(2000);
  // The commit ran in the writer thread; the next flush waits behind it.
  await store.flush();
  assert.deepEqual(rows(dir, 'SELECT count FROM chunks_raw').map((r) => r['count']), [1]);
  assert.ok(store.health().lastFlushAt !== undefined);
});

test('a second store on the same data dir is refused with EP_ERR_STORE_LOCKED naming the pid', (t) => {
  const dir = tempDir(t);
  openTestStore(t, dir);
  assert.throws(
    () => openTestStore(t, dir),
    (e: unknown) => e instanceof EchoPerfError && e.code === 'EP_ERR_STORE_LOCKED' && e.message.includes(`pid ${process.pid}`) && e.message.includes(dir),
  );
});

test('close is idempotent, releases the lock and leaves a store that refuses queries', async (t) => {
  const dir = tempDir(t);
  const { store } = openTestStore(t, dir);
  await Promise.all([store.close(), store.close()]);
  await store.close();
  await store.flush();
  await assert.rejects(store.query({ name: 'x', start: 0, end: 1 }), { code: 'EP_ERR_STORE_OPEN' });
  const again = openTestStore(t, dir);
  await again.store.close();
});

test('bad input is refused with the field, the value and what was expected', async (t) => {
  const dir = tempDir(t);
  const { store } = openTestStore(t, dir);
  assert.throws(() => store.defineSeries(-1, cpu), /defineSeries id: got -1; expected an integer/);
  assert.throws(() => store.defineSeries(2 ** 30, cpu), /expected an integer in \[0, 16777216\)/);
  await assert.rejects(store.query({ name: '', start: 0, end: 1 }), /query\.name: got ""; expected a metric name/);
  await assert.rejects(store.query({ name: 'x', start: 10, end: 1 }), /query\.end: got 1; expected a time at or after start \(10\)/);
  await assert.rejects(store.query({ name: 'x', start: 0, end: 1, step: 0 }), /query\.step: got 0; expected a number of ms > 0/);
  await assert.rejects(store.query({ name: 'x', start: 0, end: 86_400_000, step: 1 }), /query\.step: got 1; expected at least 7856 ms/);
  await assert.rejects(store.query({ name: 'x', labels: { a: 1 as unknown as string }, start: 0, end: 1 }), /query\.labels\.a: got 1; expected a string/);
  assert.throws(() => store.saveAlerts([{ fingerprint: '', record: {} }]), /alerts\[0\]\.fingerprint: got ""; expected a string of 1 to 512/);
  const cyclic: Record<string, unknown> = {};
  cyclic['self'] = cyclic;
  assert.throws(() => store.saveAlerts([{ fingerprint: 'a', record: cyclic }]), /alerts\[0\]\.record: .*expected a JSON-serialisable value/);
  assert.throws(() => store.recent(0, 0), /recent maxPerSeries: got 0/);
  assert.throws(
    () => openTestStore(t, tempDir(t), { maxPendingSamples: 0 }),
    /storage\.max_pending_samples: got 0; expected an integer between 1 and 100000000/,
  );
  assert.throws(
    () => openTestStore(t, tempDir(t), { retention: { rawMs: -1, minuteMs: 1, hourMs: 1 } }),
    /storage\.retention\.raw: got -1; expected a retention in ms > 0/,
  );
});
