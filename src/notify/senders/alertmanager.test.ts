import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import { getDotPath, parse, safeParse } from 'valibot';
import { notifierSchema } from '../../config/notifiers.js';
import { ManualClock } from '../../core/clock.js';
import { MemoryLogger } from '../../core/logger.js';
import { startAlertmanager, type GettableAlert } from '../../../test/helpers/alertmanager.js';
import { freePort } from '../../../test/helpers/prometheus.js';
import { deliveryError, sampleAlert, sampleNotification } from '../../../test/helpers/senders.js';
import { alertsEndpoint, createAlertmanagerNotifier, toPostableAlerts, type AlertmanagerNotifierConfig, type PostableAlert } from './alertmanager.js';

function amConfig(url: string, over: Record<string, unknown> = {}): AlertmanagerNotifierConfig {
  const cfg = parse(notifierSchema, { type: 'alertmanager', url, ...over });
  assert.equal(cfg.type, 'alertmanager');
  return cfg;
}

/** Polls `fn` every 100 ms until it returns a value, for at most 15 s. */
async function eventually<T>(what: string, fn: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) assert.fail(`timed out after 15 s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface Captured {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real HTTP server standing in for a receiver: records requests, answers with `status` and `answer`; `hang` never answers. */
async function captureServer(t: TestContext, reply: { status: number; answer?: string; hang?: boolean } = { status: 200 }): Promise<{ url: string; requests: Captured[] }> {
  const requests: Captured[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (requests.length < 100) requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (reply.hang === true) return;
      res.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.answer ?? '');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

const T0 = Date.UTC(2025, 0, 2, 3, 10, 0);

test('alertmanager: a firing alert is valid for 4 × max(evaluation interval, 1 min resend delay); a resolved one ends when it resolved', () => {
  const firing = sampleNotification();
  assert.equal(toPostableAlerts(firing, T0, 15_000)[0]!.endsAt, new Date(T0 + 240_000).toISOString());
  assert.equal(toPostableAlerts(firing, T0, 120_000)[0]!.endsAt, new Date(T0 + 480_000).toISOString());
  const ended = Date.UTC(2025, 0, 2, 3, 9, 0);
  const resolved = sampleNotification({ status: 'resolved', alerts: [sampleAlert({ status: 'resolved', endsAt: ended })] });
  const [a] = toPostableAlerts(resolved, T0);
  assert.deepEqual(JSON.parse(JSON.stringify(a)), {
    labels: { ...sampleAlert().labels },
    annotations: { ...sampleAlert().annotations },
    startsAt: '2025-01-02T03:04:05.000Z',
    endsAt: new Date(ended).toISOString(),
    generatorURL: sampleAlert().generatorURL,
  });
});

test('alertmanager: empty label values are dropped and an empty generatorURL left out, as Prometheus sends them', () => {
  const [a] = toPostableAlerts(sampleNotification({ alerts: [sampleAlert({ labels: { alertname: 'X', pod: '' }, annotations: { summary: '' }, generatorURL: '' })] }), T0);
  assert.deepEqual(JSON.parse(JSON.stringify(a!.labels)), { alertname: 'X' });
  assert.deepEqual(JSON.parse(JSON.stringify(a!.annotations)), {});
  assert.equal('generatorURL' in a!, false);
});

test('alertmanager: the endpoint keeps a path prefix and the query', () => {
  assert.equal(alertsEndpoint('http://am:9093').href, 'http://am:9093/api/v2/alerts');
  assert.equal(alertsEndpoint('http://am:9093/').href, 'http://am:9093/api/v2/alerts');
  assert.equal(alertsEndpoint('https://proxy.example.org/alertmanager/?tenant=a').href, 'https://proxy.example.org/alertmanager/api/v2/alerts?tenant=a');
});

test('alertmanager: the body is rendered at send time, with the configured headers, under a path prefix', async (t) => {
  const peer = await captureServer(t);
  const clock = new ManualClock(T0);
  const notifier = createAlertmanagerNotifier(amConfig(`${peer.url}/am/`, { headers: { 'X-Scope-OrgID': 'tenant-1', Authorization: 'Bearer hunter2-token' } }), { logger: new MemoryLogger(), clock, evaluationIntervalMs: 30_000 });
  assert.equal(notifier.target, `${peer.url}/am/api/v2/alerts`);
  const n = sampleNotification();
  await notifier.send(n, AbortSignal.timeout(5000));
  await clock.advance(90_000);
  await notifier.send(n, AbortSignal.timeout(5000));
  assert.equal(peer.requests.length, 2);
  const [first, second] = peer.requests;
  assert.equal(first!.method, 'POST');
  assert.equal(first!.path, '/am/api/v2/alerts');
  assert.equal(first!.headers['content-type'], 'application/json');
  assert.equal(first!.headers['x-scope-orgid'], 'tenant-1');
  assert.equal(first!.headers['authorization'], 'Bearer hunter2-token');
  assert.match(first!.headers['user-agent'] ?? '', /^echo-perf\/\d+\.\d+\.\d+/);
  const ends = (c: Captured): string => (JSON.parse(c.body) as PostableAlert[])[0]!.endsAt;
  assert.equal(ends(first!), new Date(T0 + 240_000).toISOString());
  assert.equal(ends(second!), new Date(T0 + 90_000 + 240_000).toISOString(), 'a re-send extends the lease from the time it is sent');
});

test('alertmanager: the evaluation interval is read at each send, so a changed interval lengthens the next lease', async (t) => {
  const peer = await captureServer(t);
  const clock = new ManualClock(T0);
  let intervalMs = 15_000;
  const notifier = createAlertmanagerNotifier(amConfig(peer.url), { logger: new MemoryLogger(), clock, evaluationIntervalMs: () => intervalMs });
  await notifier.send(sampleNotification(), AbortSignal.timeout(5000));
  intervalMs = 120_000;
  await notifier.send(sampleNotification(), AbortSignal.timeout(5000));
  intervalMs = Number.NaN; // not a usable interval: Prometheus's default, 1 min
  await notifier.send(sampleNotification(), AbortSignal.timeout(5000));
  const ends = peer.requests.map((r) => (JSON.parse(r.body) as PostableAlert[])[0]!.endsAt);
  assert.deepEqual(ends, [T0 + 240_000, T0 + 480_000, T0 + 240_000].map((v) => new Date(v).toISOString()));
});

test('alertmanager: a large notification goes in batches of 64 alerts, as Prometheus sends them', async (t) => {
  const peer = await captureServer(t);
  const alerts = Array.from({ length: 130 }, (_, i) => sampleAlert({ labels: { alertname: 'A', i: String(i) }, fingerprint: String(i) }));
  await createAlertmanagerNotifier(amConfig(peer.url), { logger: new MemoryLogger() }).send(sampleNotification({ alerts }), AbortSignal.timeout(5000));
  const sent = peer.requests.map((r) => (JSON.parse(r.body) as PostableAlert[]).map((a) => a.labels['i']));
  assert.deepEqual(sent.map((b) => b.length), [64, 64, 2]);
  assert.deepEqual(sent.flat(), alerts.map((_, i) => String(i)));
});

test('alertmanager: a user and password in the URL go as Basic auth, out of the URL and the target', async (t) => {
  const peer = await captureServer(t);
  const notifier = createAlertmanagerNotifier(amConfig(peer.url.replace('://', '://am%40ops:pa55word@')), { logger: new MemoryLogger() });
  assert.equal(notifier.target, `${peer.url.replace('://', '://<secret>@')}/api/v2/alerts`);
  await notifier.send(sampleNotification(), AbortSignal.timeout(5000));
  assert.equal(peer.requests[0]!.headers['authorization'], `Basic ${Buffer.from('am@ops:pa55word').toString('base64')}`);
});

test('alertmanager: 5xx answers are retryable, other 4xx are not, and secret header values stay out of the error', async (t) => {
  const down = await captureServer(t, { status: 503, answer: '{"message":"overloaded; Bearer hunter2-token"}' });
  const headers = { Authorization: 'Bearer hunter2-token' };
  const e503 = await deliveryError(createAlertmanagerNotifier(amConfig(down.url, { headers }), { logger: new MemoryLogger() }).send(sampleNotification(), AbortSignal.timeout(5000)));
  assert.equal(e503.retryable, true);
  assert.match(e503.message, /HTTP 503 Service Unavailable: \{"message":"overloaded; <secret>"\}/);
  assert.ok(!e503.message.includes('hunter2'));
  const bad = await captureServer(t, { status: 422, answer: 'nope' });
  const e422 = await deliveryError(createAlertmanagerNotifier(amConfig(bad.url), { logger: new MemoryLogger() }).send(sampleNotification(), AbortSignal.timeout(5000)));
  assert.equal(e422.retryable, false);
  assert.match(e422.message, /HTTP 422 Unprocessable Entity: nope/);
});

test('alertmanager: an Alertmanager that never answers is given up on when the signal aborts, retryable', async (t) => {
  const peer = await captureServer(t, { status: 200, hang: true });
  const err = await deliveryError(createAlertmanagerNotifier(amConfig(peer.url), { logger: new MemoryLogger() }).send(sampleNotification(), AbortSignal.timeout(300)));
  assert.equal(err.retryable, true);
  assert.match(err.message, /: timed out$/);
});

test('alertmanager: no Alertmanager listening is retryable, with a redacted target', async () => {
  const port = await freePort();
  const notifier = createAlertmanagerNotifier(amConfig(`http://user:pa55word@127.0.0.1:${port}/?token=abc123`), { logger: new MemoryLogger() });
  assert.equal(notifier.target, `http://<secret>@127.0.0.1:${port}/api/v2/alerts?token=<secret>`);
  const err = await deliveryError(notifier.send(sampleNotification(), AbortSignal.timeout(5000)));
  assert.equal(err.retryable, true);
  assert.ok(!/pa55word|abc123/.test(err.message), err.message);
  assert.match(err.message, /ECONNREFUSED/);
});

