/** Temp directories for tests that read and write real files; removed after the test. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TestContext } from 'node:test';

export function tempDir(t: TestContext, prefix = 'echo-perf-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes `files` (relative path → text) under `root`, making directories as needed. */
export function writeTree(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
}

/** A temp dir laid out like a procfs + sysfs root (or any tree of small files). */
export function fakeRoot(t: TestContext, files: Record<string, string>, prefix = 'echo-perf-root-'): string {
  const root = tempDir(t, prefix);
  writeTree(root, files);
  return root;
}
