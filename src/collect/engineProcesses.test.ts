// The process finder against the real /proc: a real server listening on
// 127.0.0.1 (a child node process that also forks a worker) must be found by
// its port, with its worker as a descendant.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { EngineProcessFinder } from './engineProcesses.js';

const SERVER = `
const { spawn } = require('node:child_process');
const worker = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
const srv = require('node:net').createServer().listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: srv.address().port, worker: worker.pid }) + '\\n');
});
process.on('SIGTERM', () => { worker.kill(); process.exit(0); });
setTimeout(() => { worker.kill(); process.exit(0); }, 30000);
`;

test('finds the process listening on the engine port, and its descendants', { skip: !existsSync('/proc/net/tcp') && 'no /proc', timeout: 20_000 }, async () => {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const [line] = (await once(child.stdout, 'data')) as [Buffer];
    const { port, worker } = JSON.parse(line.toString()) as { port: number; worker: number };
    const finder = new EngineProcessFinder([
      { name: 'sim', url: `http://127.0.0.1:${port}/metrics` },
      { name: 'remote', url: 'http://192.0.2.1:8000/metrics' },
    ]);
    await finder.refresh(0);
    const pids = finder.pidsOf('sim');
    assert.ok(pids !== undefined && pids.includes(String(child.pid)), `expected ${child.pid} in ${String(pids)}`);
    assert.ok(pids.includes(String(worker)), `expected the worker ${worker} in ${String(pids)}`);
    assert.ok(!pids.includes(String(process.pid)), 'the test process does not listen on that port');
    assert.equal(finder.pidsOf('remote'), undefined);
    // Within refreshMs a second refresh does not walk again.
    child.kill('SIGTERM');
    await once(child, 'exit');
    await finder.refresh(1000);
    assert.deepEqual(finder.pidsOf('sim'), pids);
    await finder.refresh(31_000);
    assert.equal(finder.pidsOf('sim'), undefined);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
