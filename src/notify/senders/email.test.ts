import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { test } from 'node:test';
import { parse } from 'valibot';
import { notifierSchema } from '../../config/notifiers.js';
import { MemoryLogger } from '../../core/logger.js';
import { freePort } from '../../../test/helpers/prometheus.js';
import { deliveryError, sampleAlert, sampleNotification } from '../../../test/helpers/senders.js';
import { startSmtpPeer } from '../../../test/helpers/smtp.js';
import { createEmailNotifier, type EmailNotifierConfig } from './email.js';

const PASSWORD = 's3cr3t-Pa55word';

function emailConfig(port: number, over: Record<string, unknown> = {}, smtp: Record<string, unknown> = {}): EmailNotifierConfig {
  const cfg = parse(notifierSchema, { type: 'email', to: ['oncall@example.org', 'lead@example.org'], from: 'echo-perf@example.org', smtp: { host: '127.0.0.1', port, ...smtp }, ...over });
  assert.equal(cfg.type, 'email');
  return cfg;
}

test('email: the schema sends only CRITICAL alerts unless told otherwise', () => {
  assert.equal(emailConfig(25).min_severity, 'critical');
});

test('email: a CRITICAL notification arrives with subject, text and HTML parts, recipients, id header, after a checked login', async (t) => {
  const smtp = await startSmtpPeer(t, { users: { alerts: PASSWORD } });
  const notifier = createEmailNotifier(emailConfig(smtp.port, {}, { username: 'alerts', password: PASSWORD }), { logger: new MemoryLogger() });
  t.after(() => notifier.close?.());
  assert.equal(notifier.target, `smtp://127.0.0.1:${smtp.port}`);
  const second = sampleAlert({ fingerprint: 'aa', annotations: { summary: 'vLLM p99 latency 4.1 s above 2 s' }, labels: { alertname: 'HighLatency', severity: 'critical', component: 'vllm' } });
  await notifier.send(sampleNotification({ id: 'n-42', alerts: [sampleAlert(), second] }), AbortSignal.timeout(5000));

  assert.deepEqual(smtp.logins, [{ user: 'alerts', ok: true }]);
  assert.equal(smtp.messages.length, 1);
  const m = smtp.messages[0]!;
  assert.equal(m.user, 'alerts');
  assert.equal(m.from, 'echo-perf@example.org');
  assert.deepEqual(m.to, ['oncall@example.org', 'lead@example.org']);
  assert.equal(m.headers.get('subject'), '[FIRING:2] vllm: vLLM queue depth 42 above 32');
  assert.equal(m.headers.get('x-echo-perf-notification-id'), 'n-42');
  assert.ok(m.text !== undefined && m.html !== undefined, 'a text part and an HTML alternative');
  for (const part of [m.text, m.html]) {
    assert.match(part, /vLLM queue depth 42 above 32/);
    assert.match(part, /vLLM p99 latency 4\.1 s above 2 s/);
    assert.match(part, /2025-01-02T03:04:05\.000Z/);
    assert.match(part, /gpu-node-1:8000/);
    assert.match(part, /http:\/\/127\.0\.0\.1:8080\/api\/v1\/alerts\?fingerprint=f1e2d3c4b5a69788/);
  }
  assert.match(m.text, /\[FIRING\] CRITICAL vLLM queue depth 42 above 32/);
  assert.match(m.text, /description: Requests are waiting for a free batch slot/);
  assert.ok(!m.raw.includes(PASSWORD), 'the password is not in the message');
});

test('email: resolved and test notifications say so in the subject, with the end time in the body', async (t) => {
  const smtp = await startSmtpPeer(t);
  const notifier = createEmailNotifier(emailConfig(smtp.port), { logger: new MemoryLogger() });
  const ended = Date.UTC(2025, 0, 2, 3, 14, 15);
  await notifier.send(sampleNotification({ status: 'resolved', alerts: [sampleAlert({ status: 'resolved', endsAt: ended })] }), AbortSignal.timeout(5000));
  await notifier.send(sampleNotification({ test: true }), AbortSignal.timeout(5000));
  assert.equal(smtp.messages.length, 2);
  const [resolved, testMail] = smtp.messages;
  assert.equal(resolved!.headers.get('subject'), '[RESOLVED] vllm: vLLM queue depth 42 above 32');
  assert.match(resolved!.text!, /\[RESOLVED\] CRITICAL/);
  assert.match(resolved!.text!, /Ended: 2025-01-02T03:14:15\.000Z/);
  assert.match(testMail!.headers.get('subject')!, /^\[TEST\] \[FIRING:1\] vllm: /);
  assert.match(testMail!.text!, /TEST notification/);
});

