import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Finding } from '../analyze/finding.js';
import { MemoryLogger } from '../core/logger.js';
import { AlertLifecycle } from './lifecycle.js';
import { AlertLog } from './log.js';

const KEY = 'rule:threshold:cpu_usage:cpu_usage';
const hot = (value: number, extra: Partial<Finding> = {}): Finding => ({
  key: KEY,
  kind: 'threshold',
  severity: 'warning',
  component: 'system',
  metric: 'cpu_usage',
  value,
  threshold: 85,
  message: `cpu_usage ${value} % above 85 % (warning)`,
  metadata: { op: 'max' },
  rule: 'threshold:cpu_usage',
  labels: { host: 'a' },
  ...extra,
});

test('for: pending without an event until the condition held that long, then firing; pending that stops just goes', () => {
  const log = new AlertLog(10, new MemoryLogger());
  const held = { forMs: 60_000 };
  assert.deepEqual(log.apply(0, [hot(90, held)]), []);
  assert.deepEqual(log.series(0).map((s) => s.labels['alertstate']), ['pending']);
  assert.deepEqual(log.apply(30_000, [hot(91, held)]), []);
  assert.deepEqual(log.apply(40_000, []), [], 'a pending alert whose condition stops goes without a word');
  assert.deepEqual(log.series(40_000), []);
  log.apply(50_000, [hot(90, held)]);
  assert.deepEqual(log.apply(100_000, [hot(92, held)]), []);
  const fired = log.apply(110_000, [hot(93, held)]);
  assert.deepEqual(fired.map((e) => [e.status, e.timestamp, e.metadata['activeAt']]), [['firing', 110_000, 50_000]]);
  assert.deepEqual(fired[0]!.labels, { host: 'a' });
  assert.equal(fired[0]!.rule, 'threshold:cpu_usage');
  assert.deepEqual(log.series(110_000).map((s) => s.labels['alertstate']), ['firing']);
});

test('resolved: the recovery sentence plus how long it lasted; the firing text kept in metadata', () => {
  const life = new AlertLifecycle();
  life.apply(0, [hot(97.2)]);
  const [r] = life.apply(192_000, [], [{ key: KEY, value: 62, message: 'cpu_usage back to 62 % (≤ 85 %)' }]);
  assert.equal(r!.status, 'resolved');
  assert.equal(r!.message, 'cpu_usage back to 62 % (≤ 85 %) after 3 min 12 s');
  assert.equal(r!.currentValue, 62);
  assert.equal(r!.metadata['firingMessage'], 'cpu_usage 97.2 % above 85 % (warning)');
  const other = new AlertLifecycle();
  other.apply(0, [hot(97.2)]);
  assert.equal(other.apply(5000, [])[0]!.message, 'cpu_usage of system: condition no longer holds (last value 97.2) after 5 s');
});

test('keep_firing_for: a firing alert outlives its condition that long, and resolves if it does not come back', () => {
  const life = new AlertLifecycle();
  const keep = { keepFiringForMs: 10_000 };
  assert.equal(life.apply(0, [hot(90, keep)]).length, 1);
  assert.deepEqual(life.apply(5000, [], [{ key: KEY, value: 80, message: 'cpu_usage back to 80 % (≤ 85 %)' }]), []);
  assert.equal(life.active().length, 1);
  assert.deepEqual(life.apply(8000, [hot(90, keep)]), [], 'back within keep_firing_for: the same incident');
  assert.deepEqual(life.apply(17_000, []), []);
  const [r] = life.apply(18_000, []);
  assert.equal(r?.status, 'resolved');
  assert.match(r.message, /condition no longer holds .* after 18 s$/);
});

test('escalation emits a firing event again for the same incident; repeat_interval re-sends a still-firing alert', () => {
  const log = new AlertLog(10, new MemoryLogger(), { repeatIntervalMs: 60_000 });
  const [first] = log.apply(0, [hot(90)]);
  const [up] = log.apply(1000, [hot(99, { severity: 'critical' })]);
  assert.equal(up!.id, first!.id);
  assert.deepEqual([up!.status, up!.severity, up!.metadata['escalated']], ['firing', 'critical', true]);
  assert.deepEqual(log.apply(2000, [hot(90)]), [], 'a lower severity is no news');
  assert.deepEqual(log.apply(60_000, [hot(90)]), []);
  const [again] = log.apply(61_000, [hot(90)]);
  assert.deepEqual([again!.id, again!.metadata['repeat']], [first!.id, 1]);
  assert.equal(log.history.length, 1, 'one record per incident');
  const [twice] = [...log.apply(121_000, [hot(90)])];
  assert.equal(twice!.metadata['repeat'], 2);
});

test('resolution sentences of conditions that are not rules: a target, a stale component and a stalled engine say how things stand', () => {
  const lc = new AlertLifecycle();
  const base = { severity: 'warning' as const, value: 0, threshold: 1, metadata: {} };
  lc.apply(0, [
    { ...base, key: 'target:vllm', kind: 'target', component: 'vllm', metric: 'up', message: 'Target vllm is down' },
    { ...base, key: 'stale:dtesn', kind: 'staleness', component: 'dtesn', metric: 'staleness', message: 'dtesn is stale' },
    { ...base, key: 'engine:vllm', kind: 'engine', component: 'vllm', metric: 'engine_stalled', message: 'Engine vllm stalled' },
  ]);
  const resolved = lc.apply(65_000, []).map((a) => a.message);
  assert.deepEqual(resolved.sort(), ['Engine vllm is serving again after 1 min 5 s', 'Target vllm is up again after 1 min 5 s', 'dtesn reports again after 1 min 5 s']);
});
