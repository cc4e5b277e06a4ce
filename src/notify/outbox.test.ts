import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import { MemoryLogger } from '../core/logger.js';
import type { Notification } from './notification.js';
import { Outbox, OUTBOX_FILE } from './outbox.js';

function dir(t: TestContext): string {
  const d = mkdtempSync(join(tmpdir(), 'echo-perf-outbox-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

const note = (id: string, createdAt: number): Notification => ({
  id,
  receiver: 'hook',
  groupKey: '{component="rig"}',
  groupLabels: { component: 'rig' },
  status: 'firing',
  createdAt,
  externalURL: 'http://127.0.0.1:9464',
  alerts: [],
});

test('FIFO per notifier; past max_queue the oldest go; old ones expire; all of it on disk', (t) => {
  const d = dir(t);
  const o = new Outbox(d, new MemoryLogger());
  assert.equal(o.enqueue('a', [note('1', 10), note('2', 20), note('3', 30)], 2), 1, 'one dropped past max_queue 2');
  o.enqueue('b', [note('x', 5)], 10);
  assert.equal(o.count('a'), 2);
  assert.equal(o.oldest('a'), 20);
  assert.equal(o.head('a', assert.fail)!.notification.id, '2');
  o.close();
  const again = new Outbox(d, new MemoryLogger());
  t.after(() => again.close());
  const h = again.head('a', assert.fail)!;
  assert.equal(h.notification.id, '2', 'survives closing and opening');
  again.retryLater(h.seq, 3, 999);
  assert.deepEqual({ ...again.head('a', assert.fail)!, notification: undefined }, { seq: h.seq, createdAt: 20, attempts: 3, nextAt: 999, notification: undefined });
  assert.equal(again.expire('a', 25), 1);
  assert.equal(again.head('a', assert.fail)!.notification.id, '3');
  assert.equal(again.count('b'), 1, 'other notifiers untouched');
});

test('a row that is not JSON is dropped and named; the next one is returned', (t) => {
  const d = dir(t);
  const o = new Outbox(d, new MemoryLogger());
  o.enqueue('a', [note('1', 1), note('2', 2)], 10);
  o.close();
  const db = new Database(join(d, OUTBOX_FILE));
  db.prepare("UPDATE outbox SET body = '{not json' WHERE seq = (SELECT min(seq) FROM outbox)").run();
  db.close();
  const back = new Outbox(d, new MemoryLogger());
  t.after(() => back.close());
  const bad: string[] = [];
  assert.equal(back.head('a', (why) => bad.push(why))!.notification.id, '2');
  assert.equal(bad.length, 1);
  assert.match(bad[0]!, /outbox row \d+ is not JSON/);
});

test('a file that is not a database is set aside and a new outbox begun; a newer schema is refused', (t) => {
  const d = dir(t);
  writeFileSync(join(d, OUTBOX_FILE), 'this is not sqlite '.repeat(200));
  const logger = new MemoryLogger();
  const o = new Outbox(d, logger);
  o.enqueue('a', [note('1', 1)], 10);
  assert.equal(o.count('a'), 1);
  o.close();
  assert.ok(readdirSync(d).some((f) => f.startsWith(`${OUTBOX_FILE}.unreadable-`)), 'the unreadable file is kept');
  assert.match(logger.lines.find((l) => l.level === 'error')!.msg, /cannot be read .* kept as/);
  const d2 = dir(t);
  const db = new Database(join(d2, OUTBOX_FILE));
  db.pragma('user_version = 99');
  db.close();
  assert.throws(() => new Outbox(d2, new MemoryLogger()), { code: 'EP_ERR_STORE_VERSION', message: /schema version 99; expected 1 or older/ });
});
