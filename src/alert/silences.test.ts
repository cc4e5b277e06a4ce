import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../core/clock.js';
import { EchoPerfError } from '../core/errors.js';
import { AlertSeverity } from '../core/severity.js';
import type { PerformanceAlert } from './alert.js';
import { inhibitions } from './inhibit.js';
import { alertLabels } from './labelSet.js';
import { EXPIRED_RETENTION_MS, MAX_SILENCE_MS, MAX_SILENCES, Silences } from './silences.js';
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

test('silence input limits sit where Alertmanager and the docs put them: 366 days, 120 h retention, 32 matchers, 4096 characters', () => {
  const clock = new ManualClock(T0);
  const s = new Silences(clock);
  const base = { matchers: 'a=b', duration: 60, createdBy: 'x', comment: 'y' };
  const detail = (field: string, ...parts: string[]) => (e: unknown) =>
    e instanceof EchoPerfError && (e.details[0] as { path: string }).path === field && parts.every((p) => e.message.includes(p));
  assert.equal(EXPIRED_RETENTION_MS, 5 * 86_400_000);
  assert.equal(MAX_SILENCE_MS, 366 * 86_400_000);
  assert.ok(s.add({ ...base, duration: MAX_SILENCE_MS / 1000 }));
  assert.throws(() => s.add({ ...base, duration: MAX_SILENCE_MS / 1000 + 1 }), detail('duration', 'at most 31622400'));
  assert.throws(() => s.add({ ...base, duration: 0 }), detail('duration', 'got 0;'));
  assert.throws(() => s.add({ ...base, duration: '60' as unknown as number }), detail('duration'));
  assert.throws(() => s.add({ ...base, duration: 10n as unknown as number }), detail('duration', 'got 10;'), 'a value JSON cannot show is still named');
  assert.throws(() => s.add({ ...base, endsAt: T0 + 60_000 }), refused('either endsAt or duration'));
  assert.throws(() => s.add({ matchers: 'a=b', createdBy: 'x', comment: 'y' }), detail('endsAt', 'an end time'));
  const { duration: _d, ...noDuration } = base;
  assert.ok(s.add({ ...noDuration, endsAt: T0 + MAX_SILENCE_MS }));
  assert.throws(() => s.add({ ...noDuration, endsAt: T0 + MAX_SILENCE_MS + 1 }), detail('endsAt', 'at most 366 days'));
  assert.throws(() => s.add({ ...noDuration, endsAt: T0 }), detail('endsAt', 'after startsAt'), 'the window is half-open: it must not be empty');
  assert.throws(() => s.add({ ...noDuration, endsAt: 8.64e15 }), detail('endsAt', 'days after startsAt'), 'the largest Date is a time');
  assert.throws(() => s.add({ ...noDuration, endsAt: 8.64e15 + 1 }), detail('endsAt', 'RFC 3339'));
  assert.throws(() => s.add({ ...noDuration, endsAt: `${new Date(T0 + 60_000).toISOString()}${' '.repeat(60)}` }), detail('endsAt'), 'time text is at most 64 characters');
  assert.equal(s.add({ ...noDuration, endsAt: new Date(T0 + 60_000) }).endsAt, new Date(T0 + 60_000).toISOString());
  assert.equal(s.add({ ...base, startsAt: 0 }).startsAt, new Date(T0).toISOString(), 'the epoch is a time, and a start in the past is now');
  assert.throws(() => s.add({ ...base, startsAt: -1 }), detail('startsAt'));
  assert.throws(() => s.add({ ...base, createdBy: '   ' }), detail('createdBy'));
  assert.equal(s.add({ ...base, comment: 'c'.repeat(4096) }).comment.length, 4096);
  assert.throws(() => s.add(null as unknown as typeof base), detail('silence'));
  assert.throws(() => s.add({ ...base, matchers: [] }), detail('matchers', 'non-empty list'));
  assert.throws(() => s.add({ ...base, matchers: 5 as unknown as string }), detail('matchers'));
  for (const m of [null, 5, ['a=b']]) assert.throws(() => s.add({ ...base, matchers: [m as unknown as string] }), detail('matchers[0]'));
  const many = (n: number) => Array.from({ length: n }, (_, i) => `l${i}=x`);
  assert.equal(s.add({ ...base, matchers: many(32) }).matchers.length, 32);
  assert.throws(() => s.add({ ...base, matchers: many(33) }), detail('matchers.length'));
  const pairs = (n: number) => Array.from({ length: n }, (_, i) => `{a${i}="1", b${i}="2"}`);
  assert.equal(s.add({ ...base, matchers: pairs(16) }).matchers.length, 32);
  assert.throws(() => s.add({ ...base, matchers: pairs(17) }), detail('matchers.length'), 'counted after each string is parsed');
  assert.deepEqual(s.add({ ...base, matchers: ['a=b', 'c=~".*"'] }).matchers, [
    { name: 'a', value: 'b', isRegex: false, isEqual: true },
    { name: 'c', value: '.*', isRegex: true, isEqual: true },
  ], 'one matcher that needs a label is enough');
  assert.throws(() => s.list({ state: 'bogus' as 'active' }), detail('state'));
  assert.throws(() => s.expire(5 as unknown as string), detail('id'));
  assert.equal(s.get('no-such-id'), undefined);
});

