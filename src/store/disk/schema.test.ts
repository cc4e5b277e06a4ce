import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { EchoPerfError } from '../../core/errors.js';
import { openTestStore } from '../../../test/helpers/diskStore.js';
import { tempDir } from '../../../test/helpers/tempTree.js';
import { DiskReader } from './reader.js';
import { APPLICATION_ID, DB_FILE, SCHEMA_VERSION } from './schema.js';

const code = (c: string, ...parts: string[]) => (e: unknown) => e instanceof EchoPerfError && e.code === c && parts.every((p) => e.message.includes(p));
const sha = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex');

test('a new data dir gets a WAL database with incremental vacuum, our application id and the schema version', async (t) => {
  const dir = join(tempDir(t), 'nested', 'data');
  const { store } = openTestStore(t, dir);
  await store.close();
  const db = new Database(join(dir, DB_FILE), { readonly: true });
  t.after(() => db.close());
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(db.pragma('auto_vacuum', { simple: true }), 2);
  assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
  assert.equal(db.pragma('application_id', { simple: true }), APPLICATION_ID);
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  assert.equal(statSync(join(dir, DB_FILE)).mode & 0o777, 0o600);
});

test('a database written by a newer schema is refused naming both versions, and left byte for byte as it was', async (t) => {
  const dir = tempDir(t);
  const { store } = openTestStore(t, dir);
  await store.close();
  const path = join(dir, DB_FILE);
  const db = new Database(path);
  db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
  db.close();
  const before = sha(path);
  assert.throws(() => openTestStore(t, dir), code('EP_ERR_STORE_VERSION', `schema version ${SCHEMA_VERSION + 1}`, `version ${SCHEMA_VERSION} that this echo-perf reads`));
  assert.throws(() => DiskReader.open(dir), code('EP_ERR_STORE_VERSION', `schema version ${SCHEMA_VERSION + 1}`));
  assert.equal(sha(path), before);
  const check = new Database(path, { readonly: true });
  assert.equal(check.pragma('user_version', { simple: true }), SCHEMA_VERSION + 1);
  check.close();
  // The lock was released on the way out: a fixed database opens again.
  const fix = new Database(path);
  fix.pragma(`user_version = ${SCHEMA_VERSION}`);
  fix.close();
  await openTestStore(t, dir).store.close();
});

test('another program\'s SQLite file, a file that is not SQLite, and a data dir that is a file are refused with EP_ERR_STORE_OPEN', (t) => {
  const foreign = tempDir(t);
  const other = new Database(join(foreign, DB_FILE));
  other.exec('CREATE TABLE notes (body TEXT)');
  other.close();
  assert.throws(() => openTestStore(t, foreign), code('EP_ERR_STORE_OPEN', 'is not an echo-perf database'));

  const junk = tempDir(t);
  writeFileSync(join(junk, DB_FILE), 'x'.repeat(4096));
  assert.throws(() => openTestStore(t, junk), code('EP_ERR_STORE_OPEN', join(junk, DB_FILE), 'file is not a database'));

  const file = join(tempDir(t), 'plain');
  writeFileSync(file, '');
  assert.throws(() => openTestStore(t, file), code('EP_ERR_STORE_OPEN', file));
  assert.throws(() => openTestStore(t, join(file, 'below')), code('EP_ERR_STORE_OPEN', join(file, 'below'), 'ENOTDIR'));

  const empty = tempDir(t);
  mkdirSync(join(empty, 'x'));
  assert.throws(() => DiskReader.open(join(empty, 'x')), code('EP_ERR_STORE_OPEN', 'no echo-perf data'));
});
