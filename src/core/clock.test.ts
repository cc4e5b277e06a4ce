import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock, onGrid } from './clock.js';

test('ManualClock fires fixed-rate and one-shot timers in time order', async () => {
  const c = new ManualClock(100);
  const fired: string[] = [];
  const every = c.every(10, () => fired.push(`e${c.now()}`));
  c.after(25, () => fired.push(`a${c.now()}`));
  await c.advance(30);
  assert.deepEqual(fired, ['e110', 'e120', 'a125', 'e130']);
  assert.equal(c.now(), 130);
  every.stop();
  assert.equal(c.pendingTimers, 0);
});

test('ManualClock lets async work started by a timer settle before the next timer', async () => {
  const c = new ManualClock(0);
  const log: number[] = [];
  c.every(10, () => {
    void Promise.resolve().then(() => log.push(c.now()));
  });
  await c.advance(30);
  assert.deepEqual(log, [10, 20, 30]);
});

test('every() rejects a non-positive interval', () => {
  assert.throws(() => new ManualClock().every(0, () => {}), RangeError);
});

test('a tick is stamped with its scheduled time when the timer fires within a few ms of it', () => {
  const origin = 1_700_000_000_123;
  assert.equal(onGrid(origin + 3000 + 2, origin, 1000), origin + 3000, '2 ms late: on the grid');
  assert.equal(onGrid(origin + 3000 - 1, origin, 1000), origin + 3000, '1 ms early: on the grid');
  assert.equal(onGrid(origin + 3000 + 90, origin, 1000), origin + 3090, 'far off: the time it fired');
  assert.equal(onGrid(origin + 200 + 22, origin, 200), origin + 222, 'tolerance is a tenth of a short interval');
  assert.equal(onGrid(origin + 200 + 15, origin, 200), origin + 200);
});
