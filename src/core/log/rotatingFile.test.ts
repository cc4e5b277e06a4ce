import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../../test/helpers/tempTree.js';
import { createLogger } from './pinoLogger.js';
import { RotatingFile } from './rotatingFile.js';

const numbered = (dir: string): string[] =>
  readdirSync(dir)
    .filter((n) => /^agent\.log\.\d+$/.test(n))
    .sort((a, b) => Number(a.split('.').pop()) - Number(b.split('.').pop()));

test('the log file rotates at max_size into numbered files, keeps max_files of them and deletes older ones', (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'agent.log');
  const log = createLogger({ level: 'info', file: { path, maxSize: 4096, maxFiles: 3 } });
  // ~200-byte lines: about 20 per file, so 400 lines rotate about 20 times.
  for (let i = 0; i < 400; i++) log.info(`line ${i} ${'x'.repeat(40)}`);
  log.close();
  assert.deepEqual(numbered(dir), ['agent.log.1', 'agent.log.2', 'agent.log.3']);
  for (const f of ['agent.log', ...numbered(dir)]) assert.ok(statSync(join(dir, f)).size <= 4096, `${f} is within max_size`);
  const msgs = (f: string): string[] =>
    readFileSync(join(dir, f), 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => (JSON.parse(l) as { msg: string }).msg);
  // Newest in agent.log, then .1, .2, .3: together the last lines, in order, none lost between them.
  const kept = [...msgs('agent.log.3'), ...msgs('agent.log.2'), ...msgs('agent.log.1'), ...msgs('agent.log')];
  const first = Number(/^line (\d+)/.exec(kept[0]!)![1]);
  assert.ok(first > 0, 'the oldest lines were deleted with their file');
  assert.deepEqual(
    kept.map((m) => Number(/^line (\d+)/.exec(m)![1])),
    Array.from({ length: 400 - first }, (_, i) => first + i),
  );
});

test('an agent restarted with fewer max_files deletes the numbered files beyond it; the current file is appended to', (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'agent.log');
  writeFileSync(path, 'earlier\n');
  for (const n of [1, 2, 3, 7, 12]) writeFileSync(`${path}.${n}`, `old ${n}\n`);
  writeFileSync(join(dir, 'agent.log.keep'), 'not ours');
  const f = new RotatingFile({ path, maxSize: 1024, maxFiles: 2 });
  f.write('now\n');
  f.close();
  assert.deepEqual(numbered(dir), ['agent.log.1', 'agent.log.2']);
  assert.ok(existsSync(join(dir, 'agent.log.keep')));
  assert.equal(readFileSync(path, 'utf8'), 'earlier\nnow\n');
});

test('a line longer than max_size goes whole into a fresh file', (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'agent.log');
  const f = new RotatingFile({ path, maxSize: 1024, maxFiles: 2 });
  f.write('short\n');
  const long = `${'y'.repeat(3000)}\n`;
  f.write(long);
  f.close();
  assert.equal(readFileSync(path, 'utf8'), long);
  assert.equal(readFileSync(`${path}.1`, 'utf8'), 'short\n');
});

test('a log file that cannot be written is reported once, lines are dropped, nothing throws', (t) => {
  const dir = tempDir(t);
  // A path under a regular file: ENOTDIR, for root as for anyone.
  const notDir = join(dir, 'not-a-dir');
  writeFileSync(notDir, '');
  const said: string[] = [];
  const f = new RotatingFile({ path: join(notDir, 'agent.log'), maxSize: 1024, maxFiles: 2, report: (m) => said.push(m) });
  assert.equal(f.writable, false);
  assert.equal(f.write('a\n'), false);
  assert.equal(f.write('b\n'), false);
  assert.equal(f.dropped, 2);
  assert.equal(said.length, 1, said.join('\n'));
  assert.match(said[0]!, /log file .*not-a-dir\/agent\.log: cannot open: ENOTDIR.*lines are dropped/);
  f.close();
});
