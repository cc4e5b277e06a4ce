/**
 * A webhook receiver on 127.0.0.1 down for over two minutes of real time
 * while an alert of the built agent fires and resolves again and again (a
 * pushed temperature crossing its line). While it is down every connection
 * is counted and cut: the agent retries with its configured backoff, not in
 * a hot loop, and stays healthy. Once the receiver is back every
 * notification arrives once, in the order it was made, and the
 * echo_perf_notification* counters say so.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { test } from 'node:test';
import type { WebhookPayload } from '../../src/notify/notification.js';
import { until } from '../helpers/processes.js';
import { tempDir } from '../helpers/tempTree.js';
import { Receiver } from '../helpers/webhookReceiver.js';
import { sampleValue, startAgent } from './agent.js';

const OUTAGE_MS = 125_000;
/** The temperature crosses its line this often while the receiver is down. */
const FLIP_MS = 15_000;
const INITIAL_BACKOFF_S = 1;
const MAX_BACKOFF_S = 8;

test('a receiver down for two minutes: every notification once, in order, retries spaced by the backoff, the agent healthy', { timeout: 240_000 }, async (t) => {
  const dir = tempDir(t, 'ep-fault-receiver-');
  const receiver = await new Receiver().start();
  const port = receiver.port;
  await receiver.stop();
  t.after(() => receiver.stop());
  // Down: every connection to the receiver's port is counted and cut at once (a network error to the agent).
  const attempts: number[] = [];
  const down = createServer((sock) => {
    attempts.push(Date.now());
    sock.destroy();
  });
  down.listen(port, '127.0.0.1');
  await once(down, 'listening');
  const closeDown = (): Promise<void> => new Promise<void>((r) => (down.listening ? down.close(() => r()) : r()));
  t.after(closeDown);

  const agent = await startAgent(t, dir, {
    monitoring_interval: 0.5,
    default_rules: false,
    degradation_detection: { enabled: false },
    system: { enabled: false },
    gpu: { enabled: false },
    echo_dash: { enabled: false },
    storage: { enabled: true, data_dir: `${dir}/data`, flush_interval: 1 },
    rules: [{ kind: 'threshold', name: 'hot', metric: 'rig_temperature', above: { warning: 80 }, for: 0 }],
    notifiers: [
      {
        type: 'webhook',
        name: 'oncall',
        url: receiver.url,
        group_wait: 0,
        group_interval: 0,
        timeout: 2,
        retry: { initial_backoff: INITIAL_BACKOFF_S, max_backoff: MAX_BACKOFF_S },
      },
    ],
  });
  let temperature = 91;
  let pushing = true;
  const pusher = (async () => {
    while (pushing) {
      try {
        const r = await fetch(`${agent.base}/api/v1/push/rig`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rig_temperature: temperature }), signal: AbortSignal.timeout(5000) });
        assert.equal(r.status, 200, await r.text());
      } catch (e) {
        if (pushing) throw e;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  t.after(async () => {
    pushing = false;
    await pusher.catch(() => undefined);
  });

  // The outage: the temperature flips every FLIP_MS; /healthz is probed every second.
  const outageEnd = Date.now() + OUTAGE_MS;
  let nextFlip = Date.now() + FLIP_MS;
  let worstProbe = 0;
  while (Date.now() < outageEnd) {
    const r = await agent.get('/healthz');
    assert.equal(r.status, 200, r.text);
    worstProbe = Math.max(worstProbe, r.ms);
    if (Date.now() >= nextFlip) {
      temperature = temperature > 80 ? 60 : 91;
      nextFlip += FLIP_MS;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  const during = await agent.get('/metrics');
  const queued = sampleValue(during.text, 'echo_perf_notification_queue_length{notifier="oncall",type="webhook"}');
  assert.ok(queued !== undefined && queued >= 6, `notifications waiting after the outage: ${queued}`);
  assert.equal(sampleValue(during.text, 'echo_perf_notifications_sent_total{notifier="oncall",type="webhook"}'), 0);
  const retries = sampleValue(during.text, 'echo_perf_notification_retries_total{notifier="oncall",type="webhook"}')!;
  assert.equal(retries, attempts.length, 'each attempt that failed is counted as a retry');
  assert.ok((sampleValue(during.text, 'echo_perf_notification_oldest_pending_seconds{notifier="oncall",type="webhook"}') ?? 0) >= OUTAGE_MS / 1000 - 20);

  // Not a hot loop: one notifier sends one at a time, so attempts are spaced by its backoff
  // (half of each wait random: at least half the initial backoff apart).
  const gaps = attempts.slice(1).map((a, i) => a - attempts[i]!);
  t.diagnostic(`${attempts.length} connection attempts in ${OUTAGE_MS / 1000} s; gaps (ms): ${gaps.join(' ')}; worst /healthz ${worstProbe.toFixed(0)} ms`);
  assert.ok(attempts.length >= 8, `the agent kept trying: ${attempts.length} attempts`);
  // At most one attempt per half max_backoff once backed off, plus the doubling steps up to it.
  const bound = Math.ceil(OUTAGE_MS / ((MAX_BACKOFF_S * 1000) / 2)) + Math.ceil(Math.log2(MAX_BACKOFF_S / INITIAL_BACKOFF_S)) + 4;
  assert.ok(attempts.length <= bound, `${attempts.length} attempts in ${OUTAGE_MS / 1000} s, more than the backoff allows (${bound})`);
  for (const g of gaps) assert.ok(g >= (INITIAL_BACKOFF_S * 1000) / 2 - 50, `two attempts ${g} ms apart: under half the initial backoff`);

  // Back: the waiting notifications arrive within about one max_backoff.
  await closeDown();
  await receiver.start(port);
  const waiting = queued;
  await receiver.waitFor(waiting, (MAX_BACKOFF_S + 20) * 1000);
  await until(async () => (await agent.metric('echo_perf_notification_queue_length{notifier="oncall",type="webhook"}')) === 0, 'the outbox drained', 20_000, 200);
  const ids = receiver.got.map((g) => g.headers['x-echo-perf-notification-id']);
  assert.equal(new Set(ids).size, ids.length, 'no notification twice');
  const got = receiver.got.map((g) => g.body as WebhookPayload);
  const statuses = got.slice(0, waiting).map((p) => p.status);
  assert.deepEqual(statuses, statuses.map((_, i) => (i % 2 === 0 ? 'firing' : 'resolved')), 'in the order they were made');
  // Each resolution follows its own firing: startsAt never goes back.
  const starts = got.map((p) => Date.parse(p.alerts[0]!.startsAt));
  for (let i = 1; i < starts.length; i++) assert.ok(starts[i]! >= starts[i - 1]!, `notification ${i} starts before ${i - 1}`);

  const after = (await agent.get('/metrics')).text;
  assert.equal(sampleValue(after, 'echo_perf_notifications_sent_total{notifier="oncall",type="webhook"}'), receiver.got.length);
  assert.equal(sampleValue(after, 'echo_perf_notifications_failed_total{notifier="oncall",type="webhook"}'), 0);
  assert.equal(sampleValue(after, 'echo_perf_notification_oldest_pending_seconds{notifier="oncall",type="webhook"}'), 0);
  pushing = false;
  await pusher;
  assert.equal(await agent.stop(), 0, agent.err().slice(-2000));
});