test('alertmanager (real prometheus-alertmanager): a firing alert appears active with our labels and annotations, then resolves', async (t) => {
  const am = await startAlertmanager(t);
  if (am === undefined) return;
  const notifier = createAlertmanagerNotifier(amConfig(am.url), { logger: new MemoryLogger() });
  const startsAt = Date.now() - 60_000;
  const alert = sampleAlert({ startsAt });
  await notifier.send(sampleNotification({ alerts: [alert] }), AbortSignal.timeout(5000));

  const ours = (list: GettableAlert[]): GettableAlert | undefined => list.find((a) => a.labels['alertname'] === 'HighQueueDepth');
  const held = await eventually('the alert in GET /api/v2/alerts', async () => ours(await am.alerts()));
  assert.deepEqual(held.labels, { ...alert.labels });
  assert.deepEqual(held.annotations, { ...alert.annotations });
  assert.equal(held.status.state, 'active');
  assert.equal(held.generatorURL, alert.generatorURL);
  assert.equal(Date.parse(held.startsAt), startsAt);
  const firingHook = await eventually('a firing notification from Alertmanager', () => am.webhooks.find((w) => w.status === 'firing'));
  assert.deepEqual(firingHook.alerts[0]!.labels, { ...alert.labels });

  const resolvedAt = Date.now() - 1000;
  await notifier.send(sampleNotification({ status: 'resolved', alerts: [sampleAlert({ startsAt, status: 'resolved', endsAt: resolvedAt })] }), AbortSignal.timeout(5000));
  await eventually('the alert gone from the active list', async () => (ours(await am.alerts()) === undefined ? true : undefined));
  const resolvedHook = await eventually('a resolved notification from Alertmanager', () => am.webhooks.find((w) => w.status === 'resolved'));
  assert.equal(resolvedHook.alerts[0]!.status, 'resolved');
  assert.equal(Date.parse(resolvedHook.alerts[0]!.endsAt), resolvedAt);
});

