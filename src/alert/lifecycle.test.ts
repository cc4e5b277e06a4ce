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

test('worst value follows the direction of the condition: higher for max, lower for min, farther from zero otherwise; a restored incident keeps its worst', () => {
  const worstAfter = (op: string | undefined, values: number[]) => {
    const life = new AlertLifecycle();
    const metadata = op === undefined ? {} : { op };
    values.forEach((v, i) => life.apply(i * 1000, [hot(v, { metadata })]));
    return life.active()[0]!.metadata['worstValue'];
  };
  assert.equal(worstAfter('max', [90, 95, 92]), 95);
  assert.equal(worstAfter('max', [90, 90]), 90);
  assert.equal(worstAfter('min', [10, 5, 8]), 5);
  assert.equal(worstAfter('min', [10, 12]), 10);
  assert.equal(worstAfter(undefined, [3, -7, 5]), -7);
  assert.equal(worstAfter(undefined, [-3, 2]), -3);

  const before = new AlertLifecycle();
  before.apply(0, [hot(97)]);
  before.apply(1000, [hot(90)]);
  const after = new AlertLifecycle();
  after.restore(before.active()[0]!);
  after.apply(2000, [hot(93)]);
  assert.equal(after.active()[0]!.metadata['worstValue'], 97, 'the worst seen before the restart still counts');
  const { worstValue: _w, ...noWorst } = before.active()[0]!.metadata;
  const bare = new AlertLifecycle();
  bare.restore({ ...before.active()[0]!, currentValue: 96, metadata: noWorst });
  bare.apply(2000, [hot(93)]);
  assert.equal(bare.active()[0]!.metadata['worstValue'], 96, 'without a saved worst, the last value is the worst so far');
});

test('one finding per key per evaluation; ids differ per incident; a pending update keeps its metadata merged; activeAt only with for', () => {
  const life = new AlertLifecycle();
  const events = life.apply(0, [hot(90), hot(99, { severity: 'critical' }), hot(91, { key: 'other' })]);
  assert.deepEqual(events.map((e) => [e.fingerprint, e.severity, e.currentValue]), [[KEY, 'warning', 90], ['other', 'warning', 91]], 'the first finding of a key wins');
  assert.notEqual(events[0]!.id, events[1]!.id);
  assert.equal(events[0]!.metadata['activeAt'], undefined, 'no for: no separate active time');
  const { labels: _l, rule: _r, ...noLabels } = hot(90, { key: 'bare' });
  const bare = life.apply(0, [noLabels])[0]!;
  assert.ok(!('labels' in bare) && !('rule' in bare));

  const held = { forMs: 10_000 };
  const pend = new AlertLifecycle();
  pend.apply(0, [hot(90, { ...held, metadata: { op: 'max', a: 1 } })]);
  pend.apply(5000, [hot(91, { ...held, metadata: { op: 'max', b: 2 } })]);
  assert.deepEqual([pend.pending()[0]!.metadata['a'], pend.pending()[0]!.metadata['b'], pend.pending()[0]!.currentValue], [1, 2, 91]);
  const [fired] = pend.apply(10_000, [hot(92, held)]);
  assert.equal(fired!.metadata['activeAt'], 0);

  const keep = new AlertLifecycle();
  keep.apply(0, [hot(90, { keepFiringForMs: 10_000 })]);
  assert.deepEqual(keep.apply(9999, []), []);
  assert.deepEqual(keep.apply(10_000, []).map((e) => e.status), ['resolved'], 'kept for exactly keep_firing_for, not longer');
  const late = new AlertLifecycle();
  late.apply(60_000, [hot(90)]);
  assert.match(late.apply(65_000, [])[0]!.message, / after 5 s$/, 'how long since it fired, not since the epoch');
  const gone = new AlertLifecycle();
  gone.apply(0, [hot(90)]);
  assert.deepEqual(gone.apply(0, [], [{ key: 'not-firing', value: 1, message: 'x' }]).map((e) => e.status), ['resolved'], 'a recovery for another key changes nothing');
});
