import assert from 'node:assert/strict';
import { test } from 'node:test';
import { thresholdRuleSchema } from '../../config/rules/threshold.js';
import { createThresholdEvaluator } from './threshold.js';

const subject = { metric: 'cpu_usage', labels: {}, display: 'cpu_usage', unit: '%' };
const make = (spec: Record<string, unknown>) => createThresholdEvaluator(thresholdRuleSchema.parse({ kind: 'threshold', metric: 'cpu_usage', ...spec }), subject);
const run = (ev: ReturnType<typeof make>, values: number[]) => values.map((v, i) => ev.update(i * 1000, v));

test('a value exactly at the level does not fire (the seed compares with >); just past it does', () => {
  const ev = make({ above: 85 });
  assert.deepEqual(run(ev, [85, 85.0001, 85]), [0, 2, 0]);
  const low = make({ below: { critical: 50 } });
  assert.deepEqual(run(low, [50, 49.9, 50]), [0, 3, 0]);
});

test('hysteresis: hovering at the line holds one condition until the value is back at clear', () => {
  const ev = make({ above: 85, clear: 80 });
  assert.deepEqual(run(ev, [84, 88, 84, 86, 83, 81, 80.5, 80, 84]), [0, 2, 2, 2, 2, 2, 2, 0, 0]);
  assert.equal(ev.explain().message, 'cpu_usage back to 84 % (≤ 80 %)');
});

test('levels per severity: escalates and de-escalates while held, never below the lowest until cleared', () => {
  const ev = make({ above: { warning: 85, critical: 95 }, clear: 80 });
  assert.deepEqual(run(ev, [90, 97, 90, 82, 79]), [2, 3, 2, 2, 0]);
  ev.update(10_000, 97.2);
  assert.equal(ev.explain().message, 'cpu_usage 97.2 % above 95 % (critical)');
  assert.equal(ev.explain().reference, 95);
  ev.update(11_000, 82);
  assert.match(ev.explain().message, /^cpu_usage 82 %, went above 85 % and not yet back to ≤ 80 % \(warning\)$/);
});

test('firing and recovery sentences; default clear is the lowest level; NaN changes nothing', () => {
  const ev = make({ above: 85 });
  ev.update(0, 97.2);
  assert.deepEqual({ ...ev.explain(), detail: undefined }, { value: 97.2, reference: 85, message: 'cpu_usage 97.2 % above 85 % (warning)', detail: undefined });
  assert.equal(ev.update(1000, NaN), 2);
  assert.equal(ev.update(2000, 62), 0);
  assert.equal(ev.explain().message, 'cpu_usage back to 62 % (≤ 85 %)');
  const low = createThresholdEvaluator(thresholdRuleSchema.parse({ kind: 'threshold', metric: 'token_throughput', below: { warning: 100, critical: 50 } }), { metric: 'token_throughput', labels: {}, display: 'token_throughput', unit: ' tokens/s' });
  assert.deepEqual([low.update(0, 40), low.update(1, 80), low.update(2, 100), low.update(3, 120)], [3, 2, 0, 0], "at the clear level (default: the warning level) it clears");
  assert.equal(low.explain().message, 'token_throughput back to 120 tokens/s (≥ 100 tokens/s)');
});

test('config: a minimal `enabled: false` override needs no levels; an enabled rule needs exactly one side', () => {
  assert.equal(thresholdRuleSchema.safeParse({ kind: 'threshold', metric: 'cpu_usage', name: 'threshold:cpu_usage', enabled: false }).success, true);
  const bad = thresholdRuleSchema.safeParse({ kind: 'threshold', metric: 'cpu_usage' });
  assert.equal(bad.success, false);
  assert.match(JSON.stringify(bad.error?.issues), /exactly one of above or below/);
});

test('increase: a counter compared by its rise over the window, resets counted as Prometheus increase() does', () => {
  const ev = make({ above: { critical: 0 }, increase: 10 });
  // standing 5 (quiet), +1 at 3 s (fires), reset to 0 at 5 s (no rise), 0 → 2 at 7 s, then flat until the window has passed both rises
  const v = [5, 5, 5, 6, 6, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2];
  assert.deepEqual(run(ev, v), [0, 0, 0, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 0]);
  assert.equal(ev.explain().message, 'cpu_usage increase over 10 s back to 0 % (≤ 0 %)');
  assert.match(JSON.stringify(thresholdRuleSchema.safeParse({ kind: 'threshold', metric: 'x', above: 0, increase: 0 }).error?.issues), /"path":\["increase"\]/);
});
