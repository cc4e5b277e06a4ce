/**
 * A throwaway project outside the repository that depends on the built package
 * the way an installed one would: `node_modules/echo-perf` is a link to this
 * checkout, so resolution goes through package.json's `exports` and `dist/`.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir, writeTree } from './tempTree.js';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Creates the project with `files` (relative path → text) and links
 * `echo-perf` plus any of this checkout's own `node_modules` entries named in `deps`.
 */
export function consumerProject(t: TestContext, files: Record<string, string>, deps: readonly string[] = []): string {
  assert.ok(existsSync(join(REPO, 'dist/index.js')), 'dist/index.js is missing: run npm run build');
  const dir = tempDir(t, 'echo-perf-consumer-');
  writeTree(dir, files);
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(REPO, join(dir, 'node_modules', 'echo-perf'), 'dir');
  for (const d of deps) symlinkSync(join(REPO, 'node_modules', d), join(dir, 'node_modules', d), 'dir');
  return dir;
}
