import assert from 'node:assert/strict';
import { test } from 'node:test';
import { threadExecArgv } from './spawnWriter.js';

test('the writer thread keeps the module-loading flags and drops V8, process-wide and main-entry ones', () => {
  assert.deepEqual(
    threadExecArgv(['--no-memory-reducer', '--input-type=module', '--max-old-space-size=512', '--input-type', 'commonjs', '--import', 'tsx', '--conditions=dev', '--title', 'x']),
    ['--import', 'tsx', '--conditions=dev'],
  );
});