test('email: alert text is escaped in the HTML part and cannot add headers through the subject', async (t) => {
  const smtp = await startSmtpPeer(t);
  const notifier = createEmailNotifier(emailConfig(smtp.port), { logger: new MemoryLogger() });
  const hostile = sampleAlert({
    annotations: { summary: 'x\r\nBcc: victim@example.org\r\n<script>alert(1)</script>', description: '<img src=x onerror=alert(2)> & "q"' },
    generatorURL: 'javascript:alert(3)',
  });
  await notifier.send(sampleNotification({ alerts: [hostile] }), AbortSignal.timeout(5000));
  const m = smtp.messages[0]!;
  assert.equal(m.headers.get('bcc'), undefined);
  assert.deepEqual(m.to, ['oncall@example.org', 'lead@example.org']);
  assert.doesNotMatch(m.headers.get('subject')!, /[\r\n]/);
  assert.ok(!m.html!.includes('<script>') && !m.html!.includes('<img'), 'no markup from the alert');
  assert.match(m.html!, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.match(m.html!, /&lt;img src=x onerror=alert\(2\)&gt; &amp; &quot;q&quot;/);
  assert.ok(!m.html!.includes('href="javascript:'), 'a non-http source is not a link');
});

test('email: a 550 rejection is permanent and names the reply code', async (t) => {
  const smtp = await startSmtpPeer(t, { reject: { code: 550, message: 'Mailbox unavailable' } });
  const notifier = createEmailNotifier(emailConfig(smtp.port), { logger: new MemoryLogger() });
  const err = await deliveryError(notifier.send(sampleNotification(), AbortSignal.timeout(5000)));
  assert.equal(err.retryable, false);
  assert.equal(err.code, 'EP_ERR_DELIVERY');
  assert.match(err.message, /SMTP 550/);
  assert.match(err.message, new RegExp(`smtp://127\\.0\\.0\\.1:${smtp.port}`));
});

test('email: a 451 reply is transient and retryable', async (t) => {
  const smtp = await startSmtpPeer(t, { reject: { code: 451, message: 'Try again later' } });
  const notifier = createEmailNotifier(emailConfig(smtp.port), { logger: new MemoryLogger() });
  const err = await deliveryError(notifier.send(sampleNotification(), AbortSignal.timeout(5000)));
  assert.equal(err.retryable, true);
  assert.match(err.message, /SMTP 451/);
});

test('email: a wrong password is a permanent 535 and the password appears nowhere', async (t) => {
  const smtp = await startSmtpPeer(t, { users: { alerts: 'the-right-one' } });
  const logger = new MemoryLogger();
  const notifier = createEmailNotifier(emailConfig(smtp.port, {}, { username: 'alerts', password: PASSWORD }), { logger });
  const err = await deliveryError(notifier.send(sampleNotification(), AbortSignal.timeout(5000)));
  assert.deepEqual(smtp.logins, [{ user: 'alerts', ok: false }]);
  assert.equal(err.retryable, false);
  assert.match(err.message, /SMTP 535/);
  for (const text of [err.message, err.stack ?? '', notifier.target, ...logger.lines.map((l) => l.msg)]) assert.ok(!text.includes(PASSWORD), `no password in ${text}`);
  assert.equal(smtp.messages.length, 0);
});

test('email: no server listening is retryable, and neither error nor target shows the password', async () => {
  const port = await freePort();
  const notifier = createEmailNotifier(emailConfig(port, {}, { username: 'alerts', password: PASSWORD }), { logger: new MemoryLogger() });
  const err = await deliveryError(notifier.send(sampleNotification(), AbortSignal.timeout(5000)));
  assert.equal(err.retryable, true);
  assert.match(err.message, new RegExp(`smtp://127\\.0\\.0\\.1:${port}`));
  assert.ok(!err.message.includes(PASSWORD) && !notifier.target.includes(PASSWORD));
});

test('email: an abort (the attempt timeout) closes the connection of a server that never greets and is retryable', async (t) => {
  const sockets: Socket[] = [];
  let closed = 0;
  const silent = createServer((s) => {
    sockets.push(s);
    s.on('close', () => closed++);
  });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  t.after(() => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((r) => silent.close(() => r()));
  });
  const port = (silent.address() as { port: number }).port;
  // The notifier's own SMTP timeouts (10 s default) are far off: only the signal can end this.
  const notifier = createEmailNotifier(emailConfig(port), { logger: new MemoryLogger() });
  const err = await deliveryError(notifier.send(sampleNotification(), AbortSignal.timeout(300)));
  assert.equal(err.retryable, true);
  assert.match(err.message, /: timed out$/);
  const deadline = Date.now() + 3000;
  while (closed < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.equal(closed, 1, 'the connection was closed');
});

test('email: require_tls against a server without STARTTLS sends nothing and is not retried', async (t) => {
  const smtp = await startSmtpPeer(t);
  const notifier = createEmailNotifier(emailConfig(smtp.port, {}, { require_tls: true }), { logger: new MemoryLogger() });
  const err = await deliveryError(notifier.send(sampleNotification(), AbortSignal.timeout(5000)));
  assert.equal(err.retryable, false, err.message);
  assert.match(err.message, /SMTP 5\d\d/);
  assert.equal(smtp.messages.length, 0);
});
