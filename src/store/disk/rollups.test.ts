import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { test } from 'node:test';
import { ManualClock } from '../../core/clock.js';
import { DAY, openTestStore } from '../../../test/helpers/diskStore.js';
import { tempDir } from '../../../test/helpers/tempTree.js';
import { decodeChunk } from '../chunks/index.js';
import { DB_FILE } from './schema.js';
import { BUCKET_GRACE_MS } from './writer.js';

const MIN = 60_000;
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);
const series = { key: 'lat', name: 'lat', labels: {} };

function query<T>(dir: string, sql: string, ...args: unknown[]): T[] {
  const db = new Database(join(dir, DB_FILE), { readonly: true });
  try {
    return db.prepare(sql).all(...args) as T[];
  } finally {
    db.close();
  }
}

/** Every minute bucket stored, as [start, min, max, sum, count, last]. */
function minuteBuckets(dir: string): number[][] {
  const out: number[][] = [];
  for (const r of query<{ data: Uint8Array }>(dir, 'SELECT data FROM chunks_minute ORDER BY start_t')) {
    const d = decodeChunk(r.data);
    for (let i = 0; i < d.t.length; i++) out.push([d.t[i]!, ...d.columns.map((c) => c[i]!)]);
  }
  return out;
}

test('minute buckets hold min, max, sum, count and last; the filling one is saved as open state at each flush', async (t) => {
  const dir = tempDir(t);
  const clock = new ManualClock(T0);
  const { store } = openTestStore(t, dir, {}, clock);
  store.defineSeries(0, series);
  // 150 s of 1 s samples: v = i % 60, with a NaN (no magnitude) at i = 10.
  for (let i = 0; i < 150; i++) store.append(0, T0 + i * 1000, i === 10 ? NaN : i % 60);
  await store.flush();
  const sum059 = (59 * 60) / 2;
  assert.deepEqual(minuteBuckets(dir), [
    [T0, 0, 59, sum059 - 10, 59, 59],
    [T0 + MIN, 0, 59, sum059, 60, 59],
  ]);
  const open = query<{ tier: string; start_t: number }>(dir, 'SELECT tier, start_t FROM rollup_open ORDER BY tier');
  assert.deepEqual(open, [
    { tier: 'hour', start_t: T0 },
    { tier: 'minute', start_t: T0 + 2 * MIN },
  ]);
  // The hour bucket is still open: nothing in the hour chunks yet.
  assert.equal(query(dir, 'SELECT * FROM chunks_hour').length, 0);
});

test('a bucket whose period has ended is written by time, without a newer sample, after the grace period', async (t) => {
  const dir = tempDir(t);
  const clock = new ManualClock(T0);
  const { store } = openTestStore(t, dir, {}, clock);
  store.defineSeries(0, series);
  for (let i = 0; i < 30; i++) store.append(0, T0 + i * 1000, 2);
  await store.flush();
  assert.deepEqual(minuteBuckets(dir), []);
  await clock.advance(MIN + BUCKET_GRACE_MS - 1);
  await store.flush();
  assert.deepEqual(minuteBuckets(dir), [], 'still within the grace period');
  await clock.advance(1);
  await store.flush();
  assert.deepEqual(minuteBuckets(dir), [[T0, 2, 2, 60, 30, 2]]);
  assert.deepEqual(
    query<{ tier: string }>(dir, 'SELECT tier FROM rollup_open').map((r) => r.tier),
    ['hour'],
  );
});

test('open buckets survive a restart: the bucket continues where it stopped', async (t) => {
  const dir = tempDir(t);
  const clock = new ManualClock(T0);
  const first = openTestStore(t, dir, {}, clock);
  first.store.defineSeries(0, series);
  for (let i = 0; i < 30; i++) first.store.append(0, T0 + i * 1000, 1);
  const second = await first.reopen();
  second.store.defineSeries(7, series);
  for (let i = 30; i < 61; i++) second.store.append(0 + 7, T0 + i * 1000, 3);
  await second.store.flush();
  assert.deepEqual(minuteBuckets(dir), [[T0, 1, 3, 30 + 90, 60, 3]]);
});

