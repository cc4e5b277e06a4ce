// A stats dir under /tmp is shared with every local user. Planted symlinks and
// files must never redirect a write, and a directory another user controls is
// refused (one WARNING on echo_dash; monitoring goes on).
import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { writeFileAtomic, writeJsonAtomic } from '../../src/core/atomicFile.js';
import { ManualClock } from '../../src/core/clock.js';
import { MemoryLogger } from '../../src/core/logger.js';
import { EchoDashWriter } from '../../src/notify/echoDash/index.js';
import { tempDir } from '../helpers/tempTree.js';
import { sampleAlert } from '../helpers/alerts.js';
import { fiveTicksWithStatsDir } from '../helpers/echoDashRun.js';

const T0 = 1_700_000_000_250;
const VICTIM_TEXT = 'precious: must stay as it is\n';


function writer(statsDir: string) {
  const logger = new MemoryLogger();
  const failures: string[] = [];
  const w = new EchoDashWriter({ statsDir, clock: new ManualClock(T0), logger, startedAt: T0, onFailure: (m) => failures.push(m) });
  return { w, logger, failures };
}

/** A file outside the stats dir that a planted symlink points at. */
function victim(t: TestContext): string {
  const path = join(tempDir(t, 'echo-perf-victim-'), 'victim.txt');
  writeFileSync(path, VICTIM_TEXT);
  return path;
}

const isRoot = process.getuid?.() === 0;

void test('symlinks planted at every temp name the old writer would use never redirect a write', (t) => {
  const dir = tempDir(t);
  const target = victim(t);
  // The earlier writer named temp files `.<name>.<pid>.<counter>.tmp`: all predictable.
  const names = ['alert_1700000000.json', 'performance_metrics.json'];
  for (const name of names) for (let seq = 1; seq <= 50; seq++) symlinkSync(target, join(dir, `.${name}.${process.pid}.${seq}.tmp`));
  const { w } = writer(dir);
  w.writeAlert(sampleAlert(T0));
  w.writeDashboard(undefined, []);
  assert.equal(readFileSync(target, 'utf8'), VICTIM_TEXT, 'the file behind the symlinks is untouched');
  assert.ok(w.health().ok);
  for (const name of names) {
    assert.ok(lstatSync(join(dir, name)).isFile(), `${name} is a regular file, not a renamed symlink`);
    assert.equal(statSync(join(dir, name)).mode & 0o777, 0o600);
  }
  assert.equal((JSON.parse(readFileSync(join(dir, 'alert_1700000000.json'), 'utf8')) as { metric: string }).metric, 'cpu_usage');
});

void test('writeFileAtomic: a symlink or file at the temp name makes it retry under a fresh name; all taken fails cleanly', (t) => {
  const dir = tempDir(t);
  const target = victim(t);
  const out = join(dir, 'out.json');
  symlinkSync(target, join(dir, '.out.json.000000000001.tmp'));
  writeFileSync(join(dir, '.out.json.000000000002.tmp'), 'planted');
  let n = 0;
  const suffix = (): string => String(++n).padStart(12, '0');
  writeJsonAtomic(out, { ok: true }, { tempSuffix: suffix });
  assert.equal(n, 3, 'two names were taken; the third was used');
  assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), { ok: true });
  assert.equal(readFileSync(target, 'utf8'), VICTIM_TEXT);
  assert.equal(readFileSync(join(dir, '.out.json.000000000002.tmp'), 'utf8'), 'planted', 'a planted file is left alone, not written or removed');

  // Every attempt collides: EEXIST, nothing written anywhere, nothing of ours left behind.
  symlinkSync(target, join(dir, '.other.json.000000000001.tmp'));
  const before = readdirSync(dir).sort();
  assert.throws(
    () => writeFileAtomic(join(dir, 'other.json'), 'x', { tempSuffix: () => '000000000001' }),
    (e: unknown) => (e as { code?: string }).code === 'EEXIST',
  );
  assert.deepEqual(readdirSync(dir).sort(), before);
  assert.equal(readFileSync(target, 'utf8'), VICTIM_TEXT);
});

