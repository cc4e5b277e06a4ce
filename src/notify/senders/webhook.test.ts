import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { test } from 'node:test';
import { parse } from 'valibot';
import { alertOf, notificationOf, T0 } from '../../../test/helpers/notification.js';
import { startReceiver } from '../../../test/helpers/receiver.js';
import { notifierSchema } from '../../config/notifiers.js';
import { ManualClock } from '../../core/clock.js';
import { MemoryLogger } from '../../core/logger.js';
import { DeliveryError } from '../notifier.js';
import { ZERO_TIME, type WebhookPayload } from '../notification.js';
import { createWebhookNotifier, type WebhookConfig } from './webhook.js';

function config(over: Record<string, unknown>): WebhookConfig {
  return parse(notifierSchema, { type: 'webhook', ...over }) as WebhookConfig;
}
const signal = () => AbortSignal.timeout(5000);

test('posts Alertmanager\'s webhook payload (version 4) with the alert\'s labels and times', async (t) => {
  const r = await startReceiver(t);
  const n = notificationOf({
    alerts: [alertOf(), alertOf({ status: 'resolved', endsAt: T0 + 60_000, fingerprint: 'aa00bb11cc22dd33', labels: { severity: 'critical' } })],
  });
  await createWebhookNotifier(config({ name: 'ops', url: `${r.url}/hook` }), { logger: new MemoryLogger() }).send(n, signal());
  const p = JSON.parse(r.requests[0]!.body);
  assert.equal(p.version, '4');
  assert.equal(p.status, 'firing');
  assert.equal(p.receiver, 'ops');
  assert.equal(p.groupKey, '{component="vllm"}');
  assert.equal(p.truncatedAlerts, 0);
  assert.deepEqual(p.groupLabels, { component: 'vllm' });
  assert.deepEqual(p.commonLabels, { alertname: 'HighQueueDepth', component: 'vllm', metric: 'vllm:num_requests_waiting', kind: 'threshold' });
  assert.equal(p.externalURL, 'http://127.0.0.1:9464');
  assert.equal(p.alerts.length, 2);
  const [firing, resolved] = p.alerts;
  assert.deepEqual(firing.labels, { alertname: 'HighQueueDepth', severity: 'warning', component: 'vllm', metric: 'vllm:num_requests_waiting', kind: 'threshold' });
  assert.equal(firing.status, 'firing');
  assert.equal(firing.startsAt, '2025-01-02T03:04:05.000Z');
  assert.equal(firing.endsAt, ZERO_TIME);
  assert.equal(firing.fingerprint, '3f2a9c0d1e5b7a86');
  assert.equal(firing.annotations.summary, 'vllm queue depth 42 > 10');
  assert.equal(firing.generatorURL, 'http://127.0.0.1:9464/api/v1/alerts');
  assert.equal(resolved.status, 'resolved');
  assert.equal(resolved.labels.severity, 'critical');
  assert.equal(resolved.endsAt, '2025-01-02T03:05:05.000Z');
  assert.equal(resolved.fingerprint, 'aa00bb11cc22dd33');
});

test('sends its headers: JSON, User-Agent with the version, the configured ones, and the notification id', async (t) => {
  const r = await startReceiver(t);
  const cfg = config({ url: r.url, headers: { 'X-Team': 'infra', 'Content-Type': 'text/plain', 'X-Echo-Perf-Notification-Id': 'forged' } });
  await createWebhookNotifier(cfg, { logger: new MemoryLogger() }).send(notificationOf({ id: 'n-42' }), signal());
  const h = r.requests[0]!.headers;
  assert.equal(h['content-type'], 'application/json');
  assert.match(h['user-agent'] ?? '', /^echo-perf\/\d+\.\d+\.\d+/);
  assert.equal(h['x-team'], 'infra');
  assert.equal(h['x-echo-perf-notification-id'], 'n-42');
  assert.equal(h['x-echo-perf-signature'], undefined, 'unsigned without a secret');
  assert.equal(h['x-echo-perf-timestamp'], undefined);
});

