/**
 * @module notify/delivery
 * One notifier's queue: takes the oldest notification of the outbox, sends it
 * (one attempt at a time, so a receiver hears them in order), deletes it once
 * taken. A failure worth retrying waits `initial_backoff` × 2^(attempts−1),
 * at most `max_backoff`, with jitter (half fixed, half random: AWS's "equal
 * jitter", so a fleet of agents does not retry in step yet each waits at
 * least half its backoff) and holds the line: nothing after it is sent first.
 * A notification refused for good (4xx) is dropped and counted failed, as is
 * one older than `max_age` and the oldest past `max_queue`.
 */
import type { Clock, Timer } from '../core/clock.js';
import { describeError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Notification } from './notification.js';
import { DeliveryError, type Notifier } from './notifier.js';
import type { Outbox } from './outbox.js';

export interface DeliveryPolicy {
  readonly timeoutMs: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly maxAgeMs: number;
  readonly maxQueue: number;
}

export interface DeliveryStats {
  sent: number;
  failed: number;
  retried: number;
  lastError: string | undefined;
  lastErrorAt: number | undefined;
  lastSentAt: number | undefined;
  /** ms from a notification's creation to its receiver's answer, last delivery */
  lastLatencyMs: number | undefined;
}

export class DeliveryQueue {
  readonly stats: DeliveryStats = { sent: 0, failed: 0, retried: 0, lastError: undefined, lastErrorAt: undefined, lastSentAt: undefined, lastLatencyMs: undefined };
  private _running = false;
  private _timer: Timer | undefined;
  private _inFlight: AbortController | undefined;
  private _closed = false;
  private _draining: Promise<void> | undefined;
  /** The outbox row whose failure was already logged (later failures of it go to debug). */
  private _warnedSeq = -1;

  constructor(
    readonly notifier: Notifier,
    private readonly _outbox: Outbox,
    private readonly _p: DeliveryPolicy,
    private readonly _clock: Clock,
    private readonly _logger: Logger,
    private readonly _random: () => number = Math.random,
  ) {}

  /** Writes notifications to the outbox (that is the commitment), then starts sending. */
  enqueue(ns: readonly Notification[]): void {
    if (ns.length === 0) return;
    const dropped = this._outbox.enqueue(this.notifier.name, ns, this._p.maxQueue);
    if (dropped > 0) {
      this.stats.failed += dropped;
      this._logger.error(`notifier ${this.notifier.name}: ${dropped} notification(s) dropped, more than max_queue ${this._p.maxQueue} waiting (receiver ${this.notifier.target} down?)`);
    }
    this.kick();
  }

  /** Starts sending unless already sending or waiting out a backoff. */
  kick(): void {
    if (this._running || this._timer !== undefined || this._closed) return;
    this._running = true;
    this._draining = new Promise<void>((resolve) => setImmediate(() => void this._drain().finally(resolve)));
  }

  /** Resolves once no send is under way (after close(), before the outbox closes). */
  async settled(): Promise<void> {
    await this._draining;
  }

  get queued(): number {
    return this._outbox.count(this.notifier.name);
  }

  /** Seconds the oldest waiting notification has waited; 0 when none waits. */
  oldestAgeSeconds(at: number): number {
    const t = this._outbox.oldest(this.notifier.name);
    return t === undefined ? 0 : Math.max(0, (at - t) / 1000);
  }

  /** Whether something could be sent right now (a send in flight, or a due notification). */
  get busy(): boolean {
    if (this._inFlight !== undefined || this._running) return true;
    if (this._timer !== undefined) return false;
    return this.queued > 0;
  }

  /** Stops sending; an attempt in flight is aborted (its notification stays in the outbox). */
  close(): void {
    this._closed = true;
    this._timer?.stop();
    this._timer = undefined;
    this._inFlight?.abort(new Error('notifier closed'));
  }

  private async _drain(): Promise<void> {
    try {
      while (!this._closed) {
        const name = this.notifier.name;
        const head = this._outbox.head(name, (why) => this._logger.error(`notifier ${name}: ${why}`));
        if (head === undefined) return;
        const now = this._clock.now();
        if (head.createdAt < now - this._p.maxAgeMs) {
          const n = this._outbox.expire(name, now - this._p.maxAgeMs);
          this.stats.failed += n;
          this._logger.error(`notifier ${name}: ${n} notification(s) older than max_age ${this._p.maxAgeMs / 1000} s dropped undelivered (last error: ${this.stats.lastError ?? 'none'})`);
          continue;
        }
        if (head.nextAt > now) {
          this._timer = this._clock.after(head.nextAt - now, () => {
            this._timer = undefined;
            this.kick();
          });
          return;
        }
        await this._attempt(head.seq, head.attempts, head.notification);
      }
    } catch (e) {
      // The outbox itself failed (disk): say so; the next enqueue or tick tries again.
      this._logger.error(`notifier ${this.notifier.name}: outbox failed: ${describeError(e)}`, e);
    } finally {
      this._running = false;
    }
  }

  private async _attempt(seq: number, attempts: number, n: Notification): Promise<void> {
    const ac = new AbortController();
    const timeout = setTimeout(() => ac.abort(new Error(`timed out after ${this._p.timeoutMs} ms`)), this._p.timeoutMs);
    timeout.unref();
    this._inFlight = ac;
    let err: unknown;
    try {
      await this.notifier.send(n, ac.signal);
    } catch (e) {
      err = e;
    } finally {
      clearTimeout(timeout);
      this._inFlight = undefined;
    }
    // Aborted by close: stays in the outbox for the next start (delivered then, possibly a second time).
    if (this._closed && err !== undefined) return;
    const now = this._clock.now();
    const name = this.notifier.name;
    if (err === undefined) {
      this._outbox.delete(seq);
      this.stats.sent++;
      this.stats.lastSentAt = now;
      this.stats.lastLatencyMs = now - n.createdAt;
      if (attempts > 0) this._logger.info(`notifier ${name}: delivered ${n.status} ${n.groupKey} after ${attempts + 1} attempts`);
      return;
    }
    const message = describeError(err);
    this.stats.lastError = message;
    this.stats.lastErrorAt = now;
    const retryable = err instanceof DeliveryError ? err.retryable : true;
    if (!retryable) {
      this._outbox.delete(seq);
      this.stats.failed++;
      this._logger.error(`notifier ${name}: ${n.status} ${n.groupKey} refused by ${this.notifier.target}, dropped: ${message}`);
      return;
    }
    const next = attempts + 1;
    const backoff = Math.min(this._p.maxBackoffMs, this._p.initialBackoffMs * 2 ** Math.min(next - 1, 40));
    const wait = backoff / 2 + (this._random() * backoff) / 2;
    this._outbox.retryLater(seq, next, now + wait);
    this.stats.retried++;
    const line = `notifier ${name}: ${n.status} ${n.groupKey} not delivered (attempt ${next}), retrying in ${(wait / 1000).toFixed(1)} s: ${message}`;
    if (this._warnedSeq !== seq) {
      this._warnedSeq = seq;
      this._logger.warn(line);
    } else this._logger.debug(line);
  }
}
