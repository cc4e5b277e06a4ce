/** For tests of the senders: a notification as the outbox hands one to a notifier, and the DeliveryError a failed send throws. */
import assert from 'node:assert/strict';
import type { Notification, NotificationAlert } from '../../src/notify/notification.js';
import { DeliveryError } from '../../src/notify/notifier.js';

/** The DeliveryError `p` rejects with; fails the test if it resolves or throws anything else. */
export async function deliveryError(p: Promise<unknown>): Promise<DeliveryError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof DeliveryError, `a DeliveryError, got ${String(err)}`);
    return err;
  }
  assert.fail('send resolved; a DeliveryError was expected');
}

export function sampleAlert(over: Partial<NotificationAlert> = {}): NotificationAlert {
  return {
    status: 'firing',
    labels: { alertname: 'HighQueueDepth', severity: 'critical', component: 'vllm', metric: 'vllm_num_requests_waiting', kind: 'threshold', instance: 'gpu-node-1:8000' },
    annotations: { summary: 'vLLM queue depth 42 above 32', description: 'Requests are waiting for a free batch slot', value: '42', threshold: '32' },
    startsAt: Date.UTC(2025, 0, 2, 3, 4, 5),
    endsAt: undefined,
    fingerprint: 'f1e2d3c4b5a69788',
    generatorURL: 'http://127.0.0.1:8080/api/v1/alerts?fingerprint=f1e2d3c4b5a69788',
    ...over,
  };
}

export function sampleNotification(over: Partial<Notification> = {}): Notification {
  return {
    id: 'n-0001',
    receiver: 'test',
    groupKey: '{component="vllm"}',
    groupLabels: { component: 'vllm' },
    status: 'firing',
    createdAt: Date.UTC(2025, 0, 2, 3, 5, 0),
    externalURL: 'http://127.0.0.1:8080',
    alerts: [sampleAlert()],
    ...over,
  };
}
