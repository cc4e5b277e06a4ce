import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../core/clock.js';
import { EchoPerfError } from '../core/errors.js';
import { AlertSeverity } from '../core/severity.js';
import type { PerformanceAlert } from './alert.js';
import { inhibitions } from './inhibit.js';
import { alertLabels } from './labelSet.js';
import { EXPIRED_RETENTION_MS, MAX_SILENCES, Silences } from './silences.js';
import { Suppressor } from './suppress.js';

const T0 = Date.UTC(2026, 0, 1);
const refused = (...parts: string[]) => (e: unknown) => e instanceof EchoPerfError && parts.every((p) => e.message.includes(p));

function alert(over: Partial<PerformanceAlert> & Pick<PerformanceAlert, 'fingerprint'>): PerformanceAlert {
  return {
    id: over.fingerprint,
    kind: 'threshold',
    severity: AlertSeverity.WARNING,
    component: 'engine',
    metric: 'request_latency_ms',
    currentValue: 1,
    threshold: 0,
    message: 'm',
    timestamp: T0,
    status: 'firing',
    endsAt: undefined,
    metadata: { op: 'max' },
    ...over,
  };
}

test('a silence is pending before its window, active inside it, expired after; it silences only the alerts every matcher matches', async () => {
  const clock = new ManualClock(T0);
  const s = new Silences(clock);
  const sil = s.add({ matchers: 'alertname="HighRequestLatency", engine=~"vllm-.*"', startsAt: T0 + 60_000, duration: 600, createdBy: 'ops', comment: 'deploy' });
  assert.equal(sil.status.state, 'pending');
  assert.equal(sil.startsAt, new Date(T0 + 60_000).toISOString());
  const hit = alertLabels(alert({ fingerprint: 'a', labels: { engine: 'vllm-1' } }));
  const miss = alertLabels(alert({ fingerprint: 'b', labels: { engine: 'tgi-1' } }));
  assert.deepEqual(s.silencedBy(hit, T0), []);
  await clock.advance(60_000);
  assert.deepEqual(s.silencedBy(hit, clock.now()), [sil.id]);
  assert.deepEqual(s.silencedBy(miss, clock.now()), []);
  assert.deepEqual(s.list({ state: 'active' }).map((x) => x.id), [sil.id]);
  await clock.advance(600_000);
  assert.deepEqual(s.silencedBy(hit, clock.now()), [], 'endsAt is exclusive');
  assert.equal(s.get(sil.id)!.status.state, 'expired');
  await clock.advance(EXPIRED_RETENTION_MS + 1);
  assert.equal(s.list().length, 0, 'expired silences are dropped after their retention');
});

test('expire ends an active silence now and a pending one before it starts; an unknown id is undefined', async () => {
  const clock = new ManualClock(T0);
  const s = new Silences(clock);
  const active = s.add({ matchers: ['severity=warning'], duration: 3600, createdBy: 'a', comment: 'c' });
  const pending = s.add({ matchers: [{ name: 'component', value: 'gpu' }], startsAt: T0 + 3_600_000, endsAt: T0 + 7_200_000, createdBy: 'a', comment: 'c' });
  await clock.advance(1000);
  assert.equal(s.expire(active.id)!.endsAt, new Date(T0 + 1000).toISOString());
  assert.equal(s.expire(pending.id)!.status.state, 'expired');
  assert.equal(s.expire('no-such-id'), undefined);
  assert.deepEqual(s.list({ state: 'active' }), []);
});

test('bad silences are refused naming the field; the count is bounded and expired ones make room', () => {
  const clock = new ManualClock(T0);
  const s = new Silences(clock);
  const base = { matchers: 'a=b', duration: 60, createdBy: 'x', comment: 'y' };
  assert.throws(() => s.add({ ...base, matchers: 'a=~".*"' }), refused('matchers', 'must not match every alert'));
  assert.throws(() => s.add({ ...base, duration: -1 }), refused('duration', 'seconds > 0'));
  assert.throws(() => s.add({ matchers: 'a=b', createdBy: 'x', comment: 'y', endsAt: T0 - 1 }), refused('endsAt', 'after startsAt'));
  assert.throws(() => s.add({ matchers: 'a=b', createdBy: 'x', comment: 'y', endsAt: 'tomorrow' }), refused('endsAt', 'RFC 3339'));
  assert.throws(() => s.add({ ...base, createdBy: '' }), refused('createdBy', 'non-empty'));
  assert.throws(() => s.add({ ...base, comment: 'c'.repeat(5000) }), refused('comment', 'at most 4096'));
  for (let i = 0; i < MAX_SILENCES; i++) s.add(base);
  assert.throws(() => s.add(base), refused(`at most ${MAX_SILENCES} silences`));
  s.expire(s.list()[0]!.id);
  assert.ok(s.add(base).id, 'an expired silence gives way to a new one');
  assert.equal(s.size, MAX_SILENCES);
});

