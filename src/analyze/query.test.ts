import assert from 'node:assert/strict';
import { test } from 'node:test';
import { quantileRange, rateRange, stepTimes } from './query.js';

const T0 = 1_700_000_000_000;

test('rate at each step of a range, counter resets counted, steps without two points left out', () => {
  // A counter growing 10 per 10 s; it restarts just after +50 s and reads 10 at +60 s.
  const values = [0, 10, 20, 30, 40, 50, 10, 20, 30, 40];
  const series = [{ labels: { job: 'x' }, points: values.map((v, i) => [T0 + i * 10_000, v] as const) }];
  const times = stepTimes(T0, T0 + 90_000, 30_000);
  assert.deepEqual(times, [T0, T0 + 30_000, T0 + 60_000, T0 + 90_000]);
  const [r] = rateRange(series, times, 30_000);
  assert.deepEqual(r!.points.map(([t]) => (t - T0) / 1000), [30, 60, 90], 'at +0 s the window holds one point');
  for (const [, v] of r!.points) assert.ok(Math.abs(v - 1) < 1e-9, `1 per second across the reset, got ${v}`);
});

test('quantile at each step from bucket rates; buckets group by their labels without le', () => {
  const bucket = (le: string, perStep: number, model: string) => ({
    labels: { le, model },
    points: Array.from({ length: 7 }, (_, i) => [T0 + i * 10_000, i * perStep] as const),
  });
  // Per 10 s: 5 observations <= 0.1, 10 <= 1, 10 in all: the median lies in (0.1, 1].
  const buckets = ['a', 'b'].flatMap((m) => [bucket('0.1', 5, m), bucket('1', 10, m), bucket('+Inf', 10, m)]);
  const out = quantileRange(buckets, 0.5, stepTimes(T0 + 20_000, T0 + 60_000, 20_000), 20_000);
  assert.deepEqual(out.map((s) => s.labels['model']), ['a', 'b']);
  for (const s of out) {
    assert.equal(s.points.length, 3);
    for (const [, v] of s.points) assert.ok(Math.abs(v - 0.1) < 1e-9, `rank 5 of 10 ends the first bucket: ${v}`);
  }
});

test('a range of steps is bounded', () => {
  assert.equal(stepTimes(0, 1e12, 1).length, 11_000);
});
