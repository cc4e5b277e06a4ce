import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryLogger } from '../core/logger.js';
import { AlertSeverity } from '../core/severity.js';
import type { Finding } from '../analyze/finding.js';
import type { PerformanceAlert } from './alert.js';
import { alertName } from './alertName.js';
import { alertLabels } from './labelSet.js';
import { AlertLog } from './log.js';
import { checkAlertRecord } from './record.js';

const hot = (value: number): Finding => ({
  key: 'threshold:cpu_usage:host',
  kind: 'threshold',
  severity: AlertSeverity.WARNING,
  component: 'host',
  metric: 'cpu_usage',
  value,
  threshold: 85,
  message: `High CPU usage: ${value}% > 85%`,
  metadata: { op: 'max' },
});

test('one record per incident: fired, updated while it holds, resolved; ALERTS while firing', () => {
  const log = new AlertLog(10, new MemoryLogger());
  assert.deepEqual(log.apply(1000, [hot(90)]).map((e) => e.status), ['firing']);
  assert.deepEqual(log.apply(2000, [hot(99)]), []);
  assert.equal(log.history.at(-1)!.metadata['worstValue'], 99);
  assert.deepEqual(log.series(2000).map((s) => s.labels['alertname']), ['HighCpuUsage']);
  assert.deepEqual(log.apply(3000, []).map((e) => [e.status, e.endsAt]), [['resolved', 3000]]);
  assert.equal(log.history.length, 1);
  assert.deepEqual(log.since(0).map((a) => a.status), ['resolved']);
  assert.deepEqual(log.since(5000), []);
});

test('restore after a restart: a firing incident fires on without a new event, and resolves with one', () => {
  const before = new AlertLog(10, new MemoryLogger());
  before.apply(1000, [hot(95)]);
  const kept = JSON.parse(JSON.stringify(before.history.toArray())) as unknown[];

  const after = new AlertLog(10, new MemoryLogger());
  assert.deepEqual(after.restore(kept), { restored: 1, problems: [] });
  assert.deepEqual(after.firing().map((a) => a.fingerprint), ['threshold:cpu_usage:host']);
  assert.deepEqual(after.apply(5000, [hot(96)]), [], 'still firing: nobody is told again');
  assert.equal(after.history.length, 1);
  assert.equal(after.history.at(0)!.metadata['worstValue'], 96);
  const resolved = after.apply(6000, []);
  assert.deepEqual(resolved.map((e) => [e.status, e.id, e.timestamp]), [['resolved', before.history.at(0)!.id, 1000]]);
});

test('restore skips bad records, each named with its field, and keeps at most the history length', () => {
  const log = new AlertLog(2, new MemoryLogger());
  const good = { id: 'a', fingerprint: 'f', kind: 'threshold', severity: 'warning', component: 'c', metric: 'm', currentValue: 1, threshold: 0, message: 'x', timestamp: 1, status: 'resolved', endsAt: 2, metadata: {} };
  const r = log.restore([
    good,
    { ...good, id: 'b', severity: 'loud' },
    { ...good, id: 'c', status: 'firing', endsAt: undefined },
    { ...good, id: 'd', status: 'firing', endsAt: undefined },
    'x'.repeat(500),
  ]);
  assert.equal(r.restored, 1, 'only the last two records fit a history of 2; of those, one is refused');
  assert.deepEqual(r.problems.length, 1);
  assert.match(r.problems[0]!, /^records\[4\]: got "x{100}…"; expected an alert record object$/);
  const all = new AlertLog(10, new MemoryLogger()).restore([good, { ...good, id: 'b', severity: 'loud' }, { ...good, id: 'c', status: 'firing', endsAt: undefined }, { ...good, id: 'd', status: 'firing', endsAt: undefined }, { ...good, timestamp: 'soon' }]);
  assert.deepEqual(all.problems, [
    'records[1].severity: got "loud"; expected one of info, warning, critical',
    'records[3].fingerprint: got "f"; expected one firing incident per fingerprint',
    'records[4].timestamp: got "soon"; expected a time in ms since the epoch',
  ]);
  assert.equal(all.restored, 2);
});

test('restore takes back labels and rule, checked: bad labels are refused naming the label', () => {
  const log = new AlertLog(10, new MemoryLogger());
  const rec = { id: 'a', fingerprint: 'f', kind: 'threshold', severity: 'warning', component: 'c', metric: 'm', currentValue: 1, threshold: 0, message: 'x', timestamp: 1, status: 'firing', metadata: {}, labels: { gpu: '0' }, rule: 'threshold:m' };
  assert.deepEqual(log.restore([rec]), { restored: 1, problems: [] });
  assert.deepEqual([log.firing()[0]!.labels, log.firing()[0]!.rule], [{ gpu: '0' }, 'threshold:m']);
  const bad = new AlertLog(10, new MemoryLogger()).restore([
    { ...rec, labels: { 'bad-name': 'x' } },
    { ...rec, id: 'b', labels: { gpu: 7 } },
    { ...rec, id: 'c', labels: [] },
    { ...rec, id: 'd', rule: 42 },
  ]);
  assert.deepEqual(bad.problems, [
    'records[0].labels.bad-name: got "x"; expected an object of at most 64 label names to strings of at most 4096 characters',
    'records[1].labels.gpu: got 7; expected an object of at most 64 label names to strings of at most 4096 characters',
    'records[2].labels: got []; expected an object of at most 64 label names to strings of at most 4096 characters',
    'records[3].rule: got 42; expected a rule name of at most 4096 characters',
  ]);
});

