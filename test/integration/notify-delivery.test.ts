/**
 * Alert delivery end to end: a monitor's alerts reach a real webhook receiver
 * on 127.0.0.1 in Alertmanager's payload shape; a receiver outage loses
 * nothing (every notification, in order, once, when it is back); the outbox
 * and the notification log survive a restart.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ManualClock } from '../../src/core/clock.js';
import { MemoryLogger } from '../../src/core/logger.js';
import type { EchoPerfConfigInput } from '../../src/config/index.js';
import { UnifiedPerformanceMonitor } from '../../src/monitor/unifiedMonitor.js';
import type { WebhookPayload } from '../../src/notify/notification.js';
import { startReceiver, type Receiver } from '../helpers/webhookReceiver.js';

const T0 = Date.parse('2026-11-27T12:00:00Z');

function config(url: string, over: Record<string, unknown> = {}): EchoPerfConfigInput {
  return {
    log_level: 'silent',
    default_rules: false,
    degradation_detection: { enabled: false },
    rules: [{ kind: 'threshold', name: 'hot', metric: 'rig_temperature', above: { warning: 80, critical: 95 }, for: 0 }],
    notifiers: [{ type: 'webhook', name: 'oncall', url, group_wait: 0, group_interval: 0, retry: { initial_backoff: 0.1, max_backoff: 0.4 }, ...over }],
  };
}

function monitor(t: { after(fn: () => Promise<void>): void }, cfg: EchoPerfConfigInput, clock: ManualClock, dataDir?: string) {
  const temp = { v: 50 };
  const m = new UnifiedPerformanceMonitor({
    config: dataDir === undefined ? cfg : { ...cfg, storage: { enabled: true, data_dir: dataDir, flush_interval: 0.1 } },
    clock,
    logger: new MemoryLogger(),
    systemCollector: false,
    gpuCollector: false,
  });
  m.registerCollector('rig', () => ({ rig_temperature: temp.v }));
  t.after(() => m.close());
  return { m, temp };
}

async function step(m: UnifiedPerformanceMonitor, clock: ManualClock, temp: { v: number }, v: number): Promise<void> {
  temp.v = v;
  await clock.advance(1000);
  await m.collectNow();
}

const payloads = (r: Receiver): WebhookPayload[] => r.got.map((g) => g.body as WebhookPayload);

test('a firing alert and its resolution reach the webhook in Alertmanager’s payload shape', async (t) => {
  const r = await startReceiver(t);
  const clock = new ManualClock(T0);
  const { m, temp } = monitor(t, config(r.url), clock);
  await step(m, clock, temp, 91);
  await r.waitFor(1);
  await step(m, clock, temp, 60);
  await r.waitFor(2);
  await m.flushAlerts();
  const [fire, res] = payloads(r);
  assert.equal(fire!.version, '4');
  assert.equal(fire!.status, 'firing');
  assert.equal(fire!.receiver, 'oncall');
  assert.equal(fire!.groupKey, '{component="rig"}');
  assert.deepEqual(fire!.groupLabels, { component: 'rig' });
  const a = fire!.alerts[0]!;
  assert.equal(a.labels['alertname'], 'HighRigTemperature');
  assert.equal(a.labels['severity'], 'warning');
  assert.equal(a.labels['component'], 'rig');
  assert.equal(a.labels['metric'], 'rig_temperature');
  assert.match(a.annotations['summary']!, /rig_temperature|temperature/i);
  assert.equal(a.startsAt, new Date(T0 + 1000).toISOString());
  assert.equal(a.endsAt, '0001-01-01T00:00:00Z');
  assert.equal(res!.status, 'resolved');
  assert.equal(res!.alerts[0]!.status, 'resolved');
  assert.equal(res!.alerts[0]!.fingerprint, a.fingerprint);
  assert.equal(r.got[0]!.headers['x-echo-perf-notification-id'] !== r.got[1]!.headers['x-echo-perf-notification-id'], true);
  const s = m.notifierStatus()[0]!;
  assert.equal(s.sent, 2);
  assert.equal(s.queued, 0);
});

test('a receiver down through four notifications gets all four when back: in order, once', async (t) => {
  const r = await startReceiver(t);
  await r.stop();
  const clock = new ManualClock(T0);
  const { m, temp } = monitor(t, config(r.url), clock);
  for (const v of [91, 60, 97, 60]) {
    await step(m, clock, temp, v);
    await m.flushAlerts();
  }
  await clock.advance(1000); // retries fail: still down
  await m.flushAlerts();
  const down = m.notifierStatus()[0]!;
  assert.equal(down.sent, 0);
  assert.equal(down.queued, 4);
  assert.ok(down.retried >= 1, `retried ${down.retried}`);
  assert.match(down.lastError ?? '', /ECONNREFUSED|refused|connect/i);
  const metrics = m.selfSamples(clock.now()).filter((s) => s.name.startsWith('echo_perf_notification'));
  assert.equal(metrics.find((s) => s.name === 'echo_perf_notification_queue_length')!.v, 4);
  assert.equal(metrics.find((s) => s.name === 'echo_perf_notification_oldest_pending_seconds')!.v, 4);
  await r.start();
  await clock.advance(1000); // past max_backoff: the next attempt finds it back
  await r.waitFor(4);
  await m.flushAlerts();
  const got = payloads(r);
  assert.deepEqual(
    got.map((p) => `${p.status}:${p.alerts[0]!.labels['severity']}`),
    ['firing:warning', 'resolved:warning', 'firing:critical', 'resolved:critical'],
  );
  assert.equal(new Set(r.got.map((g) => g.headers['x-echo-perf-notification-id'])).size, 4, 'each once');
  const up = m.notifierStatus()[0]!;
  assert.equal(up.sent, 4);
  assert.equal(up.queued, 0);
  assert.equal(up.failed, 0);
});

test('a refusal (400) is dropped and counted failed, not retried; the next one still goes', async (t) => {
  const r = await startReceiver(t);
  r.status = 400;
  const clock = new ManualClock(T0);
  const { m, temp } = monitor(t, config(r.url), clock);
  await step(m, clock, temp, 91);
  await m.flushAlerts();
  let s = m.notifierStatus()[0]!;
  assert.equal(s.failed, 1);
  assert.equal(s.queued, 0);
  assert.equal(s.retried, 0);
  assert.match(s.lastError ?? '', /400/);
  r.status = 200;
  await step(m, clock, temp, 60);
  await r.waitFor(1);
  await m.flushAlerts();
  s = m.notifierStatus()[0]!;
  assert.equal(s.sent, 1);
});

test('notifications waiting in the outbox and the notification log survive a restart', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'echo-perf-outbox-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = await startReceiver(t);
  const clock = new ManualClock(T0);
  // First run: the firing alert is announced; then the receiver goes down and an escalation waits.
  const a = monitor(t, config(r.url), clock, dir);
  a.m.startMonitoring();
  await step(a.m, clock, a.temp, 91);
  await r.waitFor(1);
  await r.stop();
  await step(a.m, clock, a.temp, 97);
  await a.m.flushAlerts();
  assert.equal(a.m.notifierStatus()[0]!.queued, 1);
  await a.m.close();
  // Second run on the same data dir: the escalation goes out when the receiver is back,
  // the firing alert is not announced again, and its resolution is announced.
  await r.start();
  const b = monitor(t, config(r.url), clock, dir);
  b.m.startMonitoring();
  await clock.advance(500); // past the backoff the first run left on it
  await r.waitFor(2);
  assert.equal(payloads(r)[1]!.alerts[0]!.labels['severity'], 'critical');
  await step(b.m, clock, b.temp, 97);
  await b.m.flushAlerts();
  assert.equal(r.got.length, 2, 'still firing after the restart: not announced again');
  await step(b.m, clock, b.temp, 50);
  await r.waitFor(3);
  assert.deepEqual(payloads(r).map((p) => p.status), ['firing', 'firing', 'resolved']);
});

test('ten minutes down with the default retry policy: all twenty notifications within max_backoff of its return, in order, once', async (t) => {
  const r = await startReceiver(t);
  await r.stop();
  const clock = new ManualClock(T0);
  const cfg = config(r.url);
  // The default retry policy (1 s doubling to 60 s), not the test's short one.
  const { m, temp } = monitor(t, { ...cfg, notifiers: [{ type: 'webhook', name: 'oncall', url: r.url, group_wait: 0, group_interval: 0 }] }, clock);
  for (let s = 0; s < 600; s += 5) {
    temp.v = Math.floor(s / 30) % 2 === 0 ? 91 : 60; // crosses the line every 30 s: 20 notifications
    await clock.advance(5000);
    await m.collectNow();
  }
  await m.flushAlerts();
  const down = m.notifierStatus()[0]!;
  assert.equal(down.queued, 20);
  assert.equal(down.sent, 0);
  assert.ok(down.oldestPendingSeconds >= 590, `oldest waited ${down.oldestPendingSeconds} s`);
  await r.start();
  const back = clock.now();
  for (let i = 0; i < 70 && r.got.length < 20; i++) {
    await clock.advance(1000);
    await m.flushAlerts();
  }
  await r.waitFor(20, 5000);
  assert.ok(clock.now() - back <= 61_000, `delivered ${(clock.now() - back) / 1000} s after the receiver came back`);
  const got = payloads(r);
  assert.deepEqual(got.map((p) => p.status), got.map((_, i) => (i % 2 === 0 ? 'firing' : 'resolved')));
  assert.equal(new Set(r.got.map((g) => g.headers['x-echo-perf-notification-id'])).size, 20);
  await m.flushAlerts();
  assert.equal(m.notifierStatus()[0]!.queued, 0);
});
