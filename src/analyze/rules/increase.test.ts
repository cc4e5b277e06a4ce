import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CounterIncrease, MAX_INCREASE_POINTS } from './increase.js';

/** Prometheus's increase() without extrapolation, from all the points, as the module comment defines it. */
function reference(points: readonly [number, number][], windowMs: number, keep = Infinity): number {
  const kept = points.slice(Math.max(0, points.length - keep));
  const t = kept.at(-1)![0];
  let base = 0;
  for (let i = 0; i < kept.length; i++) if (kept[i]![0] <= t - windowMs) base = i;
  let total = 0;
  for (let i = base + 1; i < kept.length; i++) {
    const [prev, cur] = [kept[i - 1]![1], kept[i]![1]];
    total += cur >= prev ? cur - prev : cur;
  }
  return total;
}

test('the base is the newest sample at or before the window start, else the oldest kept; a counter seen once has risen by 0', () => {
  const c = new CounterIncrease(10_000);
  assert.equal(c.update(0, 7), 0, 'seen once: 0, whatever its value');
  assert.equal(c.update(5_000, 12), 5);
  assert.equal(c.update(10_000, 17), 10, 'the sample exactly at the window start is the base');
  assert.equal(c.update(14_999, 18), 11, 'start 4 999: the base is the sample at 0 ms, the newest at or before it');
  assert.equal(c.update(15_000, 20), 8, 'start 5 000: the sample at 5 000 ms is now the base');
  assert.equal(c.update(40_000, 21), 1, 'a long silence: the newest sample before the start, not nothing');
});

test('a fall is a reset: the new value counts from zero, as increase() counts it', () => {
  const c = new CounterIncrease(60_000);
  c.update(0, 100);
  assert.equal(c.update(1_000, 130), 30);
  assert.equal(c.update(2_000, 5), 35, 'reset to 5: +5 from zero');
  assert.equal(c.update(3_000, 5), 35);
  assert.equal(c.update(4_000, 0), 35, 'a reset to 0 adds nothing');
  assert.equal(c.update(5_000, 2), 37);
  assert.equal(c.update(6_000, 2), 37);
});

test('over thousands of samples it agrees with the definition, through every compaction of its arrays', () => {
  let seed = 7;
  const rand = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  for (const windowMs of [0, 1_000, 7_500, 120_000]) {
    const c = new CounterIncrease(windowMs);
    const points: [number, number][] = [];
    let t = 0;
    let v = 0;
    for (let i = 0; i < 3_000; i++) {
      t += 1 + Math.floor(rand() * 1_000);
      v = rand() < 0.01 ? Math.floor(rand() * 5) : v + Math.floor(rand() * 10);
      points.push([t, v]);
      assert.equal(c.update(t, v), reference(points, windowMs), `window ${windowMs} ms, sample ${i} at ${t}`);
    }
  }
});

test(`a window longer than ${MAX_INCREASE_POINTS} samples keeps the newest ${MAX_INCREASE_POINTS} points and so gets shorter`, () => {
  const c = new CounterIncrease(Infinity);
  for (let i = 0; i < MAX_INCREASE_POINTS + 500; i++) {
    const got = c.update(i * 1_000, i);
    assert.equal(got, Math.min(i, MAX_INCREASE_POINTS - 1), `sample ${i}`);
  }
});
