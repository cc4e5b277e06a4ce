import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AggregationGroups, type GroupTiming } from './groups.js';
import type { NotificationAlert } from './notification.js';

const S = 1000;
const timing: GroupTiming = { groupBy: ['component'], groupWaitMs: 30 * S, groupIntervalMs: 300 * S, repeatIntervalMs: 4 * 3600 * S, sendResolved: true };

function alert(fp: string, status: 'firing' | 'resolved', over: Partial<NotificationAlert> & { component?: string; severity?: string } = {}): NotificationAlert {
  return {
    status,
    labels: { alertname: 'HighCpu', component: over.component ?? 'system', severity: over.severity ?? 'warning', metric: 'cpu_usage', kind: 'threshold' },
    annotations: { summary: `${fp} ${status}` },
    startsAt: 0,
    endsAt: status === 'resolved' ? 1 : undefined,
    fingerprint: fp,
    generatorURL: 'http://127.0.0.1:9464/api/v1/alerts',
  };
}

function groups(t: GroupTiming = timing): AggregationGroups {
  let n = 0;
  return new AggregationGroups('hook', t, () => 'http://127.0.0.1:9464', () => `n${++n}`);
}

test('the first notification waits group_wait, then changes go out on group_interval ticks', () => {
  const g = groups();
  g.insert(0, alert('a', 'firing'));
  assert.equal(g.due(29 * S).length, 0);
  const [first] = g.due(30 * S);
  assert.ok(first);
  assert.equal(first.status, 'firing');
  assert.equal(first.groupKey, '{component="system"}');
  assert.deepEqual(first.alerts.map((a) => a.fingerprint), ['a']);
  g.insert(40 * S, alert('b', 'firing'));
  assert.equal(g.due(100 * S).length, 0, 'a new alert waits for the next group_interval tick');
  const [second] = g.due(330 * S);
  assert.deepEqual(second!.alerts.map((a) => a.fingerprint).sort(), ['a', 'b']);
});

test('an alert that fires and resolves inside group_wait is never sent', () => {
  const g = groups();
  g.insert(0, alert('a', 'firing'));
  g.insert(10 * S, alert('a', 'resolved'));
  assert.deepEqual(g.due(30 * S), []);
  assert.equal(g.size, 0, 'the empty group is dropped');
});

test('a resolution of an announced alert is sent once, then the group is gone', () => {
  const g = groups();
  g.insert(0, alert('a', 'firing'));
  assert.equal(g.due(30 * S).length, 1);
  g.insert(60 * S, alert('a', 'resolved'));
  const [r] = g.due(330 * S);
  assert.equal(r!.status, 'resolved');
  assert.equal(r!.alerts[0]!.status, 'resolved');
  assert.equal(g.size, 0);
  assert.deepEqual(g.due(630 * S), []);
});

test('send_resolved false: no resolution notification', () => {
  const g = groups({ ...timing, sendResolved: false });
  g.insert(0, alert('a', 'firing'));
  g.due(30 * S);
  g.insert(60 * S, alert('a', 'resolved'));
  assert.deepEqual(g.due(330 * S), []);
});

test('an unchanged firing group is repeated after repeat_interval, on a group_interval tick', () => {
  const g = groups({ ...timing, repeatIntervalMs: 600 * S });
  g.insert(0, alert('a', 'firing'));
  g.due(30 * S);
  assert.deepEqual(g.due(330 * S), [], 'nothing new after 300 s');
  const [rep] = g.due(630 * S);
  assert.equal(rep!.status, 'firing');
  const g0 = groups({ ...timing, repeatIntervalMs: 0 });
  g0.insert(0, alert('a', 'firing'));
  g0.due(30 * S);
  assert.deepEqual(g0.due(100_000 * S), [], 'repeat_interval 0 never repeats');
});

test('an escalation (same condition, higher severity) is news', () => {
  const g = groups();
  g.insert(0, alert('a', 'firing'));
  g.due(30 * S);
  g.insert(40 * S, alert('a', 'firing', { severity: 'critical' }));
  const [esc] = g.due(330 * S);
  assert.equal(esc!.alerts[0]!.labels['severity'], 'critical');
});

test('group_by puts alerts of different components in different groups; [] puts all in one', () => {
  const g = groups({ ...timing, groupWaitMs: 0 });
  g.insert(0, alert('a', 'firing', { component: 'vllm' }));
  g.insert(0, alert('b', 'firing', { component: 'system' }));
  assert.deepEqual(g.due(0).map((n) => n.groupKey).sort(), ['{component="system"}', '{component="vllm"}']);
  const one = groups({ ...timing, groupWaitMs: 0, groupBy: [] });
  one.insert(0, alert('a', 'firing', { component: 'vllm' }));
  one.insert(0, alert('b', 'firing', { component: 'system' }));
  const ns = one.due(0);
  assert.equal(ns.length, 1);
  assert.equal(ns[0]!.groupKey, '{}');
  assert.equal(ns[0]!.alerts.length, 2);
});

test('state saved and restored: a restart neither repeats nor forgets a resolution', () => {
  const g = groups();
  g.insert(0, alert('a', 'firing'));
  g.due(30 * S);
  const saved = g.takeChanged().map((c) => JSON.parse(JSON.stringify(c.saved)) as unknown);
  const back = groups();
  assert.deepEqual(back.restore(saved), []);
  assert.deepEqual(back.due(330 * S), [], 'already announced: not sent again');
  back.insert(400 * S, alert('a', 'resolved'));
  const [r] = back.due(630 * S);
  assert.equal(r!.status, 'resolved');
  assert.deepEqual(back.restore([{ key: 1 }, 'x', null]).length, 3, 'malformed rows are named, not loaded');
});

test('group labels from alert labels are plain keys (no prototype)', () => {
  const g = groups({ ...timing, groupWaitMs: 0, groupBy: ['__proto__', 'constructor'] });
  const a = alert('a', 'firing');
  g.insert(0, { ...a, labels: Object.assign(Object.create(null) as Record<string, string>, a.labels, { ['__proto__']: 'x' }) });
  const [n] = g.due(0);
  assert.equal(n!.groupKey, '{__proto__="x",constructor=""}');
});

test('a group looked at without news is not marked for saving', () => {
  const g = groups({ ...timing, groupWaitMs: 0, groupIntervalMs: 0 });
  g.insert(0, alert('a', 'firing'));
  g.due(0);
  assert.equal(g.takeChanged().length, 1);
  g.due(1000);
  g.due(2000);
  assert.deepEqual(g.takeChanged(), []);
});
