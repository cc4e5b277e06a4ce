/**
 * A clone of the repository is all `npm test` and the benchmarks need: no source,
 * test, bench file or fake binary may read from a folder beside the checkout,
 * and every copied fixture names where it came from.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// Spelled in pieces so that this file does not match itself.
const SIBLING = ['..', 'shared'].join('/');
const MAX_FILES = 5000;

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir).sort()) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
    if (out.length > MAX_FILES) throw new Error(`more than ${MAX_FILES} files under ${dir}; is the walk looping?`);
  }
}

test('nothing under src/, test/ or bench/ reads from a folder beside the repository', () => {
  const files: string[] = [];
  for (const top of ['src', 'test', 'bench']) walk(join(ROOT, top), files);
  assert.ok(files.length > 50, `walked ${files.length} files`);
  const hits = files.flatMap((f) =>
    readFileSync(f, 'utf8')
      .split('\n')
      .flatMap((line, i) => (line.includes(SIBLING) ? [`${relative(ROOT, f)}:${i + 1}: ${line.trim().slice(0, 100)}`] : [])),
  );
  assert.deepEqual(hits, [], `files referring to ${SIBLING}`);
});

test('every engine fixture has its source line in test/fixtures/engines/SOURCES.md', () => {
  const dir = join(ROOT, 'test/fixtures/engines');
  const sources = readFileSync(join(dir, 'SOURCES.md'), 'utf8');
  const files = readdirSync(dir).filter((f) => f !== 'SOURCES.md');
  assert.ok(files.length >= 16, `found ${files.length} fixtures`);
  assert.deepEqual(files.filter((f) => !sources.includes(`| \`${f}\` |`)), [], 'fixtures without a SOURCES.md row');
});