void test('temp files left by a crash (new and old name patterns) are swept at startup; fresh ones and lookalikes stay', (t) => {
  const dir = tempDir(t);
  const old = (Date.now() - 3_600_000) / 1000;
  const stale = ['.alert_1700000000.json.0123456789ab.tmp', '.performance_metrics.json.4242.7.tmp', '.performance_metrics.json.abcdefabcdef.tmp'];
  const kept = ['.performance_metrics.json.fedcba987654.tmp', '.notes.json.0123456789ab.tmp', '.alert_1.json.XYZ.tmp'];
  for (const f of [...stale, ...kept]) writeFileSync(join(dir, f), '{');
  for (const f of [...stale, ...kept.slice(1)]) utimesSync(join(dir, f), old, old);
  writer(dir);
  assert.deepEqual(readdirSync(dir).sort(), [...kept].sort());
});

function assertRefused(dir: string, why: RegExp, realDir?: string): void {
  const { w, logger, failures } = writer(dir);
  for (let i = 0; i < 5; i++) {
    w.writeAlert(sampleAlert(T0, { timestamp: T0 + i * 1000 }));
    w.writeDashboard(undefined, []);
  }
  const h = w.health();
  assert.equal(h.ok, false);
  assert.match(h.ok ? '' : h.error, why);
  assert.equal(failures.length, 1, 'onFailure once');
  assert.equal(logger.lines.filter((l) => l.level === 'warn').length, 1, 'one warning logged');
  if (realDir !== undefined) assert.deepEqual(readdirSync(realDir), [], 'nothing written through the symlink');
}

void test('a stats dir that is a symlink, a file, or group/other-writable without the sticky bit is refused', (t) => {
  const root = tempDir(t);
  const real = join(root, 'real');
  mkdirSync(real, { mode: 0o700 });
  symlinkSync(real, join(root, 'link'));
  assertRefused(join(root, 'link'), /refused: it is a symbolic link/, real);

  writeFileSync(join(root, 'file'), 'x');
  assertRefused(join(root, 'file'), /refused: it is not a directory/);

  const open = join(root, 'open');
  mkdirSync(open);
  chmodSync(open, 0o777);
  assertRefused(open, /refused: it is writable by group or others \(mode 0777\) without the sticky bit/);

  // World-writable with the sticky bit (how /tmp itself is set up): others cannot replace our files.
  const sticky = join(root, 'sticky');
  mkdirSync(sticky);
  chmodSync(sticky, 0o1777);
  const s = writer(sticky);
  s.w.writeDashboard(undefined, []);
  assert.ok(s.w.health().ok);
  assert.ok(existsSync(join(sticky, 'performance_metrics.json')));
});

void test('a missing stats dir is created with mode 0700, parents included', (t) => {
  const dir = join(tempDir(t), 'a', 'b', 'stats');
  const { w } = writer(dir);
  w.writeDashboard(undefined, []);
  assert.ok(w.health().ok);
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  assert.equal(statSync(join(dir, 'performance_metrics.json')).mode & 0o777, 0o600);
});

void test('a stats dir owned by another uid is refused (root too); replaced later by one, writing stops', (t) => {
  if (!isRoot) {
    t.skip('needs root to chown a directory to another uid');
    return;
  }
  const root = tempDir(t);
  const theirs = join(root, 'theirs');
  mkdirSync(theirs, { mode: 0o700 });
  chownSync(theirs, 65534, 65534);
  assertRefused(theirs, /refused: it is owned by uid 65534, not by this process's uid 0/, theirs);

  // Accepted at first, then handed to another user while running: the next write refuses.
  const mine = join(root, 'mine');
  const { w, failures } = writer(mine);
  w.writeDashboard(undefined, []);
  assert.ok(w.health().ok);
  chownSync(mine, 65534, 65534);
  w.writeAlert(sampleAlert(T0));
  assert.equal(w.health().ok, false);
  assert.equal(failures.length, 1);
  assert.equal(existsSync(join(mine, 'alert_1700000000.json')), false);
});

void test('the monitor: a stats dir owned by another user raises one WARNING on echo_dash and monitoring goes on', async (t) => {
  if (!isRoot) {
    t.skip('needs root to chown a directory to another uid');
    return;
  }
  const stats = join(tempDir(t), 'stats');
  mkdirSync(stats, { mode: 0o700 });
  chownSync(stats, 65534, 65534);
  const { collections, events } = await fiveTicksWithStatsDir(t, stats);
  assert.equal(collections, 5, 'the monitor kept collecting');
  assert.deepEqual(events.filter((e) => e.startsWith('echo_dash')), ['echo_dash:warning:firing']);
  assert.deepEqual(readdirSync(stats), []);
});
