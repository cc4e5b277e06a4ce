/**
 * The persistent tier from the built files (dist/, as the published package
 * runs it), without tsx: the writer thread must start from
 * dist/store/disk/writer.worker.js. npm test builds first.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { tempDir } from '../helpers/tempTree.js';

const BUILT = join(process.cwd(), 'dist/store/disk/index.js');

test('the built DiskStore starts its writer thread from dist and round-trips samples', (t) => {
  assert.ok(existsSync(BUILT), `${BUILT} is missing: run npm run build`);
  const dir = tempDir(t);
  const script = `
    const { DiskStore, DiskReader } = await import(${JSON.stringify(pathToFileURL(BUILT).href)});
    const { SystemClock } = await import(${JSON.stringify(pathToFileURL(join(process.cwd(), 'dist/core/clock.js')).href)});
    const logger = { debug() {}, info() {}, warn() {}, error() {} };
    const store = DiskStore.open({ dataDir: process.argv[1], retention: { rawMs: 86400000, minuteMs: 86400000, hourMs: 86400000 },
      maxPendingSamples: 100000, clock: new SystemClock(), logger });
    store.defineSeries(0, { key: 'x', name: 'x', labels: {} });
    const t0 = Date.now() - 60000;
    for (let i = 0; i < 500; i++) store.append(0, t0 + i, i);
    const viaWriter = await store.query({ name: 'x', start: t0, end: t0 + 10000 });
    await store.close();
    const reader = DiskReader.open(process.argv[1]);
    const viaReader = reader.query({ name: 'x', start: t0, end: t0 + 10000 });
    reader.close();
    console.log(JSON.stringify({ writer: viaWriter.series[0].points.length, reader: viaReader.series[0].points.length, health: store.health().ok }));
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, dir], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { writer: 500, reader: 500, health: true });
});
