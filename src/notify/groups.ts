/**
 * @module notify/groups
 * Alertmanager's aggregation groups and notification log for one notifier
 * (dispatch/dispatch.go, notify/notify.go `needsUpdate`): alerts with equal
 * `group_by` labels form a group; its first notification goes out
 * `group_wait` after it formed, then it is looked at every `group_interval`
 * and sent when its set of firing alerts grew or changed, when alerts it
 * announced resolved (with `send_resolved`), or, unchanged and firing, every
 * `repeat_interval` (so a repeat falls on a group_interval tick, as
 * Alertmanager rounds it). An alert that fires and resolves inside
 * group_wait is never sent. Resolved alerts leave the group once a
 * notification carried them; an empty group is dropped.
 *
 * Time is the monitor's: groups are looked at on each tick (`due(at)`), so a
 * replay and a ManualClock run the same code. State is a plain JSON value
 * (`save`/`restore`) kept with the outbox, so a restart neither repeats a
 * notification nor forgets to send a resolution.
 */
import type { Notification, NotificationAlert } from './notification.js';
import { groupKeyOf } from './fromAlert.js';

export interface GroupTiming {
  readonly groupBy: readonly string[];
  readonly groupWaitMs: number;
  readonly groupIntervalMs: number;
  /** 0 = never repeat */
  readonly repeatIntervalMs: number;
  readonly sendResolved: boolean;
}

/** Groups per notifier at most; alerts of a new group past it are dropped and counted. */
export const MAX_GROUPS = 10_000;

interface Group {
  readonly key: string;
  readonly labels: Record<string, string>;
  /** Latest state of each alert, by fingerprint. */
  readonly alerts: Map<string, NotificationAlert>;
  nextAt: number;
  /** The notification log entry: what the last notification said, and when. */
  sentAt: number | undefined;
  sentFiring: Set<string>;
  sentResolved: Set<string>;
}

export interface SavedGroup {
  key: string;
  labels: Record<string, string>;
  alerts: NotificationAlert[];
  nextAt: number;
  sentAt: number | null;
  sentFiring: string[];
  sentResolved: string[];
}

export class AggregationGroups {
  private readonly _groups = new Map<string, Group>();
  private _droppedAlerts = 0;
  /** Groups changed since the last `takeChanged()` (for persistence). */
  private readonly _changed = new Set<string>();

  constructor(
    private readonly _receiver: string,
    private readonly _t: GroupTiming,
    private readonly _externalURL: () => string,
    private readonly _newId: () => string,
  ) {}

  get size(): number {
    return this._groups.size;
  }

  get droppedAlerts(): number {
    return this._droppedAlerts;
  }

  /** Takes in an alert's new state (firing, escalated, resolved). */
  insert(at: number, a: NotificationAlert): void {
    const labels = Object.create(null) as Record<string, string>;
    for (const k of this._t.groupBy) labels[k] = Object.hasOwn(a.labels, k) ? a.labels[k]! : '';
    const key = groupKeyOf(labels);
    let g = this._groups.get(key);
    if (g === undefined) {
      // A resolution of an alert this group never heard of (e.g. it fired before a config change) makes no group.
      if (a.status === 'resolved') return;
      if (this._groups.size >= MAX_GROUPS) {
        this._droppedAlerts++;
        return;
      }
      g = { key, labels, alerts: new Map(), nextAt: at + this._t.groupWaitMs, sentAt: undefined, sentFiring: new Set(), sentResolved: new Set() };
      this._groups.set(key, g);
    }
    g.alerts.set(a.fingerprint, a);
    this._changed.add(key);
  }

  /** The notifications due at `at`, one per group that needs one; resolved alerts sent leave their group. */
  due(at: number): Notification[] {
    const out: Notification[] = [];
    for (const g of this._groups.values()) {
      if (at < g.nextAt) continue;
      // group_interval 0: looked at on every tick (the tick is the finest time there is).
      g.nextAt = at + this._t.groupIntervalMs;
      const before = g.alerts.size;
      const sentAt = g.sentAt;
      const n = this._flush(at, g);
      if (n !== undefined) out.push(n);
      // Saved only when the log entry or the alerts changed: a group looked at every tick is not rewritten every tick.
      if (g.sentAt !== sentAt || g.alerts.size !== before) this._changed.add(g.key);
      if (g.alerts.size === 0) this._groups.delete(g.key);
    }
    return out;
  }

  private _flush(at: number, g: Group): Notification | undefined {
    const firing: NotificationAlert[] = [];
    const resolved: NotificationAlert[] = [];
    for (const a of g.alerts.values()) (a.status === 'firing' ? firing : resolved).push(a);
    const send = this._needsUpdate(at, g, firing, resolved);
    // Resolved alerts are done once looked at, sent or not (Alertmanager deletes them after a flush).
    for (const a of resolved) g.alerts.delete(a.fingerprint);
    if (!send) return undefined;
    g.sentAt = at;
    g.sentFiring = new Set(firing.map(ident));
    g.sentResolved = new Set(resolved.map(ident));
    const alerts = this._t.sendResolved ? [...firing, ...resolved] : firing;
    if (alerts.length === 0) return undefined;
    return {
      id: this._newId(),
      receiver: this._receiver,
      groupKey: g.key,
      groupLabels: { ...g.labels },
      status: firing.length > 0 ? 'firing' : 'resolved',
      createdAt: at,
      externalURL: this._externalURL(),
      alerts,
    };
  }

