import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../core/clock.js';
import { CollectorRunner, type CollectorEntry } from './runner.js';

const limits = { maxSamples: 100, maxLabels: 8 };

test('each collector\'s output comes back under its name; a list naming one series twice keeps the first', async () => {
  const clock = new ManualClock(1000);
  const r = new CollectorRunner({ clock, timeoutMs: 500, limits });
  const out = await r.runTick(1000, new Map<string, CollectorEntry>([
    ['dup', () => [{ name: 'm', value: 1, labels: { a: 'x', b: 'y' } }, { name: 'm', value: 2, labels: { b: 'y', a: 'x' } }, { name: 'm', value: 3, labels: { a: 'z' } }]],
    ['flat', () => ({ m: 5 })],
    ['broken', () => { throw new Error('no'); }],
  ]));
  assert.deepEqual(out.get('dup')!.map((s) => s.v), [1, 3]);
  assert.deepEqual(out.get('flat')!.map((s) => [s.name, s.v, s.labels['component']]), [['m', 5, 'flat']]);
  assert.deepEqual(out.get('broken'), []);
});

test('stop() settles a run whose collector ignores its abort signal; the call is not started again until it returns', async () => {
  const clock = new ManualClock(1000);
  const r = new CollectorRunner({ clock, timeoutMs: 10_000, limits });
  let calls = 0;
  let finish: ((v: Record<string, number>) => void) | undefined;
  const deaf = () => {
    calls++;
    return new Promise<Record<string, number>>((res) => (finish = res));
  };
  const tick = r.runTick(1000, new Map<string, CollectorEntry>([['deaf', deaf]]));
  r.stop();
  assert.deepEqual((await tick).get('deaf'), []);
  assert.match(r.statuses().get('deaf')!.lastError ?? '', /monitor stopped/);
  assert.deepEqual(r.inFlight(), ['deaf']);
  await r.runTick(2000, new Map<string, CollectorEntry>([['deaf', deaf]]));
  assert.equal(calls, 1);
  finish!({ m: 1 });
  await clock.advance(0);
  assert.deepEqual(r.inFlight(), []);
  const again = await r.runTick(3000, new Map<string, CollectorEntry>([['deaf', () => ({ m: 2 })]]));
  assert.deepEqual(again.get('deaf')!.map((s) => s.v), [2]);
});
