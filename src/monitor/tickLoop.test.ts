import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../core/clock.js';
import { TickLoop } from './tickLoop.js';

function loop(clock: ManualClock, steps: number[]): TickLoop {
  return new TickLoop({
    clock,
    intervalMs: () => 1000,
    tick: () => Promise.resolve(true),
    busy: () => [],
    onClockStep: (ms) => steps.push(ms),
  });
}

test('a wall clock stepped back or forward between ticks is reported once per step, with its size; ticks keep the monotonic cadence', async () => {
  const clock = new ManualClock(1_700_000_000_000);
  const steps: number[] = [];
  const l = loop(clock, steps);
  l.start();
  await clock.advance(5000);
  assert.equal(steps.length, 0);
  clock.stepWall(-600_000);
  await clock.advance(3000);
  assert.equal(steps.length, 1);
  assert.ok(Math.abs(steps[0]! + 600_000) <= 1000, `step ${steps[0]}`);
  clock.stepWall(3_600_000);
  await clock.advance(3000);
  assert.equal(steps.length, 2);
  assert.ok(Math.abs(steps[1]! - 3_600_000) <= 1000, `step ${steps[1]}`);
  assert.equal(l.clockSteps, 2);
  assert.equal(l.ticks, 11, 'one tick per second of monotonic time, no catch-up burst, no stall');
  l.stop();
});

test('no step is reported for a steady clock, nor for drift below 5 s (NTP slewing, a late timer)', async () => {
  const clock = new ManualClock(1_700_000_000_000);
  const steps: number[] = [];
  const l = loop(clock, steps);
  l.start();
  for (let i = 0; i < 20; i++) {
    await clock.advance(1000);
    clock.stepWall(200); // 200 ms per second: 4 s over the run, never 5 s between two ticks
  }
  assert.deepEqual(steps, []);
  assert.equal(l.clockSteps, 0);
  l.stop();
});
