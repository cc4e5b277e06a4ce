/**
 * @module notify/notifier
 * One delivery target. `send` either delivers the notification or throws a
 * DeliveryError saying whether trying again may help: a refused connection,
 * a timeout, HTTP 408, 429 and 5xx may (Alertmanager's notify/util.go
 * retries 5xx and network errors); a 4xx says the request itself is wrong, so
 * it is dropped and counted failed rather than retried for a day.
 */
import { EchoPerfError } from '../core/errors.js';
import type { Notification } from './notification.js';

export interface Notifier {
  /** The name from the config (`name`, else the type). */
  readonly name: string;
  readonly type: 'webhook' | 'slack' | 'email' | 'alertmanager' | 'command';
  /** Where it sends, for status and logs, secrets replaced by `<secret>`. */
  readonly target: string;
  /** Delivers or throws DeliveryError. Must give up when `signal` aborts (the timeout). */
  send(n: Notification, signal: AbortSignal): Promise<void>;
  /** Releases pooled connections. */
  close?(): Promise<void>;
}

export class DeliveryError extends EchoPerfError {
  constructor(
    message: string,
    /** Whether a later attempt may succeed. */
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super('EP_ERR_DELIVERY', message, options);
    this.name = 'DeliveryError';
  }
}

/** Whether an HTTP status is worth retrying: 408, 429 and 5xx. */
export function retryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}
