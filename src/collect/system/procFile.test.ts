import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProcFile } from './procFile.js';
import { tempDir } from '../../../test/helpers/tempTree.js';


void test('ProcFile reads the whole file, past its first buffer, and sees rewrites through the kept descriptor', (t) => {
  const path = join(tempDir(t), 'big');
  const big = 'x'.repeat(40_000) + '\nend\n';
  writeFileSync(path, big);
  const f = new ProcFile(path);
  t.after(() => f.close());
  assert.equal(f.read(), big);
  writeFileSync(path, 'short\n'); // same inode, truncated
  assert.equal(f.read(), 'short\n');
});

void test('ProcFile reopens every reopenEvery reads, so a replaced file is noticed', (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'f');
  writeFileSync(path, 'old\n');
  const f = new ProcFile(path, 2);
  t.after(() => f.close());
  assert.equal(f.read(), 'old\n'); // opens
  writeFileSync(join(dir, 'g'), 'new\n');
  renameSync(join(dir, 'g'), path); // a new inode at the same path
  assert.equal(f.read(), 'old\n'); // read 1 on the kept descriptor
  assert.equal(f.read(), 'new\n'); // read 2: reopened
});

void test('ProcFile throws like readFileSync when the file does not exist', () => {
  assert.throws(() => new ProcFile('/nonexistent/echo-perf').read(), /ENOENT/);
});

void test('ProcFile reads multi-page seq_files completely (a seq_file hands out about a page per read)', { skip: process.platform !== 'linux' }, () => {
  for (const p of ['/proc/self/mounts', '/proc/self/maps']) {
    const f = new ProcFile(p);
    const a = f.read();
    f.close();
    const lines = a.split('\n').length;
    const b = readFileSync(p, 'utf8').split('\n').length;
    assert.ok(Math.abs(lines - b) <= 2, `${p}: ${lines} vs ${b} lines`); // maps may move slightly between the reads
    assert.ok(a.endsWith('\n'));
  }
});
