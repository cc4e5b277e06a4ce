/**
 * The alert history in real SQLite files: events written with a flush and read
 * back by range after a restart, a version-2 data dir upgraded in place with
 * everything it held, retention of old events, the bound on waiting events,
 * and bad input refused naming the field.
 */
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { EchoPerfError } from '../../core/errors.js';
import { DAY, openTestStore } from '../../../test/helpers/diskStore.js';
import { tempDir } from '../../../test/helpers/tempTree.js';
import { MAX_PENDING_ALERT_EVENTS } from './options.js';
import { DiskReader } from './reader.js';
import { DB_FILE, SCHEMA_VERSION } from './schema.js';

const BASE = Date.UTC(2026, 0, 1);
const V2 = fileURLToPath(new URL('../../../test/fixtures/store/schema-v2.db', import.meta.url));
const code = (c: string, ...parts: string[]) => (e: unknown) => e instanceof EchoPerfError && e.code === c && parts.every((p) => e.message.includes(p));

const rec = (id: string, status: 'firing' | 'resolved', startsAt: number, endsAt?: number) => ({
  id,
  fingerprint: `threshold:host:${id}`,
  status,
  metric: 'cpu_usage',
  severity: 'WARNING',
  component: 'host',
  timestamp: startsAt,
  endsAt,
  message: `${id} ${status}`,
  metadata: {},
});

test('alert events are written with the flush, kept across a restart, and read back by range, oldest first', async (t) => {
  const dir = tempDir(t);
  const first = openTestStore(t, dir);
  first.store.recordAlertEvent({ t: BASE + 1000, record: rec('a', 'firing', BASE + 1000) });
  first.store.recordAlertEvent({ t: BASE + 5000, record: rec('a', 'resolved', BASE + 1000, BASE + 5000) });
  assert.equal(first.store.health().pendingAlertEvents, 2);
  await first.store.flush();
  assert.equal(first.store.health().pendingAlertEvents, 0);
  const second = await first.reopen();
  second.store.recordAlertEvent({ t: BASE + 9000, record: rec('b', 'firing', BASE + 9000) });
  await second.store.close();

  const reader = DiskReader.open(dir);
  t.after(() => reader.close());
  const all = reader.alertEvents(-Infinity, Infinity);
  assert.deepEqual(all.map((e) => [e.t, e.id, e.status]), [[BASE + 1000, 'a', 'firing'], [BASE + 5000, 'a', 'resolved'], [BASE + 9000, 'b', 'firing']]);
  assert.deepEqual(all[1]!.record, JSON.parse(JSON.stringify(rec('a', 'resolved', BASE + 1000, BASE + 5000))));
  assert.equal(all[1]!.fingerprint, 'threshold:host:a');
  assert.deepEqual(reader.alertEvents(BASE + 2000, BASE + 9000).map((e) => e.t), [BASE + 5000, BASE + 9000], 'both bounds inclusive');
  assert.deepEqual(reader.alertEvents(BASE, Infinity, 1).map((e) => e.t), [BASE + 1000], 'limit keeps the oldest');
  // Incident a started before BASE + 2000 and resolved after it.
  assert.deepEqual(reader.resolvedAcross(BASE + 2000).map((e) => e.id), ['a']);
  assert.deepEqual(reader.resolvedAcross(BASE + 500), [], 'not started yet at that moment');
  assert.throws(() => reader.alertEvents(Number.NaN, 1), code('EP_ERR_ARGUMENT', 'alertEvents from', 'NaN', 'ms since the epoch'));
  assert.throws(() => reader.alertEvents(0, 1, 0), code('EP_ERR_ARGUMENT', 'alertEvents limit', 'got 0', '[1, 100000]'));
  assert.throws(() => reader.alertEvents(0, 1, 2.5), code('EP_ERR_ARGUMENT', 'alertEvents limit', '2.5'));
});

test('bad events are refused naming the field, the value and what was expected', (t) => {
  const { store } = openTestStore(t, tempDir(t));
  assert.throws(() => store.recordAlertEvent({ t: Number.NaN, record: rec('a', 'firing', BASE) }), code('EP_ERR_ARGUMENT', 'alertEvent.t', 'NaN', 'ms since the epoch'));
  assert.throws(() => store.recordAlertEvent({ t: BASE, record: { ...rec('a', 'firing', BASE), id: 'x'.repeat(600) } }), code('EP_ERR_ARGUMENT', 'alertEvent.record.id', '…', '1 to 512 characters'));
  assert.throws(() => store.recordAlertEvent({ t: BASE, record: { ...rec('a', 'firing', BASE), fingerprint: 7 } }), code('EP_ERR_ARGUMENT', 'alertEvent.record.fingerprint', 'got 7'));
  assert.throws(() => store.recordAlertEvent({ t: BASE, record: { ...rec('a', 'firing', BASE), status: 'pending' } }), code('EP_ERR_ARGUMENT', 'alertEvent.record.status', '"pending"', '"firing" or "resolved"'));
  assert.throws(() => store.recordAlertEvent({ t: BASE, record: null }), code('EP_ERR_ARGUMENT', 'alertEvent.record.id'));
  const cyclic: Record<string, unknown> = rec('a', 'firing', BASE);
  cyclic['self'] = cyclic;
  assert.throws(() => store.recordAlertEvent({ t: BASE, record: cyclic }), code('EP_ERR_ARGUMENT', 'alertEvent.record', 'JSON-serialisable'));
  assert.throws(() => store.recordAlertEvent({ t: BASE, record: { ...rec('a', 'firing', BASE), message: 'x'.repeat(300_000) } }), code('EP_ERR_ARGUMENT', 'alertEvent.record', 'characters of JSON', 'at most 262144'));
  assert.equal(store.health().pendingAlertEvents, 0);
});

