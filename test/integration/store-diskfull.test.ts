/**
 * Disk full on a real, small tmpfs: a flush that cannot be written keeps its
 * samples (up to maxPendingSamples, oldest dropped and counted), health turns
 * failing once, the store retries at each flush, and once space is back it
 * recovers by itself with nothing lost beyond what was counted as dropped.
 * Needs `mount -t tmpfs` (root); skips otherwise, fails under REQUIRE_PEERS=1.
 */
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DB_FILE } from '../../src/store/disk/index.js';
import { openTestStore } from '../helpers/diskStore.js';
import { fill, mountTmpfs } from '../helpers/tmpfs.js';


test('disk full: samples are held and bounded, health fails once, and the store recovers by itself when space is back', { timeout: 120_000 }, async (t) => {
  const mnt = mountTmpfs(t, '4m');
  if (mnt === undefined) return;
  const dataDir = join(mnt, 'data');
  const MAX = 50_000;
  const { store, clock, health } = openTestStore(t, dataDir, { maxPendingSamples: MAX });
  store.defineSeries(0, { key: 'noise', name: 'noise', labels: {} });
  const t0 = clock.now();
  let k = 0;
  // Full-precision noise compresses badly: about 8 bytes a sample, so the disk fills for real.
  const value = (i: number): number => i + Math.sin(i) / 7;
  const appendN = (n: number): void => {
    for (let j = 0; j < n; j++, k++) store.append(0, t0 + k, value(k));
  };

  appendN(1000);
  await store.flush();
  assert.equal(store.health().ok, true);
  assert.equal(health.length, 0);

  const filler = fill(mnt);
  appendN(30_000);
  await store.flush();
  let h = store.health();
  assert.equal(h.ok, false);
  assert.match(h.error ?? '', /full/i);
  assert.equal(h.pendingSamples, 30_000);
  assert.equal(h.droppedSamples, 0);
  assert.equal(health.length, 1, 'one onHealth call when it starts failing');
  assert.equal(health[0]!.ok, false);
  assert.equal(health[0]!.since, clock.now());

  // Still full: retried at every flush, not reported again; past MAX the oldest are dropped.
  await clock.advance(5000);
  appendN(30_000);
  await store.flush();
  h = store.health();
  assert.equal(h.ok, false);
  assert.equal(h.pendingSamples, MAX);
  assert.equal(h.droppedSamples, 10_000);
  assert.equal(health.length, 1);

  rmSync(filler);
  await clock.advance(5000);
  await store.flush();
  h = store.health();
  assert.equal(h.ok, true, h.error);
  assert.equal(h.pendingSamples, 0);
  assert.equal(health.length, 2);
  assert.equal(health[1]!.ok, true);

  // Nothing lost beyond the 10,000 oldest held samples, counted as dropped.
  const r = await store.query({ name: 'noise', start: t0, end: t0 + k });
  const ts = r.series[0]!.points.map(([tt]) => tt - t0);
  const expected = [...Array.from({ length: 1000 }, (_, i) => i), ...Array.from({ length: MAX }, (_, i) => 1000 + 10_000 + i)];
  assert.equal(ts.length, expected.length);
  assert.deepEqual(ts, expected);
  assert.ok(r.series[0]!.points.every(([tt, v]) => v === value(tt - t0)));

  // And it keeps working.
  appendN(100);
  await store.flush();
  assert.equal(store.health().ok, true);
  await store.close();
  const db = new Database(join(dataDir, DB_FILE), { readonly: true });
  assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  db.close();
});
