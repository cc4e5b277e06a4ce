/**
 * @module notify/senders/webhook
 * POSTs Alertmanager's webhook payload (version 4), so receivers written for
 * Alertmanager work unchanged. With a `secret`, the body is signed the way
 * Stripe and Slack sign theirs: HMAC-SHA256 over `<timestamp>.<body>`, so a
 * receiver can check both who sent it and that it is not an old one replayed
 * (docs/notifiers/webhook.md shows the check).
 */
import { createHmac } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import { isSecretName, redactUrl } from '../../core/redact.js';
import type { NotifierConfig } from '../../config/notifiers.js';
import { notifierNameOf } from '../../config/notifiers.js';
import { toWebhookPayload, type Notification } from '../notification.js';
import type { Notifier } from '../notifier.js';
import { postJson, userAgent } from './http.js';

export type WebhookConfig = Extract<NotifierConfig, { type: 'webhook' }>;

export interface SenderContext {
  logger: Logger;
  /** Time for the signature's timestamp; the system clock when absent. */
  clock?: Pick<Clock, 'now'>;
}

export const NOTIFICATION_ID_HEADER = 'X-Echo-Perf-Notification-Id';
export const SIGNATURE_HEADER = 'X-Echo-Perf-Signature';
export const TIMESTAMP_HEADER = 'X-Echo-Perf-Timestamp';

/**
 * `sha256=<hex>` of HMAC-SHA256(secret, `<timestamp>.<body>`), the value of
 * X-Echo-Perf-Signature.
 * @example webhookSignature('s3cretkey', 1700000000, '{}') // 'sha256=…'
 */
export function webhookSignature(secret: string, timestampSeconds: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestampSeconds}.${body}`, 'utf8').digest('hex')}`;
}

export function createWebhookNotifier(cfg: WebhookConfig, ctx: SenderContext): Notifier {
  const name = notifierNameOf(cfg);
  const target = redactUrl(cfg.url);
  const what = `webhook notifier ${JSON.stringify(name)}`;
  const configured = cfg.headers ?? {};
  // Values of secret-named headers and the HMAC key must not show up even if a receiver echoes them back.
  const secrets = Object.entries(configured)
    .filter(([k]) => isSecretName(k) || k.toLowerCase() === 'proxy-authorization')
    .map(([, v]) => v);
  if (cfg.secret !== undefined) secrets.push(cfg.secret);
  return {
    name,
    type: 'webhook',
    target,
    async send(n: Notification, signal: AbortSignal): Promise<void> {
      const body = JSON.stringify(toWebhookPayload(n, cfg.max_alerts));
      const headers = Object.create(null) as Record<string, string>;
      headers['user-agent'] = userAgent();
      for (const [k, v] of Object.entries(configured)) headers[k.toLowerCase()] = v;
      // Set after the configured ones: the body's type, its id and its signature are ours to say.
      headers['content-type'] = 'application/json';
      headers[NOTIFICATION_ID_HEADER.toLowerCase()] = n.id;
      if (cfg.secret !== undefined) {
        const ts = Math.floor((ctx.clock?.now() ?? Date.now()) / 1000);
        headers[TIMESTAMP_HEADER.toLowerCase()] = String(ts);
        headers[SIGNATURE_HEADER.toLowerCase()] = webhookSignature(cfg.secret, ts, body);
      }
      await postJson(cfg.url, body, headers, signal, what, { shownUrl: target, secrets });
      ctx.logger.debug(`${what}: delivered ${n.id} (${n.alerts.length} alerts) to ${target}`);
    },
  };
}
