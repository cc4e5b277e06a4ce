import assert from 'node:assert/strict';
import { test } from 'node:test';
import { POINTS_PER_SLICE, toPoints, toPointsAsync, type ColumnResult } from './query.js';

function result(series: number, points: number): ColumnResult {
  return {
    tier: 'raw',
    series: Array.from({ length: series }, (_, s) => ({
      labels: { s: String(s) },
      t: Float64Array.from({ length: points }, (_, i) => 1000 + i),
      v: Float64Array.from({ length: points }, (_, i) => s * 1e6 + i),
    })),
  };
}

test('a big answer is converted to points in slices, giving the event loop turns in between', async () => {
  const r = result(3, POINTS_PER_SLICE);
  let turns = 0;
  let converting = true;
  const tick = (): void => {
    if (!converting) return;
    turns++;
    setImmediate(tick);
  };
  setImmediate(tick);
  const got = await toPointsAsync(r);
  converting = false;
  assert.ok(turns >= 2, `the event loop ran ${turns} times during the conversion`);
  assert.deepEqual(got, toPoints(r));
  assert.deepEqual(got.series[2]!.points.at(-1), [1000 + POINTS_PER_SLICE - 1, 2e6 + POINTS_PER_SLICE - 1]);
});