test('silences are listed newest first; expiring changes only what is not expired; every change moves the version; retention ends inclusive', async () => {
  const clock = new ManualClock(T0);
  const s = new Silences(clock);
  const base = { matchers: 'a=b', duration: 60, createdBy: 'x', comment: 'y' };
  const v0 = s.version;
  const first = s.add(base);
  await clock.advance(1000);
  const second = s.add(base);
  assert.ok(s.version > v0);
  assert.deepEqual(s.list().map((x) => x.id), [second.id, first.id]);
  let v = s.version;
  assert.equal(s.expire(first.id)!.startsAt, first.startsAt, 'an active silence keeps its start');
  assert.ok(s.version > v);
  v = s.version;
  const endedAt = s.get(first.id)!.endsAt;
  await clock.advance(1000);
  assert.equal(s.expire(first.id)!.endsAt, endedAt, 'expiring an expired silence changes nothing');
  assert.equal(s.version, v);
  // Kept while the time since its end is at most the retention (Alertmanager's --data.retention).
  await clock.advance(EXPIRED_RETENTION_MS - 1000);
  assert.ok(s.list().some((x) => x.id === first.id), 'still kept at exactly the retention');
  const restoredAtLimit = new Silences(clock);
  assert.equal(restoredAtLimit.restore(s.save()).restored, 2, 'restore keeps one expired exactly the retention ago');
  v = s.version;
  await clock.advance(1);
  assert.deepEqual(s.list().map((x) => x.id), [second.id]);
  assert.ok(s.version > v, 'dropping an expired silence is a change');
  const other = new Silences(clock);
  const v1 = other.version;
  assert.deepEqual(other.restore([]), { restored: 0, problems: [] });
  assert.equal(other.version, v1, 'restoring nothing changes nothing');
  other.restore(s.save());
  assert.ok(other.version > v1);
});

test('a full set drops the silence that expired first, and keeps expired ones while there is room', async () => {
  const clock = new ManualClock(T0);
  const s = new Silences(clock);
  const base = { matchers: 'a=b', duration: 3600, createdBy: 'x', comment: 'y' };
  const ids = Array.from({ length: MAX_SILENCES }, () => s.add(base).id);
  s.expire(ids[5]!);
  await clock.advance(1000);
  s.expire(ids[3]!);
  s.add(base);
  assert.equal(s.get(ids[5]!), undefined, 'the one that ended first made room');
  assert.equal(s.get(ids[3]!)!.status.state, 'expired');

  const roomy = new Silences(clock);
  const kept = roomy.add(base);
  roomy.expire(kept.id);
  roomy.add(base);
  assert.equal(roomy.get(kept.id)!.status.state, 'expired', 'nothing is dropped while there is room');
});

