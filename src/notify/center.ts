/**
 * @module notify/center
 * The configured remote notifiers together: each alert event goes to every
 * notifier whose route takes it, into that notifier's aggregation groups
 * (notify/groups.ts); each tick, the groups due become notifications, written
 * to the outbox (notify/outbox.ts) and sent by the notifier's queue
 * (notify/delivery.ts). Console and echo.dash are local outputs wired by the
 * monitor (notify/local.ts); they never wait on a network.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import { describeError, EchoPerfError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { AlertSeverity } from '../core/severity.js';
import type { Sample } from '../core/types.js';
import { notifierNameOf, type NotifierConfig, type RemoteNotifierConfig } from '../config/notifiers.js';
import type { PerformanceAlert } from '../alert/alert.js';
import { alertLabels } from '../alert/labelSet.js';
import { DeliveryQueue } from './delivery.js';
import { toNotificationAlert } from './fromAlert.js';
import { AggregationGroups } from './groups.js';
import type { Notification } from './notification.js';
import type { Notifier } from './notifier.js';
import { Outbox } from './outbox.js';
import { compileRoute, type Route } from './route.js';

export type NotifierFactory = (cfg: RemoteNotifierConfig, ctx: { logger: Logger; clock: Clock; evaluationIntervalMs?: () => number }) => Notifier;

export interface DeliveryOptions {
  readonly clock: Clock;
  readonly logger: Logger;
  /** The agent's URL, for links in notifications (known once the server listens). */
  readonly externalURL: () => string;
  readonly createNotifier: NotifierFactory;
  /** How often rules are evaluated (ms), read when a notifier needs it (an Alertmanager lease grows with it). */
  readonly evaluationIntervalMs?: () => number;
  /** Ids of notifications (default random UUIDs). */
  readonly newId?: () => string;
  readonly random?: () => number;
}

interface Entry {
  readonly config: RemoteNotifierConfig;
  readonly route: Route;
  readonly groups: AggregationGroups;
  readonly queue: DeliveryQueue;
}

export interface NotifierStatus {
  name: string;
  type: string;
  /** Where it sends, secrets replaced by `<secret>`. */
  target: string;
  queued: number;
  oldestPendingSeconds: number;
  groups: number;
  sent: number;
  failed: number;
  retried: number;
  lastError: string | undefined;
  lastErrorAt: string | undefined;
  lastSentAt: string | undefined;
}

export interface TestResult {
  name: string;
  type: string;
  target: string;
  ok: boolean;
  error?: string;
  ms: number;
}

const REMOTE = new Set(['webhook', 'slack', 'email', 'alertmanager', 'command']);
export const isRemote = (n: NotifierConfig): n is RemoteNotifierConfig => REMOTE.has(n.type);

export class AlertDelivery {
  private readonly _configs: readonly RemoteNotifierConfig[];
  private readonly _notifiers: Notifier[] = [];
  private readonly _routes: Route[];
  private _entries: Entry[] | undefined;
  private _outbox: Outbox | undefined;
  private readonly _newId: () => string;

  constructor(
    configs: readonly NotifierConfig[],
    private readonly _o: DeliveryOptions,
  ) {
    this._configs = configs.filter(isRemote).filter((c) => c.enabled);
    this._newId = _o.newId ?? randomUUID;
    // Built now, so a bad notifier (a runaway regex, a bad argument) is an error at construction.
    this._routes = this._configs.map((c) => compileRoute(c, `notifiers.${notifierNameOf(c)}`));
    const ctx = { logger: _o.logger, clock: _o.clock, ...(_o.evaluationIntervalMs !== undefined ? { evaluationIntervalMs: _o.evaluationIntervalMs } : {}) };
    for (const c of this._configs) this._notifiers.push(_o.createNotifier(c, ctx));
  }

  /** Whether any remote notifier is configured (enabled). */
  get size(): number {
    return this._configs.length;
  }

  /**
   * Opens the outbox (`dataDir` undefined: in memory), brings back each
   * notifier's groups and sends what waited. Once; later calls do nothing.
   */
  open(dataDir: string | undefined): void {
    if (this._entries !== undefined || this._configs.length === 0) return;
    const outbox = new Outbox(dataDir, this._o.logger);
    this._outbox = outbox;
    this._entries = this._configs.map((config, i) => {
      const name = notifierNameOf(config);
      const groups = new AggregationGroups(
        name,
        {
          groupBy: config.group_by,
          groupWaitMs: config.group_wait * 1000,
          groupIntervalMs: config.group_interval * 1000,
          repeatIntervalMs: config.repeat_interval * 1000,
          sendResolved: config.send_resolved,
        },
        this._o.externalURL,
        this._newId,
      );
      for (const p of groups.restore(outbox.loadGroups(name)).slice(0, 5)) this._o.logger.warn(`notifier ${name}: ${p}`);
      const queue = new DeliveryQueue(
        this._notifiers[i]!,
        outbox,
        {
          timeoutMs: config.timeout * 1000,
          initialBackoffMs: config.retry.initial_backoff * 1000,
          maxBackoffMs: config.retry.max_backoff * 1000,
          maxAgeMs: config.retry.max_age * 1000,
          maxQueue: config.max_queue,
        },
        this._o.clock,
        this._o.logger,
        this._o.random,
      );
      const waiting = queue.queued;
      if (waiting > 0) this._o.logger.info(`notifier ${name}: ${waiting} notification(s) waiting from before, sending`);
      queue.kick();
      return { config, route: this._routes[i]!, groups, queue };
    });
  }