test(`past ${MAX_PENDING_ALERT_EVENTS} events waiting for a flush, the oldest are dropped and counted`, async (t) => {
  const dir = tempDir(t);
  const { store } = openTestStore(t, dir);
  const extra = 5;
  for (let i = 0; i < MAX_PENDING_ALERT_EVENTS + extra; i++) store.recordAlertEvent({ t: BASE + i, record: rec(`e${i}`, 'firing', BASE + i) });
  assert.equal(store.health().pendingAlertEvents, MAX_PENDING_ALERT_EVENTS);
  assert.equal(store.health().droppedAlertEvents, extra);
  await store.close();
  const reader = DiskReader.open(dir);
  t.after(() => reader.close());
  const stored = reader.alertEvents(-Infinity, Infinity, 100_000);
  assert.equal(stored.length, MAX_PENDING_ALERT_EVENTS);
  assert.equal(stored[0]!.id, `e${extra}`, 'the oldest went');
  assert.equal(stored.at(-1)!.id, `e${MAX_PENDING_ALERT_EVENTS + extra - 1}`);
});

test('retention: events older than the minute tier\'s retention are deleted by the retention pass', async (t) => {
  const dir = tempDir(t);
  const { store, clock } = openTestStore(t, dir, { retention: { rawMs: DAY, minuteMs: 2 * DAY, hourMs: 10 * DAY } });
  store.recordAlertEvent({ t: BASE, record: rec('old', 'firing', BASE) });
  store.recordAlertEvent({ t: BASE + DAY, record: rec('old', 'resolved', BASE, BASE + DAY) });
  await store.flush();
  await clock.advance(2 * DAY + 60_000);
  store.recordAlertEvent({ t: clock.now(), record: rec('new', 'firing', clock.now()) });
  await store.flush();
  await store.close();
  const reader = DiskReader.open(dir);
  t.after(() => reader.close());
  assert.deepEqual(reader.alertEvents(-Infinity, Infinity).map((e) => `${e.id}:${e.status}`), ['old:resolved', 'new:firing'], 'the event older than 2 days is gone, the younger one stays');
});

test('a version-2 data dir is upgraded in place, keeping its samples, alerts and state; a reader refuses it until then', async (t) => {
  const dir = tempDir(t);
  copyFileSync(V2, join(dir, DB_FILE));
  assert.throws(() => DiskReader.open(dir), code('EP_ERR_STORE_OPEN', 'older schema than version 3', 'start the agent once'));
  const { store } = openTestStore(t, dir, {}, undefined);
  assert.deepEqual(store.loadAlerts().map((a) => a.fingerprint), ['threshold:gpu:gpu_utilization']);
  assert.deepEqual(store.loadState('silences').map(([k]) => k), ['s1']);
  assert.equal(store.recent(-Infinity, 1000)[0]!.t.length, 60);
  store.recordAlertEvent({ t: BASE + 120_000, record: rec('after', 'firing', BASE + 120_000) });
  await store.close();

  const db = new Database(join(dir, DB_FILE), { readonly: true });
  t.after(() => db.close());
  assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
  assert.equal(SCHEMA_VERSION, 3);
  assert.deepEqual(db.prepare(`SELECT name FROM sqlite_master WHERE tbl_name = 'alert_events' ORDER BY name`).all(), [{ name: 'alert_events' }, { name: 'alert_events_t' }]);
  const reader = DiskReader.open(dir, { now: () => BASE + 120_000 });
  t.after(() => reader.close());
  assert.deepEqual(reader.alertEvents(-Infinity, Infinity).map((e) => e.id), ['after']);
  assert.equal(reader.query({ name: 'gpu_util', start: BASE, end: BASE + 60_000 }).series[0]!.points.length, 60);
});

test('a failed commit keeps the events, which the next commit writes once', async (t) => {
  const dir = tempDir(t);
  const { store } = openTestStore(t, dir);
  await store.flush();
  // Another connection holding the write lock makes the writer's commit fail (SQLITE_BUSY after its busy timeout).
  const blocker = new Database(join(dir, DB_FILE));
  t.after(() => blocker.close());
  blocker.exec('BEGIN IMMEDIATE');
  store.recordAlertEvent({ t: BASE + 1, record: rec('kept', 'firing', BASE + 1) });
  store.recordAlertEvent({ t: BASE + 2, record: rec('kept', 'resolved', BASE + 1, BASE + 2) });
  await store.flush();
  assert.equal(store.health().ok, false, 'the commit failed');
  assert.equal(store.health().pendingAlertEvents, 2, 'the events wait in the writer');
  blocker.exec('COMMIT');
  await store.flush();
  assert.equal(store.health().ok, true);
  assert.equal(store.health().pendingAlertEvents, 0);
  await store.close();
  const reader = DiskReader.open(dir);
  t.after(() => reader.close());
  assert.deepEqual(reader.alertEvents(-Infinity, Infinity).map((e) => `${e.id}:${e.status}`), ['kept:firing', 'kept:resolved']);
});