  /** Alertmanager's notify.go needsUpdate, with the log entry kept on the group. */
  private _needsUpdate(at: number, g: Group, firing: readonly NotificationAlert[], resolved: readonly NotificationAlert[]): boolean {
    if (g.sentAt === undefined) return firing.length > 0;
    if (!firing.every((a) => g.sentFiring.has(ident(a)))) return true;
    if (firing.length === 0) return g.sentFiring.size > 0;
    if (this._t.sendResolved && !resolved.every((a) => g.sentResolved.has(ident(a)))) return true;
    return this._t.repeatIntervalMs > 0 && at - g.sentAt >= this._t.repeatIntervalMs;
  }

  /** Keys of groups changed since the last call, and whether each still exists. */
  takeChanged(): { key: string; saved: SavedGroup | undefined }[] {
    const out = [...this._changed].map((key) => {
      const g = this._groups.get(key);
      return { key, saved: g === undefined ? undefined : save(g) };
    });
    this._changed.clear();
    return out;
  }

  /** Brings back saved groups; anything malformed is skipped and named. */
  restore(rows: readonly unknown[]): string[] {
    const problems: string[] = [];
    for (const r of rows) {
      const g = load(r);
      if (typeof g === 'string') problems.push(g);
      else if (this._groups.size < MAX_GROUPS) this._groups.set(g.key, g);
    }
    return problems;
  }
}

/**
 * An alert as the notification log knows it: its condition and severity. Alertmanager
 * fingerprints the whole label set, severity included, so an escalation is news.
 */
function ident(a: NotificationAlert): string {
  return `${a.fingerprint}\u0000${a.labels['severity'] ?? ''}`;
}

function save(g: Group): SavedGroup {
  return {
    key: g.key,
    labels: g.labels,
    alerts: [...g.alerts.values()],
    nextAt: g.nextAt,
    sentAt: g.sentAt ?? null,
    sentFiring: [...g.sentFiring],
    sentResolved: [...g.sentResolved],
  };
}

const isStr = (x: unknown): x is string => typeof x === 'string';
const isStrMap = (x: unknown): x is Record<string, string> =>
  typeof x === 'object' && x !== null && !Array.isArray(x) && Object.values(x).every(isStr) && Object.keys(x).length <= 1000;

function loadAlert(x: unknown): NotificationAlert | undefined {
  if (typeof x !== 'object' || x === null) return undefined;
  const a = x as Record<string, unknown>;
  if ((a['status'] !== 'firing' && a['status'] !== 'resolved') || !isStrMap(a['labels']) || !isStrMap(a['annotations'])) return undefined;
  if (typeof a['startsAt'] !== 'number' || !isStr(a['fingerprint']) || !isStr(a['generatorURL'])) return undefined;
  const endsAt = a['endsAt'];
  if (endsAt !== undefined && endsAt !== null && typeof endsAt !== 'number') return undefined;
  return {
    status: a['status'],
    labels: { ...a['labels'] },
    annotations: { ...a['annotations'] },
    startsAt: a['startsAt'],
    endsAt: typeof endsAt === 'number' ? endsAt : undefined,
    fingerprint: a['fingerprint'],
    generatorURL: a['generatorURL'],
  };
}

function load(x: unknown): Group | string {
  if (typeof x !== 'object' || x === null) return 'a saved group is not an object';
  const s = x as Partial<Record<keyof SavedGroup, unknown>>;
  if (!isStr(s.key) || !isStrMap(s.labels) || !Array.isArray(s.alerts) || typeof s.nextAt !== 'number') return `saved group ${String(s.key).slice(0, 100)}: malformed`;
  if (!Array.isArray(s.sentFiring) || !s.sentFiring.every(isStr) || !Array.isArray(s.sentResolved) || !s.sentResolved.every(isStr)) return `saved group ${s.key.slice(0, 100)}: malformed log entry`;
  const alerts = new Map<string, NotificationAlert>();
  for (const a of s.alerts.slice(0, 100_000)) {
    const l = loadAlert(a);
    if (l === undefined) return `saved group ${s.key.slice(0, 100)}: malformed alert`;
    alerts.set(l.fingerprint, l);
  }
  const labels = Object.assign(Object.create(null) as Record<string, string>, s.labels);
  return {
    key: s.key,
    labels,
    alerts,
    nextAt: s.nextAt,
    sentAt: typeof s.sentAt === 'number' ? s.sentAt : undefined,
    sentFiring: new Set(s.sentFiring),
    sentResolved: new Set(s.sentResolved),
  };
}
