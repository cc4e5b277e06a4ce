/** @module notify/senders  One factory per remote notifier type. */
import type { RemoteNotifierConfig } from '../../config/notifiers.js';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { Notifier } from '../notifier.js';
import { createAlertmanagerNotifier } from './alertmanager.js';
import { createCommandNotifier } from './command.js';
import { createEmailNotifier } from './email.js';
import { createSlackNotifier } from './slack.js';
import { createWebhookNotifier } from './webhook.js';

/** What a notifier may take from its host besides its config. */
export interface NotifierContext {
  logger: Logger;
  /** The host's time source (a signature's timestamp, an Alertmanager lease); the wall clock when absent. */
  clock?: Pick<Clock, 'now'>;
  /** How often the host evaluates its rules (ms), or a function giving the current value; Prometheus's 1 min when absent. */
  evaluationIntervalMs?: number | (() => number);
}

export function createNotifier(cfg: RemoteNotifierConfig, ctx: NotifierContext): Notifier {
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