test('with a secret, the signature verifies as docs/notifiers/webhook.md says, over the exact body bytes', async (t) => {
  const r = await startReceiver(t);
  const clock = new ManualClock(T0 + 90_500);
  const secret = 'correct horse battery staple';
  const n = notificationOf({ alerts: [alertOf({ annotations: { summary: 'naïve ✓ "quoted" \\ text' } })] });
  await createWebhookNotifier(config({ url: r.url, secret }), { logger: new MemoryLogger(), clock }).send(n, signal());
  const req = r.requests[0]!;
  const ts = req.headers['x-echo-perf-timestamp'];
  assert.equal(ts, String(Math.floor((T0 + 90_500) / 1000)));
  // The receiver's check from the docs.
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${ts}.${req.body}`).digest('hex')}`);
  const got = Buffer.from(String(req.headers['x-echo-perf-signature']));
  assert.ok(got.length === expected.length && timingSafeEqual(got, expected), 'signature verifies');
  const wrong = `sha256=${createHmac('sha256', 'another secret').update(`${ts}.${req.body}`).digest('hex')}`;
  assert.notEqual(String(req.headers['x-echo-perf-signature']), wrong);
});

test('max_alerts cuts the alerts and counts the rest in truncatedAlerts', async (t) => {
  const r = await startReceiver(t);
  const alerts = Array.from({ length: 5 }, (_, i) => alertOf({ fingerprint: `f${i}` }));
  await createWebhookNotifier(config({ url: r.url, max_alerts: 2 }), { logger: new MemoryLogger() }).send(notificationOf({ alerts }), signal());
  const p = JSON.parse(r.requests[0]!.body) as WebhookPayload;
  assert.deepEqual(
    p.alerts.map((a: { fingerprint: string }) => a.fingerprint),
    ['f0', 'f1'],
  );
  assert.equal(p.truncatedAlerts, 3);
});

test('no secret in target or errors: URL token, secret-named header values and the HMAC key, even when echoed', async (t) => {
  const r = await startReceiver(t, (req, res) => {
    res.statusCode = 401;
    res.end(`bad ${req.path} ${String(req.headers['x-api-key'])} ${String(req.headers['authorization'])}`);
  });
  const cfg = config({ name: 'hooks', url: `${r.url}/h?token=T0KEN-abc&x=1`, headers: { 'X-Api-Key': 'k3y-value-1', Authorization: 'Bearer b3arer-2' }, secret: 'hmac-k3y-3x' });
  const notifier = createWebhookNotifier(cfg, { logger: new MemoryLogger() });
  assert.match(notifier.target, /^http:\/\/127\.0\.0\.1:\d+\/h\?token=<secret>&x=1$/);
  let err: unknown;
  try {
    await notifier.send(notificationOf(), signal());
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof DeliveryError);
  assert.equal(err.retryable, false);
  assert.match(err.message, /^webhook notifier "hooks": POST .*HTTP 401/);
  for (const s of ['T0KEN-abc', 'k3y-value-1', 'b3arer-2', 'hmac-k3y-3x']) assert.ok(!err.message.includes(s), `${s} in ${err.message}`);
});

test('a 500 is retryable; a receiver that never answers times out retryable', async (t) => {
  const r = await startReceiver(t, (req, res) => {
    if (req.path === '/down') {
      res.statusCode = 500;
      res.end('down');
    }
  });
  const down = createWebhookNotifier(config({ url: `${r.url}/down` }), { logger: new MemoryLogger() });
  await assert.rejects(down.send(notificationOf(), signal()), (e) => e instanceof DeliveryError && e.retryable && /HTTP 500/.test(e.message));
  const hang = createWebhookNotifier(config({ url: `${r.url}/hang` }), { logger: new MemoryLogger() });
  await assert.rejects(hang.send(notificationOf(), AbortSignal.timeout(200)), (e) => e instanceof DeliveryError && e.retryable && /timed out$/.test(e.message));
});
