import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, lstatSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../test/helpers/tempTree.js';
import { preparePrivateFile } from './privateFile.js';

const modeOf = (p: string): string => (lstatSync(p).mode & 0o777).toString(8);

test('a missing file is created empty with mode 0600 even under umask 0', (t) => {
  const dir = tempDir(t);
  const old = process.umask(0);
  try {
    preparePrivateFile(join(dir, 'db'));
  } finally {
    process.umask(old);
  }
  assert.equal(modeOf(join(dir, 'db')), '600');
  assert.equal(readFileSync(join(dir, 'db')).length, 0);
});

test('an existing file and its -wal and -shm left 0644 are tightened to 0600, content kept; a missing -wal is not created', (t) => {
  const dir = tempDir(t);
  const db = join(dir, 'db');
  writeFileSync(db, 'content');
  writeFileSync(`${db}-shm`, 'shm');
  for (const p of [db, `${db}-shm`]) chmodSync(p, 0o644);
  preparePrivateFile(db);
  assert.equal(modeOf(db), '600');
  assert.equal(modeOf(`${db}-shm`), '600');
  assert.equal(readFileSync(db, 'utf8'), 'content');
  assert.throws(() => lstatSync(`${db}-wal`), { code: 'ENOENT' });
});

test('a symlink planted at the name or at -wal is refused, and its target keeps its mode', (t) => {
  const dir = tempDir(t);
  const target = join(dir, 'victim');
  writeFileSync(target, 'x');
  chmodSync(target, 0o644);
  symlinkSync(target, join(dir, 'db'));
  assert.throws(() => preparePrivateFile(join(dir, 'db')), { code: 'ELOOP' });
  writeFileSync(join(dir, 'db2'), '');
  symlinkSync(target, join(dir, 'db2-wal'));
  assert.throws(() => preparePrivateFile(join(dir, 'db2')), { code: 'ELOOP' });
  assert.equal(modeOf(target), '644');
  // A dangling link must not create its target either.
  symlinkSync(join(dir, 'created-through-link'), join(dir, 'db3'));
  assert.throws(() => preparePrivateFile(join(dir, 'db3')), { code: 'ELOOP' });
  assert.throws(() => lstatSync(join(dir, 'created-through-link')), { code: 'ENOENT' });
});

test('a FIFO or a directory at the name is refused without hanging', (t) => {
  const dir = tempDir(t);
  execFileSync('mkfifo', [join(dir, 'fifo')]);
  assert.throws(() => preparePrivateFile(join(dir, 'fifo')), /is not a regular file/);
  assert.throws(() => preparePrivateFile(dir), { code: 'EISDIR' });
});
