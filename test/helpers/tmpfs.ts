/** A real small file system for disk-full tests: a tmpfs mounted at a temp dir (needs root). */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

/** A fresh tmpfs of `size` at a new temp dir, unmounted and removed after the test; undefined (test skipped) when mounting is not allowed. */
export function mountTmpfs(t: TestContext, size: string): string | undefined {
  const root = mkdtempSync(join(tmpdir(), 'echo-perf-full-'));
  const dir = join(root, 'mnt');
  mkdirSync(dir);
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { encoding: 'utf8' });
  // After hooks run in the order registered: one hook, so the unmount comes before the removal.
  t.after(() => {
    if (r.status === 0) spawnSync('umount', ['-l', dir]);
    rmSync(root, { recursive: true, force: true });
  });
  if (r.status === 0) return dir;
  const why = `cannot mount a tmpfs here (${(r.stderr || r.error?.message || `exit ${r.status}`).trim()}); needs root`;
  if (process.env['REQUIRE_PEERS'] === '1') assert.fail(`REQUIRE_PEERS=1 and ${why}`);
  t.skip(why);
  return undefined;
}

/** Writes a file until the file system is full; returns its path. */
export function fill(dir: string): string {
  const path = join(dir, 'filler');
  const fd = openSync(path, 'w');
  const block = Buffer.alloc(16 * 1024, 7);
  try {
    for (;;) writeSync(fd, block);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    closeSync(fd);
  }
  return path;
}
