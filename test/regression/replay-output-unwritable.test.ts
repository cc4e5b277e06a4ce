/**
 * `replay --out` into a missing directory, and `--scores` where a file stands
 * in the way of its directory, used to kill the process with a stack (an
 * unhandled stream 'error' event, or a bare mkdir error): each is now an
 * EP_ERR_REPLAY_INPUT naming the option and the path, exit status 2, and the
 * outputs it does create are 0600 (their directories 0700) under any umask.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../helpers/tempTree.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

function replay(args: string[]): { status: number | null; stderr: string } {
  const old = process.umask(0);
  try {
    return spawnSync(process.execPath, ['--import', 'tsx', MAIN, 'replay', ...args], { encoding: 'utf8', timeout: 30_000 });
  } finally {
    process.umask(old);
  }
}

test('replay: an unwritable --out or --scores is a clear error naming the option, not a crash', (t) => {
  const dir = tempDir(t, 'ep-replay-out-');
  const csv = join(dir, 'cpu_usage.csv');
  writeFileSync(csv, 'timestamp,value\n1700000000,1\n1700000060,2\n');
  const missing = replay(['--out', join(dir, 'no-such-dir', 'e.jsonl'), csv]);
  assert.equal(missing.status, 2, missing.stderr);
  assert.match(missing.stderr, /^echo-perf: --out: cannot write ".*no-such-dir\/e\.jsonl": ENOENT.*; expected a writable file in an existing directory\n$/);
  const blocked = replay(['--scores', join(csv, 'scores'), csv]);
  assert.equal(blocked.status, 2, blocked.stderr);
  assert.match(blocked.stderr, /^echo-perf: --scores: cannot write .*ENOTDIR.*; expected a directory that can be created and written to\n$/);

  const ok = replay(['--out', join(dir, 'e.jsonl'), '--scores', join(dir, 'scores', 'deep'), csv]);
  assert.equal(ok.status, 0, ok.stderr);
  for (const [p, mode] of [[join(dir, 'e.jsonl'), 0o600], [join(dir, 'scores'), 0o700], [join(dir, 'scores', 'deep'), 0o700], [join(dir, 'scores', 'deep', 'cpu_usage.csv'), 0o600]] as const) {
    assert.equal((statSync(p).mode & 0o777).toString(8), mode.toString(8), p);
  }
});
