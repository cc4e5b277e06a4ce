import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getDotPath, parse, safeParse } from 'valibot';
import { thresholdRuleSchema } from '../../config/rules/threshold.js';
import { createThresholdEvaluator, levelsOf } from './threshold.js';

const subject = { metric: 'cpu_usage', labels: {}, display: 'cpu_usage', unit: '%' };
const make = (spec: Record<string, unknown>) => createThresholdEvaluator(parse(thresholdRuleSchema, { kind: 'threshold', metric: 'cpu_usage', ...spec }), subject);
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
  const low = createThresholdEvaluator(parse(thresholdRuleSchema, { kind: 'threshold', metric: 'token_throughput', below: { warning: 100, critical: 50 } }), { metric: 'token_throughput', labels: {}, display: 'token_throughput', unit: ' tokens/s' });
  assert.deepEqual([low.update(0, 40), low.update(1, 80), low.update(2, 100), low.update(3, 120)], [3, 2, 0, 0], "at the clear level (default: the warning level) it clears");
  assert.equal(low.explain().message, 'token_throughput back to 120 tokens/s (≥ 100 tokens/s)');
});

test('config: a minimal `enabled: false` override needs no levels; an enabled rule needs exactly one side', () => {
  assert.equal(safeParse(thresholdRuleSchema, { kind: 'threshold', metric: 'cpu_usage', name: 'threshold:cpu_usage', enabled: false }).success, true);
  const bad = safeParse(thresholdRuleSchema, { kind: 'threshold', metric: 'cpu_usage' });
  assert.equal(bad.success, false);
  assert.match(JSON.stringify(bad.issues), /exactly one of above or below/);
});

test('increase: a counter compared by its rise over the window, resets counted as Prometheus increase() does', () => {
  const ev = make({ above: { critical: 0 }, increase: 10 });
  // standing 5 (quiet), +1 at 3 s (fires), reset to 0 at 5 s (no rise), 0 → 2 at 7 s, then flat until the window has passed both rises
  const v = [5, 5, 5, 6, 6, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2];
  assert.deepEqual(run(ev, v), [0, 0, 0, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 0]);
  assert.equal(ev.explain().message, 'cpu_usage increase over 10 s back to 0 % (≤ 0 %)');
  assert.deepEqual(safeParse(thresholdRuleSchema, { kind: 'threshold', metric: 'x', above: 0, increase: 0 }).issues?.map((i) => getDotPath(i)), ['increase']);
});

test('the lowest level named holds while between clear and the line, info included; at exactly the level it is held, not crossed', () => {
  const ev = make({ above: { info: 70, critical: 95 }, clear: 60 });
  assert.deepEqual(run(ev, [96, 80, 65, 70, 59]), [3, 1, 1, 1, 0]);
  assert.deepEqual(run(make({ above: { info: 70 } }), [80, 70]), [1, 0], 'info alone fires from quiet');
  const at = make({ above: 85, clear: 80 });
  assert.deepEqual(run(at, [90, 85]), [2, 2]);
  assert.equal(at.explain().message, 'cpu_usage 85 %, went above 85 % and not yet back to ≤ 80 % (warning)', 'exactly at the level: held by hysteresis, not above it');
  assert.deepEqual(at.explain().detail, { clear: 80 });
  assert.equal(at.explain().reference, 85);
  at.update(2000, 79);
  assert.deepEqual(at.explain(), { value: 79, reference: 80, message: 'cpu_usage back to 79 % (≤ 80 %)', detail: { clear: 80 } });
});

test('below: hysteresis, the held sentence and the levels mirror above', () => {
  const ev = make({ below: { warning: 50, critical: 20 }, clear: 60 });
  assert.deepEqual(run(ev, [40, 55, 59.9, 10, 30, 50, 60, 61]), [2, 2, 2, 3, 2, 2, 0, 0]);
  ev.update(10_000, 10);
  assert.deepEqual(ev.explain(), { value: 10, reference: 20, message: 'cpu_usage 10 % below 20 % (critical)', detail: { clear: 60 } });
  ev.update(11_000, 55);
  assert.deepEqual(ev.explain(), { value: 55, reference: 50, message: 'cpu_usage 55 %, went below 50 % and not yet back to ≥ 60 % (warning)', detail: { clear: 60 } });
  ev.update(12_000, 50);
  assert.equal(ev.explain().message, 'cpu_usage 50 %, went below 50 % and not yet back to ≥ 60 % (warning)', 'exactly at the level: held, not below it');
  ev.update(13_000, 60);
  assert.equal(ev.explain().message, 'cpu_usage back to 60 % (≥ 60 %)');
});

test('levelsOf: a number is the warning level, an object its named levels, none at all no level', () => {
  assert.deepEqual(levelsOf(undefined), [NaN, NaN, NaN, NaN]);
  assert.deepEqual(levelsOf(85), [NaN, NaN, 85, NaN]);
  assert.deepEqual(levelsOf({ info: 1, critical: 3 }), [NaN, 1, NaN, 3]);
});