  /** Takes one evaluation's alert events (already past silences and inhibition). */
  observe(at: number, events: readonly PerformanceAlert[]): void {
    if (this._configs.length === 0 || events.length === 0) return;
    const entries = this._open();
    for (const e of events) {
      const labels = alertLabels(e);
      let na;
      for (const x of entries) {
        if (!x.route(e.severity, labels)) continue;
        na ??= toNotificationAlert(e, this._o.externalURL());
        x.groups.insert(at, na);
      }
    }
  }

  /** Turns the groups due at `at` into notifications and hands them to their queues. */
  tick(at: number): void {
    if (this._configs.length === 0) return;
    const entries = this._open();
    for (const x of entries) {
      const due = x.groups.due(at);
      try {
        x.queue.enqueue(due);
        this._outbox!.saveGroups(notifierNameOf(x.config), x.groups.takeChanged());
      } catch (e) {
        this._o.logger.error(`notifier ${notifierNameOf(x.config)}: cannot write the outbox, ${due.length} notification(s) lost: ${describeError(e)}`, e);
      }
    }
  }

  /** Sends a test notification through each notifier (or the one named) at once, bypassing groups and the outbox. */
  async test(name?: string): Promise<TestResult[]> {
    const picked = this._notifiers.filter((n) => name === undefined || n.name === name);
    if (name !== undefined && picked.length === 0) {
      const known = this._notifiers.map((n) => n.name).join(', ') || 'none configured';
      throw new EchoPerfError('EP_ERR_ARGUMENT', `--notifier: got ${JSON.stringify(name.slice(0, 100))}; expected one of the configured notifiers (${known})`);
    }
    return Promise.all(
      picked.map(async (n, i) => {
        const cfg = this._configs[this._notifiers.indexOf(n)]!;
        const t0 = performance.now();
        const ac = new AbortController();
        const timer = setTimeout(() => ac.abort(new Error(`timed out after ${cfg.timeout} s`)), cfg.timeout * 1000);
        try {
          await n.send(this._testNotification(n.name, i), ac.signal);
          return { name: n.name, type: n.type, target: n.target, ok: true, ms: performance.now() - t0 };
        } catch (e) {
          return { name: n.name, type: n.type, target: n.target, ok: false, error: describeError(e), ms: performance.now() - t0 };
        } finally {
          clearTimeout(timer);
        }
      }),
    );
  }

  private _testNotification(receiver: string, i: number): Notification {
    const at = this._o.clock.now();
    const labels = { alertname: 'EchoPerfTestNotification', severity: AlertSeverity.CRITICAL, component: 'echo_perf', metric: 'notify_test', kind: 'component' };
    return {
      id: this._newId(),
      receiver,
      groupKey: `{component="echo_perf"}`,
      groupLabels: { component: 'echo_perf' },
      status: 'firing',
      createdAt: at,
      externalURL: this._o.externalURL(),
      test: true,
      alerts: [
        {
          status: 'firing',
          labels,
          annotations: { summary: `Test notification from echo-perf (${receiver}): delivery works; nothing is wrong.`, value: '1', threshold: '0', incident: `test-${at}-${i}` },
          startsAt: at,
          endsAt: undefined,
          fingerprint: 'echo-perf-test',
          generatorURL: `${this._o.externalURL()}/api/v1/alerts`,
        },
      ],
    };
  }

  status(at: number = this._o.clock.now()): NotifierStatus[] {
    const iso = (t: number | undefined): string | undefined => (t === undefined ? undefined : new Date(t).toISOString());
    return this._notifiers.map((n, i) => {
      const x = this._entries?.[i];
      const s = x?.queue.stats;
      return {
        name: n.name,
        type: n.type,
        target: n.target,
        queued: x?.queue.queued ?? 0,
        oldestPendingSeconds: x?.queue.oldestAgeSeconds(at) ?? 0,
        groups: x?.groups.size ?? 0,
        sent: s?.sent ?? 0,
        failed: s?.failed ?? 0,
        retried: s?.retried ?? 0,
        lastError: s?.lastError,
        lastErrorAt: iso(s?.lastErrorAt),
        lastSentAt: iso(s?.lastSentAt),
      };
    });
  }

  /** Per notifier: sent, failed, retried, queue length, oldest pending age (Prometheus naming). */
  selfSamples(at: number): Sample[] {
    const out: Sample[] = [];
    for (const s of this.status(at)) {
      const labels = { notifier: s.name, type: s.type };
      out.push(
        { name: 'echo_perf_notifications_sent_total', labels, t: at, v: s.sent },
        { name: 'echo_perf_notifications_failed_total', labels, t: at, v: s.failed },
        { name: 'echo_perf_notification_retries_total', labels, t: at, v: s.retried },
        { name: 'echo_perf_notification_queue_length', labels, t: at, v: s.queued },
        { name: 'echo_perf_notification_oldest_pending_seconds', labels, t: at, v: s.oldestPendingSeconds },
      );
    }
    return out;
  }

  /** Resolves once nothing is being sent and nothing due waits, or after `maxMs`. */
  async flush(maxMs = 5000): Promise<void> {
    const deadline = performance.now() + maxMs;
    while (this._entries?.some((x) => x.queue.busy) === true && performance.now() < deadline) await new Promise<void>((r) => setTimeout(r, 5));
  }

  /** Stops sending (what waits stays in the outbox for the next start) and closes the outbox. */
  async close(): Promise<void> {
    for (const x of this._entries ?? []) x.queue.close();
    await Promise.all((this._entries ?? []).map((x) => x.queue.settled()));
    await Promise.all(this._notifiers.map((n) => (n.close === undefined ? Promise.resolve() : n.close().catch(() => {}))));
    this._outbox?.close();
    this._entries = undefined;
    this._outbox = undefined;
  }

  private _open(): Entry[] {
    if (this._entries === undefined) this.open(undefined);
    return this._entries!;
  }
}