test('alertmanager (real prometheus-alertmanager): a body it refuses and a wrong path are not retryable; once it stops, retryable', async (t) => {
  const am = await startAlertmanager(t);
  if (am === undefined) return;
  const badLabel = sampleNotification({ alerts: [sampleAlert({ labels: { alertname: 'X', 'not-a-label-name': 'v' } })] });
  const e400 = await deliveryError(createAlertmanagerNotifier(amConfig(am.url), { logger: new MemoryLogger() }).send(badLabel, AbortSignal.timeout(5000)));
  assert.equal(e400.retryable, false);
  assert.match(e400.message, /HTTP 400 Bad Request: .*invalid label set.*not-a-label-name/);

  const e404 = await deliveryError(createAlertmanagerNotifier(amConfig(`${am.url}/no/such/prefix`), { logger: new MemoryLogger() }).send(sampleNotification(), AbortSignal.timeout(5000)));
  assert.equal(e404.retryable, false);
  assert.match(e404.message, /HTTP 404/);
  assert.match(e404.message, /\/no\/such\/prefix\/api\/v2\/alerts/);

  await am.stop();
  const eDown = await deliveryError(createAlertmanagerNotifier(amConfig(am.url), { logger: new MemoryLogger() }).send(sampleNotification(), AbortSignal.timeout(5000)));
  assert.equal(eDown.retryable, true);
});

test('alertmanager: external_labels join every alert sent, the alert own labels winning; bad ones are refused by name', async (t) => {
  const rx = await captureServer(t);
  const cfg = amConfig(rx.url, { external_labels: { cluster: 'eu', alertname: 'not-this', instance: 'not-this-either', datacenter: 'fra1' } });
  const notifier = createAlertmanagerNotifier(cfg, { logger: new MemoryLogger(), clock: new ManualClock(T0) });
  await notifier.send(sampleNotification(), AbortSignal.timeout(5000));
  const sent = JSON.parse(rx.requests[0]!.body) as PostableAlert[];
  const own = sampleNotification().alerts[0]!.labels;
  assert.equal(sent[0]!.labels['cluster'], 'eu');
  assert.equal(sent[0]!.labels['datacenter'], 'fra1');
  assert.equal(sent[0]!.labels['alertname'], own['alertname'], "the alert's own label wins");
  assert.equal(sent[0]!.labels['instance'], own['instance'], "the alert's own label wins");
  const bad = safeParse(notifierSchema, { type: 'alertmanager', url: rx.url, external_labels: { 'bad-name': 'x' } });
  assert.deepEqual(bad.issues?.map((i) => getDotPath(i)), ['external_labels.bad-name']);
  assert.throws(() => amConfig(rx.url, { external_labels: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`l${i}`, 'v'])) }), /at most 32 labels/);
});
