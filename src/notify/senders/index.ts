/** @module notify/senders  One factory per remote notifier type. */
import type { RemoteNotifierConfig } from '../../config/notifiers.js';
import type { Logger } from '../../core/logger.js';
import type { Notifier } from '../notifier.js';
import { createAlertmanagerNotifier } from './alertmanager.js';
import { createCommandNotifier } from './command.js';
import { createEmailNotifier } from './email.js';
import { createSlackNotifier } from './slack.js';
import { createWebhookNotifier } from './webhook.js';

export function createNotifier(cfg: RemoteNotifierConfig, ctx: { logger: Logger }): Notifier {
  switch (cfg.type) {
    case 'webhook':
      return createWebhookNotifier(cfg, ctx);
    case 'slack':
      return createSlackNotifier(cfg, ctx);
    case 'email':
      return createEmailNotifier(cfg, ctx);
    case 'alertmanager':
      return createAlertmanagerNotifier(cfg, ctx);
    case 'command':
      return createCommandNotifier(cfg, ctx);
  }
}
