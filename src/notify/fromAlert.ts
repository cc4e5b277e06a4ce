/**
 * @module notify/fromAlert
 * An alert event as a notification carries it: Alertmanager's labels
 * (alert/labelSet.ts) and annotations (`summary` the alert's sentence,
 * `value`, `threshold`, `rule`, `incident`), times in ms.
 */
import type { PerformanceAlert } from '../alert/alert.js';
import { alertLabels } from '../alert/labelSet.js';
import type { NotificationAlert } from './notification.js';

export function toNotificationAlert(a: PerformanceAlert, externalURL: string): NotificationAlert {
  const annotations: Record<string, string> = { summary: a.message, value: String(a.currentValue), threshold: String(a.threshold), incident: a.id };
  if (a.rule !== undefined) annotations['rule'] = a.rule;
  return {
    status: a.status,
    labels: { ...alertLabels(a) },
    annotations,
    startsAt: a.timestamp,
    endsAt: a.status === 'resolved' ? (a.endsAt ?? a.timestamp) : undefined,
    fingerprint: a.fingerprint,
    generatorURL: `${externalURL}/api/v1/alerts`,
  };
}

/** `{component="vllm",severity="warning"}`: a group's labels as Alertmanager writes a group key. */
export function groupKeyOf(labels: Readonly<Record<string, string>>): string {
  return `{${Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(',')}}`;
}
