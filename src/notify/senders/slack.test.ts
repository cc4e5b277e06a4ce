import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'valibot';
import { alertOf, notificationOf, T0 } from '../../../test/helpers/notification.js';
import { startReceiver } from '../../../test/helpers/receiver.js';
import { notifierSchema } from '../../config/notifiers.js';
import { MemoryLogger } from '../../core/logger.js';
import { DeliveryError } from '../notifier.js';
import { createSlackNotifier, SLACK_COLOURS, SLACK_FIELD_LIMIT, slackMessage, slackTarget, type SlackConfig } from './slack.js';

function config(over: Record<string, unknown>): SlackConfig {
  return parse(notifierSchema, { type: 'slack', ...over }) as SlackConfig;
}
const signal = () => AbortSignal.timeout(5000);

test('posts one incoming-webhook message: channel, username, title, links, one line per alert', async (t) => {
  const r = await startReceiver(t);
  const n = notificationOf({
    alerts: [
      alertOf({ labels: { severity: 'critical' }, generatorURL: 'http://127.0.0.1:9464/api/v1/alerts?x=1' }),
      alertOf({ annotations: { summary: 'p99 latency <2s> & rising' }, fingerprint: 'b' }),
    ],
  });
  const cfg = config({ url: `${r.url}/services/T000/B000/XXXX`, channel: '#ops', username: 'echo-perf' });
  await createSlackNotifier(cfg, { logger: new MemoryLogger() }).send(n, signal());
  const req = r.requests[0]!;
  assert.equal(req.path, '/services/T000/B000/XXXX');
  assert.equal(req.headers['content-type'], 'application/json');
  const m = JSON.parse(req.body);
  assert.equal(m.channel, '#ops');
  assert.equal(m.username, 'echo-perf');
  assert.equal(m.text, '[FIRING:2] vllm');
  assert.equal(m.attachments.length, 1);
  const a = m.attachments[0];
  assert.equal(a.color, SLACK_COLOURS.critical);
  assert.equal(a.title, '[FIRING:2] vllm');
  assert.equal(a.title_link, 'http://127.0.0.1:9464/api/v1/alerts');
  assert.equal(a.footer, 'echo-perf');
  assert.equal(a.ts, Math.floor((T0 + 30_000) / 1000));
  assert.deepEqual(a.fields, [{ title: 'component', value: 'vllm', short: true }]);
  assert.deepEqual((a.text as string).split('\n'), [
    '• <http://127.0.0.1:9464/api/v1/alerts?x=1|vllm queue depth 42 &gt; 10> (critical, since 2025-01-02T03:04:05.000Z)',
    '• <http://127.0.0.1:9464/api/v1/alerts|p99 latency &lt;2s&gt; &amp; rising> (warning, since 2025-01-02T03:04:05.000Z)',
  ]);
});

test('colour by severity: critical, warning, info while firing; green once resolved', () => {
  const colour = (n: ReturnType<typeof notificationOf>) => slackMessage(n, {}).attachments[0].color;
  assert.equal(colour(notificationOf({ alerts: [alertOf({ labels: { severity: 'info' } }), alertOf({ labels: { severity: 'critical' } })] })), '#E01E5A');
  assert.equal(colour(notificationOf({ alerts: [alertOf({ labels: { severity: 'info' } }), alertOf({ labels: { severity: 'warning' } })] })), '#ECB22E');
  assert.equal(colour(notificationOf({ alerts: [alertOf({ labels: { severity: 'info' } })] })), '#36C5F0');
  // A resolved critical alert in a group still firing at warning does not paint it red.
  assert.equal(colour(notificationOf({ alerts: [alertOf({ status: 'resolved', endsAt: T0 + 1, labels: { severity: 'critical' } }), alertOf()] })), '#ECB22E');
  const resolved = notificationOf({ status: 'resolved', alerts: [alertOf({ status: 'resolved', endsAt: T0 + 120_000, labels: { severity: 'critical' } })] });
  const m = slackMessage(resolved, {});
  assert.equal(m.attachments[0].color, '#2EB67D');
  assert.equal(m.attachments[0].title, '[RESOLVED] vllm');
  assert.match(m.attachments[0].text, /\(critical, resolved 2025-01-02T03:06:05\.000Z\)$/);
});

test('a test notification says it is a test', () => {
  const m = slackMessage(notificationOf({ test: true }), {});
  assert.equal(m.text, '[TEST] [FIRING:1] vllm');
  assert.match(m.attachments[0].text, /^This is a test notification from echo-perf/);
});

test('many alerts: the text stays under 3,000 characters and says how many were left out', () => {
  const alerts = Array.from({ length: 500 }, (_, i) => alertOf({ fingerprint: `f${i}`, annotations: { summary: `alert number ${i} ${'y'.repeat(60)}` } }));
  const text = slackMessage(notificationOf({ alerts }), {}).attachments[0].text;
  assert.ok(text.length <= SLACK_FIELD_LIMIT, `text is ${text.length} chars`);
  const shown = text.split('\n').filter((l) => l.startsWith('• ')).length;
  assert.ok(shown > 5 && shown < 500);
  assert.ok(text.endsWith(`… and ${500 - shown} more alerts not shown`), text.slice(-80));
  // One alert with an enormous summary and URL is cut too.
  const huge = slackMessage(notificationOf({ alerts: [alertOf({ annotations: { summary: '<'.repeat(10_000) }, generatorURL: `http://h/${'a'.repeat(10_000)}` })] }), {});
  assert.ok(huge.attachments[0].text.length <= SLACK_FIELD_LIMIT);
});

test('target hides the incoming-webhook key; errors never show it, even when Slack echoes the path', async (t) => {
  assert.equal(slackTarget('https://hooks.slack.com/services/T0AB/B0CD/abcdefSECRET'), 'https://hooks.slack.com/services/<secret>');
  assert.equal(slackTarget('https://u:p@chat.example.net/custom/path'), 'https://<secret>@chat.example.net/<secret>');
  const r = await startReceiver(t, (req, res) => {
    res.statusCode = req.path.includes('gone') ? 404 : 500;
    res.end(`no_service for ${req.path}`);
  });
  const n = createSlackNotifier(config({ name: 'team', url: `${r.url}/services/T0AB/B0CD/gone1234key` }), { logger: new MemoryLogger() });
  assert.match(n.target, /^http:\/\/127\.0\.0\.1:\d+\/services\/<secret>$/);
  await assert.rejects(n.send(notificationOf(), signal()), (e) => {
    assert.ok(e instanceof DeliveryError);
    assert.equal(e.retryable, false);
    assert.match(e.message, /^slack notifier "team": POST http:\/\/127\.0\.0\.1:\d+\/services\/<secret>: HTTP 404/);
    assert.ok(!e.message.includes('gone1234key'), e.message);
    return true;
  });
  const down = createSlackNotifier(config({ url: `${r.url}/services/T0AB/B0CD/down5678key` }), { logger: new MemoryLogger() });
  await assert.rejects(down.send(notificationOf(), signal()), (e) => e instanceof DeliveryError && e.retryable && !e.message.includes('down5678key'));
});
