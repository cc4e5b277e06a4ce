import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { test } from 'node:test';
import { EchoPerfError } from '../../core/errors.js';
import { openTestStore } from '../../../test/helpers/diskStore.js';
import { tempDir } from '../../../test/helpers/tempTree.js';
import { DiskReader } from './reader.js';
import { DB_FILE } from './schema.js';

test('a reader opens a data dir while its agent runs (no lock), and sees each flush', async (t) => {
  const dir = tempDir(t);
  const { store, clock } = openTestStore(t, dir);
  const t0 = clock.now();
  store.defineSeries(0, { key: 'b{x="1"}', name: 'b', labels: { x: '1' } });
  store.defineSeries(1, { key: 'b{x="2"}', name: 'b', labels: { x: '2' } });
  store.defineSeries(2, { key: 'a', name: 'a', labels: {} });
  for (let i = 0; i < 10; i++) for (let s = 0; s < 3; s++) store.append(s, t0 + i * 1000, s * 100 + i);
  await store.flush();

  const reader = DiskReader.open(dir, { now: () => clock.now() });
  t.after(() => reader.close());
  assert.deepEqual(reader.seriesNames(), ['a', 'b']);
  const all = reader.query({ name: 'b', start: t0, end: t0 + 60_000 });
  assert.equal(all.tier, 'raw');
  assert.deepEqual(
    all.series.map((s) => [s.labels, s.points.length]),
    [
      [{ x: '1' }, 10],
      [{ x: '2' }, 10],
    ],
  );
  const one = reader.query({ name: 'b', labels: { x: '2' }, start: t0 + 5000, end: t0 + 6000 });
  assert.deepEqual(one.series, [{ labels: { x: '2' }, points: [[t0 + 5000, 105], [t0 + 6000, 106]] }]);

  store.append(0, t0 + 10_000, 10);
  assert.equal(reader.query({ name: 'b', labels: { x: '1' }, start: t0, end: t0 + 60_000 }).series[0]!.points.length, 10, 'not flushed yet');
  await store.flush();
  assert.equal(reader.query({ name: 'b', labels: { x: '1' }, start: t0, end: t0 + 60_000 }).series[0]!.points.length, 11);
  assert.deepEqual(reader.query({ name: 'nope', start: t0, end: t0 + 1 }).series, []);
  assert.throws(() => reader.query({ name: 'b', start: 5, end: 1 }), { code: 'EP_ERR_ARGUMENT' });

  // The reader reads the retention the agent recorded: 2 days back is past raw, in the minute tier.
  assert.equal(reader.query({ name: 'b', start: t0 - 3 * 86_400_000, end: t0 }).tier, 'minute');
});

test('a damaged series row gives EP_ERR_STORE_CORRUPT, not a raw parse error', async (t) => {
  const dir = tempDir(t);
  const { store, clock } = openTestStore(t, dir);
  store.defineSeries(0, { key: 'c', name: 'c', labels: {} });
  store.append(0, clock.now(), 1);
  await store.close();
  const db = new Database(join(dir, DB_FILE));
  db.prepare(`UPDATE series SET labels = '{"unterminated' WHERE name = 'c'`).run();
  db.close();
  const reader = DiskReader.open(dir, { now: () => clock.now() });
  t.after(() => reader.close());
  assert.throws(() => reader.query({ name: 'c', start: 0, end: clock.now() }), (e: unknown) => e instanceof EchoPerfError && e.code === 'EP_ERR_STORE_CORRUPT' && e.message.includes('series labels'));
});
