import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { test } from 'node:test';
import { EchoPerfError } from '../../core/errors.js';
import { createGpuCollector } from './collector.js';
import { findExecutable } from './findExecutable.js';

void test('bad options are rejected with the field, the value and what was expected', () => {
  const bad = (o: Parameters<typeof createGpuCollector>[0], msg: RegExp): void => {
    assert.throws(
      () => createGpuCollector(o),
      (e: unknown) => e instanceof EchoPerfError && e.code === 'EP_ERR_ARGUMENT' && msg.test(e.message),
    );
  };
  bad({ intervalMs: 0, path: '' }, /intervalMs must be an integer >= 1, got 0/);
  bad({ intervalMs: 2.5, path: '' }, /intervalMs must be an integer >= 1, got 2\.5/);
  bad({ timeoutMs: -1, path: '' }, /timeoutMs must be > 0 ms, got -1/);
  bad({ dcgmUrl: 'localhost:9400/metrics', path: '' }, /dcgmUrl must be an http\(s\) URL, got "localhost:9400\/metrics"/);
});

void test('findExecutable: first executable regular file on PATH; relative and empty entries, directories and non-executables skipped', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'echo-perf-path-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const [a, b, c] = ['a', 'b', 'c'].map((d) => join(root, d));
  for (const d of [a!, b!, c!]) mkdirSync(d);
  writeFileSync(join(a!, 'nvidia-smi'), '#!/bin/sh\n'); // not executable
  mkdirSync(join(b!, 'nvidia-smi')); // a directory
  writeFileSync(join(c!, 'nvidia-smi'), '#!/bin/sh\n');
  chmodSync(join(c!, 'nvidia-smi'), 0o755);
  assert.equal(findExecutable('nvidia-smi', ['', 'relative/dir', a, b, c].join(delimiter)), join(c!, 'nvidia-smi'));
  assert.equal(findExecutable('rocm-smi', [a, b, c].join(delimiter)), undefined);
  assert.equal(findExecutable('nvidia-smi', ''), undefined);
});

void test('a collector with nothing to run never starts anything and closes cleanly', async () => {
  const c = createGpuCollector({ path: '', nvidiaSmi: false, rocmSmi: false });
  assert.equal(c.status().reason, 'nvidia-smi turned off and rocm-smi turned off and no dcgm_url configured');
  assert.deepEqual(await c.collect(0, AbortSignal.timeout(1000)), []);
  await c.close();
  assert.equal(c.status().state, 'closed');
});
