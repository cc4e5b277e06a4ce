/**
 * kill -9 with notifications waiting: an agent whose receiver is down is
 * killed; the next agent on the same data dir delivers every notification the
 * first one accepted, in order, each once, when the receiver is back.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { WebhookPayload } from '../../src/notify/notification.js';
import { until } from '../helpers/processes.js';
import { tempDir } from '../helpers/tempTree.js';
import { Receiver } from '../helpers/webhookReceiver.js';

const AGENT = fileURLToPath(new URL('../fixtures/notify/agent.ts', import.meta.url));

function agent(t: { after(fn: () => void): void }, dir: string, url: string, mode: 'flap' | 'calm'): { child: ChildProcess; last: () => { queued: number; sent: number } } {
  const child = spawn(process.execPath, ['--import', 'tsx', AGENT, dir, url, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  const kill = setTimeout(() => child.kill('SIGKILL'), 60_000);
  t.after(() => {
    clearTimeout(kill);
    child.kill('SIGKILL');
  });
  let last = { queued: 0, sent: 0 };
  let buf = '';
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    const lines = buf.split('\n');
    buf = lines.pop() ?? '';
    for (const l of lines) {
      const m = /^queued (\d+) sent (\d+)$/.exec(l);
      if (m) last = { queued: Number(m[1]), sent: Number(m[2]) };
    }
  });
  return { child, last: () => last };
}

test('kill -9 with notifications waiting: the next agent delivers each, in order, once', { timeout: 90_000 }, async (t) => {
  const dir = tempDir(t, 'echo-perf-notify-crash-');
  const receiver = await new Receiver().start();
  const port = receiver.port;
  await receiver.stop(); // down from the start
  t.after(() => receiver.stop());

  const first = agent(t, dir, receiver.url, 'flap');
  await until(() => first.last().queued >= 8, 'eight notifications waiting', 30_000);
  const exited = new Promise((r) => first.child.once('exit', r));
  first.child.kill('SIGKILL');
  await exited;
  const accepted = first.last().queued;

  await receiver.start(port);
  const second = agent(t, dir, receiver.url, 'calm');
  await receiver.waitFor(accepted, 30_000);
  await until(() => second.last().queued === 0, 'the outbox drained', 10_000);
  const got = receiver.got.map((g) => g.body as WebhookPayload);
  const ids = receiver.got.map((g) => g.headers['x-echo-perf-notification-id']);
  assert.equal(new Set(ids).size, ids.length, 'no notification twice');
  // The flapping run alternates: firing, resolved, firing, … in the order they were made.
  const statuses = got.slice(0, accepted).map((p) => p.status);
  assert.deepEqual(statuses, statuses.map((_, i) => (i % 2 === 0 ? 'firing' : 'resolved')));
  second.child.kill('SIGTERM');
});
