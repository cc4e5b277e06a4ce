/**
 * No shell anywhere in src/: alert text, labels and config values reach the
 * command notifier and the GPU tools' arguments, and a shell would turn them
 * into commands. Child processes start only through `spawn`/`execFile` with an
 * argument vector; `exec`, `execSync`, `shell: <anything but false>` and
 * whole-module imports of child_process (which would hide `cp.exec(`) fail
 * this test. The scanner is first shown to catch each form in planted text.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const CHILD_PROCESS = /import\s+(?:type\s+)?([^'";]*?)\s+from\s+['"](?:node:)?child_process['"]/g;
const ALLOWED_IMPORTS = new Set(['spawn', 'execFile', 'execFileSync', 'spawnSync', 'ChildProcess', 'SpawnOptions', 'ExecFileOptions']);

/** Each offending use in `text`: a line number and what was found. */
export function shellUses(text: string): string[] {
  const found: string[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const at = `line ${i + 1}`;
    if (/(?:^|[{,])\s*['"]?shell['"]?\s*:(?!\s*false\b)/.test(line)) found.push(`${at}: shell option ${line.trim().slice(0, 100)}`);
    if (/\bexecSync\s*\(/.test(line)) found.push(`${at}: execSync(`);
    // `.exec(` is RegExp#exec or a SQLite statement; a bare or destructured `exec(` is child_process's.
    if (/(?<![\w.$])exec\s*\(/.test(line)) found.push(`${at}: exec(`);
    if (/\b(?:child_process|childProcess|cp)\.exec(?:Sync)?\s*\(/.test(line)) found.push(`${at}: child_process exec`);
  });
  for (const m of text.matchAll(CHILD_PROCESS)) {
    const clause = m[1]!.trim();
    if (!clause.startsWith('{')) {
      found.push(`whole-module import of child_process: ${clause.slice(0, 100)}`);
      continue;
    }
    for (const part of clause.replace(/[{}]/g, '').split(',')) {
      const name = part.trim().replace(/^type\s+/, '').split(/\s+as\s+/)[0]!.trim();
      if (name !== '' && !ALLOWED_IMPORTS.has(name)) found.push(`child_process import of ${name}`);
    }
  }
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(?:ts|mts|cts|js|mjs)$/.test(f))
    .map((f) => join(dir, f));
}

test('the scanner catches each shell form and passes the safe ones', () => {
  const bad = [
    "spawn('sh', ['-c', x], { shell: true })",
    'spawn(cmd, { shell:true })',
    "  shell: process.platform === 'win32',",
    "spawn(cmd, [], { stdio: 'pipe', 'shell': 1 })",
    "spawn(cmd, [], { shell: '/bin/bash' })",
    'execSync(`nvidia-smi ${args}`)',
    'exec(cmd, cb)',
    'child_process.exec(cmd)',
    "import { exec } from 'node:child_process';",
    "import { spawn, execSync as run } from 'child_process';",
    "import * as cp from 'node:child_process';",
    "import cp from 'child_process';",
  ];
  for (const b of bad) assert.notDeepEqual(shellUses(b), [], b);
  const good = [
    "spawn(program, argv, { shell: false, stdio: 'pipe' })",
    '/^a(b)$/.exec(s)',
    'db.exec(`CREATE TABLE t (x)`)',
    "import { spawn, type ChildProcess } from 'node:child_process';",
    "import { execFile } from 'node:child_process';",
    '// the executable, run without a shell',
    "test('no shell: $(…) reaches the program as it is', () => {})",
  ];
  for (const g of good) assert.deepEqual(shellUses(g), [], g);
});

test('src/ starts no shell', () => {
  const files = sourceFiles(SRC);
  assert.ok(files.length > 100, `only ${files.length} source files found under ${SRC}`);
  const offences = files.flatMap((f) => shellUses(readFileSync(f, 'utf8')).map((o) => `${f.slice(SRC.length)} ${o}`));
  assert.deepEqual(offences, []);
});
