/**
 * @module notify/dispatch
 * Delivers alert events to user handlers outside the collection tick. A handler
 * that throws is counted and logged; one that is slow (async) does not delay the
 * loop, and its backlog is bounded: past `maxPending` undelivered events the
 * oldest are dropped and counted (Prometheus notifier/sendloop.go policy).
 * Group handlers hear one call per component per evaluation, with that
 * evaluation's events of the component together (Alertmanager's grouping,
 * `group_by: [component]`, without its waits: a group is one tick's news).
 */
import { describeError, TimeoutError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { PerformanceAlert } from '../alert/alert.js';

export type AlertHandler = (alert: PerformanceAlert) => void | Promise<void>;

/** One evaluation's events of one component. */
export interface AlertGroup {
  /** `{component="<name>"}`, as Alertmanager keys a group by its labels. */
  readonly groupKey: string;
  readonly component: string;
  /** firing while any of its alerts fires. */
  readonly status: 'firing' | 'resolved';
  readonly alerts: readonly PerformanceAlert[];
}
export type AlertGroupHandler = (group: AlertGroup) => void | Promise<void>;

interface HandlerState<T> {
  readonly fn: (item: T) => void | Promise<void>;
  queue: T[];
  running: boolean;
}

export class AlertDispatcher {
  private readonly _handlers: HandlerState<PerformanceAlert>[] = [];
  private readonly _groupHandlers: HandlerState<AlertGroup>[] = [];
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

  registerGroup(fn: AlertGroupHandler): void {
    this._groupHandlers.push({ fn, queue: [], running: false });
  }

  get handlerCount(): number {
    return this._handlers.length + this._groupHandlers.length;
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
    const frozen = events.map((e) => Object.freeze({ ...e }));
    for (const h of this._handlers) this._enqueue(h, frozen, (e) => `${e.metric} (${e.status})`);
    if (this._groupHandlers.length === 0) return;
    const groups = groupByComponent(frozen);
    for (const h of this._groupHandlers) this._enqueue(h, groups, (g) => `group ${g.groupKey} (${g.status})`);
  }

  private _enqueue<T>(h: HandlerState<T>, items: readonly T[], what: (item: T) => string): void {
    for (const x of items) h.queue.push(x);
    if (h.queue.length > this._maxPending) {
      const n = h.queue.length - this._maxPending;
      h.queue.splice(0, n);
      this._dropped += n;
      this._logger.warn(`alert handler backlog over ${this._maxPending}; dropped ${n} oldest events`);
    }
    if (!h.running) {
      h.running = true;
      setImmediate(() => void this._drain(h, what));
    }
  }

  /** Resolves once every queued event has been handed to its handlers, or after `maxMs`. */
  async flush(maxMs = this._handlerTimeoutMs): Promise<void> {
    const deadline = performance.now() + maxMs;
    const busy = (h: { running: boolean; queue: unknown[] }): boolean => h.running || h.queue.length > 0;
    while ((this._handlers.some(busy) || this._groupHandlers.some(busy)) && performance.now() < deadline) {
      await new Promise<void>((r) => setTimeout(r, 1)); // bounded by the deadline; keeps the loop alive while waiting
    }
  }

  private async _drain<T>(h: HandlerState<T>, what: (item: T) => string): Promise<void> {
    try {
      for (let e = h.queue.shift(); e !== undefined; e = h.queue.shift()) {
        try {
          await withDeadline(Promise.resolve(h.fn(e)), this._handlerTimeoutMs);
          this._delivered++;
        } catch (err) {
          this._errors++;
          this._logger.error(`alert handler failed on ${what(e)}: ${describeError(err)}`);
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

/** The events of one evaluation, one group per component, in the order components first appear. */
export function groupByComponent(events: readonly PerformanceAlert[]): AlertGroup[] {
  const by = new Map<string, PerformanceAlert[]>();
  for (const e of events) {
    const list = by.get(e.component);
    if (list === undefined) by.set(e.component, [e]);
    else list.push(e);
  }
  return [...by].map(([component, alerts]) => ({
    groupKey: `{component=${JSON.stringify(component)}}`,
    component,
    status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    alerts: Object.freeze(alerts),
  }));
}
