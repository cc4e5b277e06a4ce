// `echo-perf start` printed its ready line before listening for SIGTERM: a
// supervisor that signalled as soon as it read the line killed the agent
// outright (exit by signal, no clean stop, history and log not flushed)
// about half the time.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../helpers/tempTree.js';

const BUILT = 'dist/cli/main.js';

test('SIGTERM sent the moment start says it is monitoring stops the agent cleanly, every time', async (t) => {
  assert.ok(existsSync(BUILT), `${BUILT} is missing: run npm run build`);
  const dir = tempDir(t, 'ep-sigterm-');
  const cfg = join(dir, 'c.json');
  writeFileSync(cfg, JSON.stringify({ monitoring_interval: 0.2, gpu: { enabled: false }, echo_dash: { enabled: false }, storage: { enabled: false } }));
  for (let i = 0; i < 4; i++) {
    const child = spawn(process.execPath, [BUILT, 'start', '--config', cfg, '--port', '0'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      const before = out.includes('Ctrl-C to stop');
      out += d;
      if (!before && out.includes('Ctrl-C to stop')) child.kill('SIGTERM');
    });
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
    clearTimeout(killer);
    assert.equal(signal, null, `run ${i}: killed by ${signal}`);
    assert.equal(code, 0, out);
    assert.match(out, /received SIGTERM, stopping/);
  }
});
