/**
 * @module notify/dispatch
 * Delivers alert events to user handlers outside the collection tick. A handler
 * that throws is counted and logged; one that is slow (async) does not delay the
 * loop, and its backlog is bounded: past `maxPending` undelivered events the
 * oldest are dropped and counted (Prometheus notifier/sendloop.go policy).
 */
import { describeError, TimeoutError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { PerformanceAlert } from '../alert/alert.js';

export type AlertHandler = (alert: PerformanceAlert) => void | Promise<void>;

interface HandlerState {
  readonly fn: AlertHandler;
  queue: PerformanceAlert[];
  running: boolean;
}

export class AlertDispatcher {
  private readonly _handlers: HandlerState[] = [];
  private _errors = 0;
  private _dropped = 0;
  private _delivered = 0;

  constructor(
    private readonly _logger: Logger,
    private readonly _maxPending = 1000,
    /** A handler call still pending after this is abandoned (counted as an error) so its queue moves on. */
    private readonly _handlerTimeoutMs = 10_000,
  ) {}

  register(fn: AlertHandler): void {
    this._handlers.push({ fn, queue: [], running: false });
  }

  get handlerCount(): number {
    return this._handlers.length;
  }

  get errorsTotal(): number {
    return this._errors;
  }

  get droppedTotal(): number {
    return this._dropped;
  }

  get deliveredTotal(): number {
    return this._delivered;
  }

  /** Queues events for every handler; returns at once. */
  dispatch(events: readonly PerformanceAlert[]): void {
    if (events.length === 0) return;
    for (const h of this._handlers) {
      for (const e of events) h.queue.push(Object.freeze({ ...e }));
      if (h.queue.length > this._maxPending) {
        const n = h.queue.length - this._maxPending;
        h.queue.splice(0, n);
        this._dropped += n;
        this._logger.warn(`alert handler backlog over ${this._maxPending}; dropped ${n} oldest events`);
      }
      if (!h.running) {
        h.running = true;
        setImmediate(() => void this._drain(h));
      }
    }
  }

  /** Resolves once every queued event has been handed to its handlers, or after `maxMs`. */
  async flush(maxMs = this._handlerTimeoutMs): Promise<void> {
    const deadline = performance.now() + maxMs;
    while (this._handlers.some((h) => h.running || h.queue.length > 0) && performance.now() < deadline) {
      await new Promise<void>((r) => setTimeout(r, 1)); // bounded by the deadline; keeps the loop alive while waiting
    }
  }

  private async _drain(h: HandlerState): Promise<void> {
    try {
      for (let e = h.queue.shift(); e !== undefined; e = h.queue.shift()) {
        try {
          await withDeadline(Promise.resolve(h.fn(e)), this._handlerTimeoutMs);
          this._delivered++;
        } catch (err) {
          this._errors++;
          this._logger.error(`alert handler failed on ${e.metric} (${e.status}): ${describeError(err)}`);
        }
      }
    } finally {
      h.running = false;
    }
  }
}

/** Real time, not the monitor's clock: this bounds a call into user code, whatever time the monitor runs on. */
function withDeadline(p: Promise<void>, ms: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new TimeoutError('alert handler', ms)), ms);
    t.unref();
    p.then(
      () => (clearTimeout(t), resolve()),
      (e: unknown) => (clearTimeout(t), reject(e instanceof Error ? e : new Error(describeError(e)))),
    );
  });
}
