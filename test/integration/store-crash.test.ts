/**
 * kill -9 during writes, several times in a row, with a real child process
 * (test/fixtures/store/crash-writer.ts): each time the database opens cleanly,
 * the lock is taken over, and every sample up to the last completed flush is
 * there, in order, without duplicates.
 */
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DiskReader, DB_FILE, LOCK_FILE } from '../../src/store/disk/index.js';
import { openTestStore } from '../helpers/diskStore.js';
import { isAlive } from '../helpers/processes.js';
import { tempDir } from '../helpers/tempTree.js';

const WRITER = fileURLToPath(new URL('../fixtures/store/crash-writer.ts', import.meta.url));
const BASE = Date.UTC(2026, 0, 1);
const SERIES = ['crash_a', 'crash_b', 'crash_c'];
const ROUNDS = 4;

/** Runs the writer until it has reported `flushes` flushes, then kills it with SIGKILL at a random moment. */
async function runAndKill(dir: string, flushes: number): Promise<{ lastFlushed: Record<string, number>; pid: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<NodeJS.Signals | null>((r) => child.once('exit', (_code, signal) => r(signal)));
  let lastFlushed: Record<string, number> = {};
  const timeout = setTimeout(() => child.kill('SIGKILL'), 60_000);
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const lines = out.split('\n').filter((l) => l.startsWith('flushed '));
        if (lines.length === 0) return;
        lastFlushed = JSON.parse(lines.at(-1)!.slice('flushed '.length)) as Record<string, number>;
        if (lines.length === flushes) {
          // Somewhere in the next append loop or commit.
          setTimeout(() => child.kill('SIGKILL'), Math.floor(Math.random() * 25));
          resolve();
        }
      });
      void exited.then(() => reject(new Error(`the writer exited before ${flushes} flushes:\n${out}\n${err}`)));
    });
    assert.equal(await exited, 'SIGKILL');
  } finally {
    clearTimeout(timeout);
    child.kill('SIGKILL');
  }
  // What was printed after the last parse still counts: take the final report.
  const lines = out.split('\n').filter((l) => l.startsWith('flushed '));
  lastFlushed = JSON.parse(lines.at(-1)!.slice('flushed '.length)) as Record<string, number>;
  return { lastFlushed, pid: child.pid! };
}

function checkAll(dir: string, lastFlushed: Record<string, number>): void {
  const db = new Database(join(dir, DB_FILE), { readonly: true });
  try {
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  } finally {
    db.close();
  }
  const reader = DiskReader.open(dir, { now: () => BASE });
  try {
    for (const name of SERIES) {
      const r = reader.query({ name, start: BASE, end: BASE + 10_000_000 });
      assert.equal(r.series.length, 1, name);
      const pts = r.series[0]!.points;
      // Every sample from 0 on, in order, no gaps, no duplicates...
      for (let k = 0; k < pts.length; k++) {
        if (pts[k]![0] !== BASE + k || pts[k]![1] !== k) assert.fail(`${name}: point ${k} is ${JSON.stringify(pts[k])}, expected [${BASE + k}, ${k}]`);
      }
      // ...and at least up to the last flush the writer saw complete.
      assert.ok(pts.length - 1 >= lastFlushed[name]!, `${name}: ${pts.length - 1} stored, ${lastFlushed[name]} flushed`);
    }
  } finally {
    reader.close();
  }
}

test(`kill -9 during writes, ${ROUNDS} times in a row: every flushed sample survives, in order, once`, { timeout: 240_000 }, async (t) => {
  const dir = tempDir(t, 'echo-perf-crash-');
  let total = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const { lastFlushed, pid } = await runAndKill(dir, 2 + round);
    assert.equal(isAlive(pid), false);
    // The dead writer's lock is still there: the next start must take it over.
    assert.ok(existsSync(join(dir, LOCK_FILE)));
    assert.match(readFileSync(join(dir, LOCK_FILE), 'utf8'), new RegExp(`^${pid} `));
    checkAll(dir, lastFlushed);
    total = lastFlushed['crash_a']!;
  }
  assert.ok(total > ROUNDS * 4000, `the writer made progress across restarts (${total} samples per series)`);
  // And an agent in this process takes the stale lock over too.
  const { store, logger } = openTestStore(t, dir);
  assert.ok(logger.lines.some((l) => l.msg.includes('stale lock')));
  await store.close();
  assert.equal(existsSync(join(dir, LOCK_FILE)), false);
});
