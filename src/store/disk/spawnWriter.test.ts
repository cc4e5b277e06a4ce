import assert from 'node:assert/strict';
import { test } from 'node:test';
import { threadExecArgv } from './spawnWriter.js';

test('the writer thread keeps the process flags except those about reading the main entry', () => {
  assert.deepEqual(threadExecArgv(['--input-type=module', '--max-old-space-size=512', '--input-type', 'commonjs', '--import', 'tsx']), [
    '--max-old-space-size=512',
    '--import',
    'tsx',
  ]);
});
