import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { EchoPerfError } from '../../core/errors.js';
import { MemoryLogger } from '../../core/logger.js';
import { tempDir } from '../../../test/helpers/tempTree.js';
import { LOCK_FILE, acquireLock, processStartTime } from './lock.js';

const locked = (pid: number) => (e: unknown) => e instanceof EchoPerfError && e.code === 'EP_ERR_STORE_LOCKED' && e.message.includes(`pid ${pid}`);

test('the lock holds the pid; a second taker is refused naming it; release removes it', (t) => {
  const dir = tempDir(t);
  const release = acquireLock(dir, new MemoryLogger());
  assert.match(readFileSync(join(dir, LOCK_FILE), 'utf8'), new RegExp(`^${process.pid} `));
  assert.throws(() => acquireLock(dir, new MemoryLogger()), locked(process.pid));
  release();
  release();
  assert.equal(existsSync(join(dir, LOCK_FILE)), false);
  acquireLock(dir, new MemoryLogger())();
});

test('a lock held by another live process is refused', async (t) => {
  const dir = tempDir(t);
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
  t.after(() => child.kill('SIGKILL'));
  await new Promise((r) => child.once('spawn', r));
  writeFileSync(join(dir, LOCK_FILE), `${child.pid} ${processStartTime(child.pid!) ?? ''}\n`);
  assert.throws(() => acquireLock(dir, new MemoryLogger()), locked(child.pid!));
});

test('a stale lock (its process is gone) is taken over and logged', (t) => {
  const dir = tempDir(t);
  const gone = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  const pid = Number(gone.stdout.trim());
  writeFileSync(join(dir, LOCK_FILE), `${pid} 12345\n`);
  const logger = new MemoryLogger();
  const release = acquireLock(dir, logger);
  assert.match(readFileSync(join(dir, LOCK_FILE), 'utf8'), new RegExp(`^${process.pid} `));
  assert.ok(logger.lines.some((l) => l.level === 'warn' && l.msg.includes(`stale lock`) && l.msg.includes(`pid ${pid}`)));
  release();
});

test('a pid reused by another process since the lock was written is not mistaken for the owner', { skip: processStartTime('self') === undefined ? 'no /proc here' : false }, (t) => {
  const dir = tempDir(t);
  // Our own pid (alive), but a start time that is not ours: the owner died and the pid was reused.
  writeFileSync(join(dir, LOCK_FILE), `${process.pid} 1\n`);
  const logger = new MemoryLogger();
  acquireLock(dir, logger)();
  assert.ok(logger.lines.some((l) => l.msg.includes('stale lock')));
});

test('an empty or unreadable lock (a crash between create and write) is stale', (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, LOCK_FILE), '');
  const logger = new MemoryLogger();
  acquireLock(dir, logger)();
  assert.ok(logger.lines.some((l) => l.msg.includes('(unreadable)')));
});

test('release leaves a lock that is no longer ours', (t) => {
  const dir = tempDir(t);
  const release = acquireLock(dir, new MemoryLogger());
  writeFileSync(join(dir, LOCK_FILE), '999999999 1\n');
  release();
  assert.equal(readFileSync(join(dir, LOCK_FILE), 'utf8'), '999999999 1\n');
});
