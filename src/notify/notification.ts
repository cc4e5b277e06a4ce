/**
 * @module notify/notification
 * What a remote notifier is handed: one group's alerts at one moment, in a
 * neutral, JSON-safe shape that the outbox stores as it is. Each notifier
 * renders it at send time (an Alertmanager webhook body, a Slack message, a
 * mail), so a notification that waited out a receiver's outage is rendered
 * with the time it is actually sent (an Alertmanager `endsAt` must lie ahead).
 */

/** One alert of a notification (Alertmanager's webhook alert, times in ms). */
export interface NotificationAlert {
  readonly status: 'firing' | 'resolved';
  /** alertname, severity, component, metric, kind, then the series' labels (alert/labelSet.ts). */
  readonly labels: Readonly<Record<string, string>>;
  /** summary (the alert's message), description, value, threshold, and the rule when there is one. */
  readonly annotations: Readonly<Record<string, string>>;
  /** When the incident started, ms since epoch. */
  readonly startsAt: number;
  /** When it resolved, ms since epoch; undefined while firing. */
  readonly endsAt: number | undefined;
  readonly fingerprint: string;
  /** Link back to the agent (its alerts API). */
  readonly generatorURL: string;
}

export interface Notification {
  /** Unique, stable across retries and restarts: receivers can drop a repeat by it. */
  readonly id: string;
  /** The notifier's name (the receiver, in Alertmanager's words). */
  readonly receiver: string;
  /** `{component="vllm"}`: the group's labels as Alertmanager writes a group key. */
  readonly groupKey: string;
  readonly groupLabels: Readonly<Record<string, string>>;
  /** firing while any alert fires. */
  readonly status: 'firing' | 'resolved';
  /** When the group was flushed, ms since epoch. */
  readonly createdAt: number;
  /** The agent's URL (links in Slack and mail). */
  readonly externalURL: string;
  readonly alerts: readonly NotificationAlert[];
  /** Set on `echo-perf notify test` notifications. */
  readonly test?: boolean;
}

/** Alertmanager's webhook payload (version 4, alertmanager 0.25 notify/webhook). */
export interface WebhookPayload {
  version: '4';
  groupKey: string;
  truncatedAlerts: number;
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string>; startsAt: string; endsAt: string; generatorURL: string; fingerprint: string }[];
}

/** Go's zero time, which Alertmanager writes as the `endsAt` of a firing alert in webhook payloads. */
export const ZERO_TIME = '0001-01-01T00:00:00Z';

/** Labels (or annotations) every alert has with the same value. */
function common(maps: readonly Readonly<Record<string, string>>[]): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  if (maps.length === 0) return out;
  for (const [k, v] of Object.entries(maps[0]!)) if (maps.every((m) => Object.hasOwn(m, k) && m[k] === v)) out[k] = v;
  return out;
}

/**
 * The notification as Alertmanager's webhook receiver posts it, so receivers
 * written for Alertmanager work unchanged. `maxAlerts` 0 keeps all; more are
 * cut and counted in `truncatedAlerts`.
 */
export function toWebhookPayload(n: Notification, maxAlerts = 0): WebhookPayload {
  const kept = maxAlerts > 0 ? n.alerts.slice(0, maxAlerts) : n.alerts;
  return {
    version: '4',
    groupKey: n.groupKey,
    truncatedAlerts: n.alerts.length - kept.length,
    status: n.status,
    receiver: n.receiver,
    groupLabels: { ...n.groupLabels },
    commonLabels: common(n.alerts.map((a) => a.labels)),
    commonAnnotations: common(n.alerts.map((a) => a.annotations)),
    externalURL: n.externalURL,
    alerts: kept.map((a) => ({
      status: a.status,
      labels: { ...a.labels },
      annotations: { ...a.annotations },
      startsAt: new Date(a.startsAt).toISOString(),
      endsAt: a.endsAt === undefined ? ZERO_TIME : new Date(a.endsAt).toISOString(),
      generatorURL: a.generatorURL,
      fingerprint: a.fingerprint,
    })),
  };
}