test('restore is bounded: at most MAX_SILENCES kept, 20 problems told; a record must be an object under its own UUID with a window', () => {
  const clock = new ManualClock(T0);
  const src = new Silences(clock);
  const sil = src.add({ matchers: 'a=b', duration: 60, createdBy: 'x', comment: 'y' });
  const [key, saved] = (JSON.parse(JSON.stringify(src.save())) as [string, Record<string, unknown>][])[0]!;
  assert.equal(key, sil.id);
  const uuid = (i: number) => `${i.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
  const entry = (i: number, over: Record<string, unknown> = {}): [string, unknown] => [uuid(i), { ...saved, id: uuid(i), ...over }];

  const b = new Silences(clock);
  const r = b.restore([
    [`x${key}`, { ...saved, id: `x${key}` }],
    [`${key}x`, { ...saved, id: `${key}x` }],
    [key, null],
    [key, { ...saved, id: uuid(9) }],
    entry(1, { endsAt: T0 - 1, startsAt: T0 }),
    entry(2, { startsAt: T0 + 60_000, endsAt: T0 + 60_000 }),
  ]);
  assert.equal(r.restored, 1, 'an empty window (an expired silence) is a valid record');
  assert.deepEqual(r.problems.map((p) => p.split(':')[0]), ['silences[0].id', 'silences[1].id', 'silences[2]', 'silences[3].id', 'silences[4].endsAt']);

  const c = new Silences(clock);
  const full = c.restore(Array.from({ length: MAX_SILENCES + 5 }, (_, i) => entry(i + 100)));
  assert.equal(full.restored, MAX_SILENCES);
  assert.equal(c.size, MAX_SILENCES);
  const noisy = new Silences(clock).restore(Array.from({ length: 25 }, (_, i) => [`bad-${i}`, {}] as [string, unknown]));
  assert.equal(noisy.problems.length, 20);
});

test('inhibition edges: resolved alerts neither mute nor are muted; every source is named; the engine comes from labels, metadata or component', () => {
  const crit1 = alert({ fingerprint: 'c1', severity: AlertSeverity.CRITICAL, rule: 'r1' });
  const crit2 = alert({ fingerprint: 'c2', severity: AlertSeverity.CRITICAL, rule: 'r2' });
  const warn = alert({ fingerprint: 'w' });
  assert.deepEqual(inhibitions([crit1, crit2, warn]).get('w'), ['c1', 'c2']);
  assert.equal(inhibitions([{ ...crit1, status: 'resolved', endsAt: T0 }, warn]).size, 0, 'a resolved critical mutes nothing');
  assert.equal(inhibitions([crit1, { ...warn, status: 'resolved', endsAt: T0 }]).size, 0, 'a resolved warning is not listed');

  const stalledTgi = alert({ fingerprint: 'stalled', kind: 'engine', severity: AlertSeverity.CRITICAL, component: 'engines', metric: 'engine_stalled', metadata: { engine: 'tgi' } });
  const tgiLatency = alert({ fingerprint: 'lat', component: 'tgi', metric: 'request_latency_ms' });
  const enginesLatency = alert({ fingerprint: 'lat2', component: 'engines', metric: 'request_latency_ms' });
  const inh = inhibitions([stalledTgi, tgiLatency, enginesLatency]);
  assert.deepEqual(inh.get('lat'), ['stalled'], 'an engine named in metadata; a symptom without labels is the component');
  assert.equal(inh.get('lat2'), undefined);

  const down = alert({ fingerprint: 'down', kind: 'target', component: 'scrape:tgi', metric: 'up', labels: { engine: 'tgi' } });
  const baseline = alert({ fingerprint: 'base', kind: 'baseline', metric: 'kv_cache_usage', labels: { engine: 'tgi' } });
  const slowStall = alert({ fingerprint: 'stall2', kind: 'engine', component: 'tgi', metric: 'ttft_stalled', labels: { engine: 'tgi' } });
  const inh2 = inhibitions([down, baseline, slowStall]);
  assert.deepEqual(inh2.get('base'), ['down', 'stall2'], 'a baseline alert follows from the outage whatever its metric');
  assert.equal(inh2.get('stall2'), undefined, 'an alert on the source side of the rule is not muted by it');
});

test('suppression edges: unmuted events go straight through, inhibited ones are held, restored ones are not told again; status and annotation of resolved alerts', () => {
  const sup = new Suppressor(new Silences(new ManualClock(T0)));
  const fresh = alert({ fingerprint: 'fresh' });
  assert.deepEqual(sup.statusOf(fresh), { state: 'active', silencedBy: [], inhibitedBy: [] });
  assert.deepEqual(sup.filter([fresh], [fresh], T0), [fresh]);
  assert.deepEqual(sup.annotate(fresh).metadata, { op: 'max', suppressed: false, silencedBy: [], inhibitedBy: [] });

  const crit = alert({ fingerprint: 'crit', id: 'crit', severity: AlertSeverity.CRITICAL, rule: 'r' });
  const warn = alert({ fingerprint: 'warn', id: 'warn' });
  assert.deepEqual(sup.filter([crit, warn], [crit, warn], T0).map((a) => a.id), ['crit']);
  assert.deepEqual(sup.statusOf(warn), { state: 'suppressed', silencedBy: [], inhibitedBy: ['crit'] });
  const warnResolved = { ...warn, status: 'resolved' as const, endsAt: T0 };
  assert.deepEqual(sup.statusOf(warnResolved), { state: 'active', silencedBy: [], inhibitedBy: [] });
  assert.equal(sup.annotate(warnResolved), warnResolved, 'a resolved alert is not annotated');

  const restored = alert({ fingerprint: 'restored', id: 'restored' });
  const after = new Suppressor(new Silences(new ManualClock(T0)));
  assert.deepEqual(after.filter([], [restored], T0), [], 'restored after a restart: its handlers heard of it before');
  assert.deepEqual(after.filter([{ ...restored, status: 'resolved', endsAt: T0 }], [], T0).map((a) => a.status), ['resolved']);
});