test('saved silences come back; hostile records are skipped with the reason', () => {
  const clock = new ManualClock(T0);
  const a = new Silences(clock);
  const sil = a.add({ matchers: 'engine="vllm"', duration: 60, createdBy: 'x', comment: 'y' });
  const saved = JSON.parse(JSON.stringify(a.save())) as [string, unknown][];
  const b = new Silences(clock);
  const r = b.restore([...saved, ['not-a-uuid', {}], [saved[0]![0].replace(/^./, 'f'), { ...(saved[0]![1] as object), id: saved[0]![0].replace(/^./, 'f'), matchers: [{ name: 'a', value: '(a+)+', isRegex: true, isEqual: true }] }]]);
  assert.equal(r.restored, 1);
  assert.equal(r.problems.length, 2);
  assert.match(r.problems.join('\n'), /id.*UUID/);
  assert.match(r.problems.join('\n'), /quantified group/);
  assert.deepEqual(b.get(sil.id), sil);
});

test('inhibition: a CRITICAL mutes the WARNING of the same series, not of another; a down engine mutes its latency, throughput and anomaly alerts', () => {
  const crit = alert({ fingerprint: 'crit', severity: AlertSeverity.CRITICAL, labels: { engine: 'vllm', model: 'm' }, rule: 'latency-critical' });
  const warn = alert({ fingerprint: 'warn', labels: { engine: 'vllm', model: 'm' }, rule: 'latency-warning' });
  const trend = alert({ fingerprint: 'trend', kind: 'trend', labels: { model: 'm', engine: 'vllm' } });
  const other = alert({ fingerprint: 'other', labels: { engine: 'vllm', model: 'm2' } });
  const inh = inhibitions([crit, warn, trend, other]);
  assert.deepEqual(inh.get('warn'), ['crit']);
  assert.deepEqual(inh.get('trend'), ['crit'], 'labels are compared as a set, in any order');
  assert.equal(inh.get('other'), undefined);
  assert.equal(inh.get('crit'), undefined, 'the source is never muted by its own rule');

  const down = alert({ fingerprint: 'target:tgi', kind: 'target', component: 'tgi', metric: 'up' });
  const ttft = alert({ fingerprint: 'ttft', metric: 'ttft_ms_p95', component: 'tgi', labels: { engine: 'tgi' } });
  const tput = alert({ fingerprint: 'tput', metric: 'token_throughput', component: 'engines', labels: { engine: 'tgi' } });
  const anomaly = alert({ fingerprint: 'anom', kind: 'anomaly', metric: 'kv_cache_usage', labels: { engine: 'tgi' } });
  const kv = alert({ fingerprint: 'kv', metric: 'kv_cache_usage', labels: { engine: 'tgi' } });
  const elsewhere = alert({ fingerprint: 'vllm-lat', labels: { engine: 'vllm' } });
  const stalled = alert({ fingerprint: 'engine_stalled:vllm', kind: 'engine', severity: AlertSeverity.CRITICAL, component: 'vllm', metric: 'engine_stalled', metadata: { engine: 'vllm' } });
  const inh2 = inhibitions([down, ttft, tput, anomaly, kv, elsewhere]);
  assert.deepEqual([...inh2.keys()].sort(), ['anom', 'tput', 'ttft']);
  assert.deepEqual(inh2.get('ttft'), ['target:tgi']);
  assert.deepEqual(inhibitions([stalled, elsewhere]).get('vllm-lat'), ['engine_stalled:vllm']);
});

test('a muted alert is held back and delivered once nothing mutes it while it still fires; its resolution follows its firing', async () => {
  const clock = new ManualClock(T0);
  const silences = new Silences(clock);
  const sup = new Suppressor(silences);
  const sil = silences.add({ matchers: 'metric="request_latency_ms"', duration: 60, createdBy: 'x', comment: 'y' });
  const a = alert({ fingerprint: 'a' });
  assert.deepEqual(sup.filter([a], [a], clock.now()), [], 'silenced: held');
  assert.deepEqual(sup.statusOf(a), { state: 'suppressed', silencedBy: [sil.id], inhibitedBy: [] });
  assert.equal(sup.annotate(a).metadata['suppressed'], true);
  await clock.advance(30_000);
  assert.deepEqual(sup.filter([], [a], clock.now()), []);
  await clock.advance(30_000);
  assert.deepEqual(sup.filter([], [a], clock.now()), [a], 'delivered once the silence ended');
  assert.deepEqual(sup.filter([], [a], clock.now()), [], 'once');
  const resolved = { ...a, status: 'resolved' as const, endsAt: clock.now() };
  assert.deepEqual(sup.filter([resolved], [], clock.now()), [resolved]);

  silences.add({ matchers: 'metric="request_latency_ms"', duration: 60, createdBy: 'x', comment: 'y' });
  const b = alert({ fingerprint: 'b', id: 'b1' });
  assert.deepEqual(sup.filter([b], [b], clock.now()), []);
  assert.deepEqual(sup.filter([{ ...b, status: 'resolved', endsAt: clock.now() }], [], clock.now()), [], 'never told it fired: not told it resolved');
});