test('queries pick the finest tier whose retention covers the start, with the step rules of docs/storage.md', async (t) => {
  const dir = tempDir(t);
  const clock = new ManualClock(T0);
  const { store } = openTestStore(t, dir, { retention: { rawMs: HOUR, minuteMs: DAY, hourMs: 30 * DAY } }, clock);
  store.defineSeries(0, series);
  // 3 h of one sample every 10 s: v = minute index, so each minute's mean is its index.
  for (let i = 0; i < 3 * 360; i++) store.append(0, T0 + i * 10_000, Math.floor(i / 6));
  await clock.advance(3 * HOUR);
  await store.flush();
  const end = T0 + 3 * HOUR;

  const raw = await store.query({ name: 'lat', start: end - 30 * MIN, end });
  assert.equal(raw.tier, 'raw');
  assert.equal(raw.series[0]!.points.length, 180);

  // Raw with a step: the last sample at or before each step, within 5 min.
  const stepped = await store.query({ name: 'lat', start: end - 10 * MIN, end: end + 10 * MIN, step: MIN });
  assert.equal(stepped.tier, 'raw');
  const pts = stepped.series[0]!.points;
  // The last sample is at end - 10 s (minute 179): steps up to 5 min after it still see it.
  assert.deepEqual(pts.at(-1), [end + 4 * MIN, 179]);
  assert.equal(pts.length, 15);
  assert.deepEqual(pts[0], [end - 10 * MIN, 170]);

  // Older than raw retention: the minute tier. Without a step: one point per bucket, its mean.
  const minutes = await store.query({ name: 'lat', start: T0, end: T0 + 5 * MIN - 1 });
  assert.equal(minutes.tier, 'minute');
  assert.deepEqual(minutes.series[0]!.points, [0, 1, 2, 3, 4].map((m) => [T0 + m * MIN, m]));
  // With a 30 min step: the mean of the buckets in [T - 30 min, T).
  const half = await store.query({ name: 'lat', start: T0 + 30 * MIN, end: T0 + 60 * MIN, step: 30 * MIN });
  assert.deepEqual(half.series[0]!.points, [
    [T0 + 30 * MIN, 14.5],
    [T0 + 60 * MIN, 44.5],
  ]);

  // Older than the minute tier's retention: the hour tier.
  await clock.advance(2 * DAY);
  await store.flush();
  const hours = await store.query({ name: 'lat', start: T0, end: T0 + 3 * HOUR });
  assert.equal(hours.tier, 'hour');
  assert.deepEqual(hours.series[0]!.points, [0, 1, 2].map((h) => [T0 + h * HOUR, 60 * h + 29.5]));
});

test('retention deletes whole chunks past each tier\'s retention and returns the pages to the file system', async (t) => {
  const dir = tempDir(t);
  const clock = new ManualClock(T0);
  const { store } = openTestStore(t, dir, { retention: { rawMs: 6 * HOUR, minuteMs: 2 * DAY, hourMs: 10 * DAY } }, clock);
  // 200 series × 12 h of 10 s samples: enough pages for the vacuum to show.
  for (let s = 0; s < 200; s++) store.defineSeries(s, { key: `x{s="${s}"}`, name: 'x', labels: { s: String(s) } });
  for (let i = 0; i < 12 * 360; i++) for (let s = 0; s < 200; s++) store.append(s, T0 + i * 10_000, Math.sin(i + s));
  await store.flush();
  const count = (table: string): number => query<{ n: number }>(dir, `SELECT count(*) AS n FROM ${table}`)[0]!.n;
  const oldest = (table: string): number => query<{ t: number }>(dir, `SELECT min(start_t) AS t FROM ${table}`)[0]!.t;
  const pages = (): number => query<{ n: number }>(dir, 'SELECT page_count AS n FROM pragma_page_count()')[0]!.n;
  const before = pages();
  assert.equal(count('chunks_raw'), 200 * 36, 'nothing is old enough yet');
  await clock.advance(12 * HOUR);
  // Retention runs in small batches after each flush: a few flushes clear the backlog.
  for (let i = 0; i < 5; i++) await store.flush();
  assert.ok(oldest('chunks_raw') >= T0 + 6 * HOUR - 7_200_000, 'raw chunks ending before now - 6 h are gone');
  const rawLeft = count('chunks_raw');
  assert.ok(rawLeft > 0 && rawLeft < 200 * 36 * 0.6, `raw chunks left: ${rawLeft}`);
  assert.equal(oldest('chunks_minute'), T0, 'minute rollups keep their own, longer retention');
  assert.equal(query<{ n: number }>(dir, 'SELECT freelist_count AS n FROM pragma_freelist_count()')[0]!.n, 0, 'freed pages went back to the file system');
  assert.ok(pages() < before * 0.8, `the file shrank: ${before} pages before, ${pages()} after`);

  await clock.advance(2 * DAY);
  for (let i = 0; i < 5; i++) await store.flush();
  assert.equal(count('chunks_raw'), 0);
  assert.equal(count('chunks_minute'), 0);
  assert.equal(count('chunks_hour'), 200 * 1, 'the hour tier still has its chunks');
});
