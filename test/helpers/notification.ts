/** Notifications built by hand for notifier tests: one firing vllm alert unless told otherwise. */
import type { Notification, NotificationAlert } from '../../src/notify/notification.js';

export const T0 = Date.UTC(2025, 0, 2, 3, 4, 5);

export function alertOf(over: Partial<NotificationAlert> & { labels?: Record<string, string>; annotations?: Record<string, string> } = {}): NotificationAlert {
  return {
    status: 'firing',
    labels: { alertname: 'HighQueueDepth', severity: 'warning', component: 'vllm', metric: 'vllm:num_requests_waiting', kind: 'threshold', ...over.labels },
    annotations: { summary: 'vllm queue depth 42 > 10', value: '42', threshold: '10', ...over.annotations },
    startsAt: over.startsAt ?? T0,
    endsAt: over.endsAt,
    fingerprint: over.fingerprint ?? '3f2a9c0d1e5b7a86',
    generatorURL: over.generatorURL ?? 'http://127.0.0.1:9464/api/v1/alerts',
    ...(over.status === undefined ? {} : { status: over.status }),
  };
}

export function notificationOf(over: Partial<Notification> = {}): Notification {
  return {
    id: 'n-0001',
    receiver: 'ops',
    groupKey: '{component="vllm"}',
    groupLabels: { component: 'vllm' },
    status: 'firing',
    createdAt: T0 + 30_000,
    externalURL: 'http://127.0.0.1:9464',
    alerts: [alertOf()],
    ...over,
  };
}