test('a record read back is checked field by field, at the 4096-character and 64-label limits, and copied', () => {
  const good = {
    id: 'i1',
    fingerprint: 'f',
    component: 'host',
    metric: 'cpu_usage',
    message: 'm',
    currentValue: 90,
    threshold: 85,
    timestamp: 1000,
    kind: 'threshold',
    severity: 'warning',
    status: 'firing',
  };
  const problem = (over: Record<string, unknown>) => {
    const r = checkAlertRecord({ ...good, ...over }, 'r');
    return typeof r === 'string' ? r.split(':')[0] : 'ok';
  };
  const long = 'x'.repeat(4097);
  const labels64 = Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`l${i}`, 'v']));
  const cases: [Record<string, unknown>, string][] = [
    [{ id: '' }, 'r.id'],
    [{ message: long }, 'r.message'],
    [{ message: long.slice(1) }, 'ok'],
    [{ component: 5 }, 'r.component'],
    [{ currentValue: '90' }, 'r.currentValue'],
    [{ threshold: undefined }, 'r.threshold'],
    [{ timestamp: Infinity }, 'r.timestamp'],
    [{ kind: 5 }, 'r.kind'],
    [{ kind: 'bogus' }, 'r.kind'],
    [{ severity: 5 }, 'r.severity'],
    [{ status: 'pending' }, 'r.status'],
    [{ status: 'resolved' }, 'r.endsAt'],
    [{ status: 'resolved', endsAt: 2000 }, 'ok'],
    [{ endsAt: 2000 }, 'r.endsAt'],
    [{ endsAt: null }, 'ok'],
    [{ metadata: null }, 'ok'],
    [{ metadata: 5 }, 'r.metadata'],
    [{ metadata: [] }, 'r.metadata'],
    [{ rule: '' }, 'r.rule'],
    [{ rule: 5 }, 'r.rule'],
    [{ rule: long }, 'r.rule'],
    [{ rule: long.slice(1) }, 'ok'],
    [{ labels: 5 }, 'r.labels'],
    [{ labels: [] }, 'r.labels'],
    [{ labels: labels64 }, 'ok'],
    [{ labels: { ...labels64, l64: 'v' } }, 'r.labels'],
    [{ labels: { gpu: long } }, 'r.labels.gpu'],
    [{ labels: { gpu: long.slice(1) } }, 'ok'],
  ];
  for (const [over, expected] of cases) assert.equal(problem(over), expected, JSON.stringify(over).slice(0, 80));
  assert.match(checkAlertRecord([good], 'r') as string, /^r: got \[\{"id":"i1".*; expected an alert record object$/);
  assert.match(checkAlertRecord(null, 'r') as string, /^r: got null; expected an alert record object$/);

  const metadata = { op: 'max' };
  const firing = checkAlertRecord({ ...good, metadata, endsAt: null }, 'r') as PerformanceAlert;
  assert.deepEqual(firing.metadata, metadata);
  assert.notEqual(firing.metadata, metadata, 'a copy, not the value read');
  assert.equal(firing.endsAt, undefined);
  assert.ok(!('labels' in firing) && !('rule' in firing));
  const resolved = checkAlertRecord({ ...good, status: 'resolved', endsAt: 2000, rule: 'cpu-high', labels: { gpu: '0' } }, 'r') as PerformanceAlert;
  assert.deepEqual([resolved.status, resolved.endsAt, resolved.rule, resolved.labels], ['resolved', 2000, 'cpu-high', { gpu: '0' }]);
});

test('alertname: one CamelCase name per kind of condition, the unit dropped, any separator splitting words', () => {
  const name = (kind: Finding['kind'], metric: string, op?: string) => alertName({ kind, metric, metadata: op === undefined ? {} : { op } });
  assert.deepEqual(
    [
      name('threshold', 'token_throughput', 'min'),
      name('component', 'cpu_usage', 'max'),
      name('threshold', 'cpu_usage'),
      name('trend', 'token_throughput'),
      name('baseline', 'request_latency_ms'),
      name('anomaly', 'kv_cache_usage_percent'),
      name('forecast', 'gpu_memory_bytes'),
      name('slo', 'ttft_seconds'),
      name('staleness', 'x'),
      name('target', 'up'),
      name('engine', 'engine_stalled'),
    ],
    [
      'LowTokenThroughput',
      'HighCpuUsage',
      'CpuUsage',
      'TokenThroughputDegrading',
      'RequestLatencyOffBaseline',
      'KvCacheUsageAnomalous',
      'GpuMemoryForecastBreach',
      'TtftErrorBudgetBurn',
      'ComponentStale',
      'TargetDown',
      'EngineStalled',
    ],
  );
  assert.equal(name('engine', '_echo.dash--write failed'), 'EchoDashWriteFailed');
  assert.equal(name('engine', '__'), 'Alert', 'a metric with no word still gets a name');
});

test('the label set silences match: series labels first, the five alert labels on top, severity lower-case, non-strings dropped', () => {
  const labels = alertLabels({
    kind: 'threshold',
    metric: 'cpu_usage',
    metadata: { op: 'max' },
    severity: AlertSeverity.CRITICAL,
    component: 'host',
    labels: { host: 'a', severity: 'info', kind: 'x', gpu: 7 as unknown as string },
  });
  assert.deepEqual({ ...labels }, { host: 'a', severity: 'critical', kind: 'threshold', alertname: 'HighCpuUsage', component: 'host', metric: 'cpu_usage' });
  const log = new AlertLog(10, new MemoryLogger());
  log.apply(1000, [{ ...hot(90), severity: AlertSeverity.CRITICAL }]);
  assert.deepEqual(log.series(1000).map((s) => [s.name, s.labels['severity']]), [['ALERTS', 'critical']]);
});
