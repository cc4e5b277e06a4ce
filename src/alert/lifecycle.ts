/**
 * @module alert/lifecycle
 * Turns findings into incidents, with the states of Prometheus's alerting
 * rules (rules/alerting.go): a condition with a hold (`forMs`) is pending,
 * silently, until it has held that long, then firing; a pending alert whose
 * condition stops just goes; a firing one resolves, or keeps firing for
 * `keepFiringForMs` after its condition stopped. Handlers hear of an incident
 * when it fires, again when its severity rises or every `repeatIntervalMs`
 * while it fires (Alertmanager's repeat_interval), and when it resolves, with
 * a sentence saying how things stand and how long it lasted. Fingerprint =
 * the finding's key.
 */
import { humanDuration, num } from '../core/humanize.js';
import { compareSeverity } from '../core/severity.js';
import type { Finding, Recovery } from '../analyze/finding.js';
import type { PerformanceAlert } from './alert.js';

export interface LifecycleOptions {
  /** ms after which a still-firing alert is sent again; 0 = never. */
  readonly repeatIntervalMs?: number;
}

interface Active {
  alert: PerformanceAlert;
  state: 'pending' | 'firing';
  worst: number;
  /** When the condition started holding (Prometheus's activeAt). */
  activeAt: number;
  /** The latest evaluation at which the condition held. */
  heldAt: number;
  forMs: number;
  keepFiringForMs: number;
  /** When handlers were last told of it. */
  sentAt: number;
  repeats: number;
  /** How things stood when the condition stopped (kept while keep_firing_for holds the alert). */
  recovery: Recovery | undefined;
}

export class AlertLifecycle {
  private readonly _active = new Map<string, Active>();
  private _seq = 0;
  private readonly _repeatMs: number;

  constructor(o: LifecycleOptions = {}) {
    this._repeatMs = o.repeatIntervalMs ?? 0;
  }

  /** Alerts firing now. */
  active(): PerformanceAlert[] {
    const out: PerformanceAlert[] = [];
    for (const a of this._active.values()) if (a.state === 'firing') out.push(a.alert);
    return out;
  }

  /** Alerts whose condition holds but not yet for their hold time (no event yet). */
  pending(): PerformanceAlert[] {
    const out: PerformanceAlert[] = [];
    for (const a of this._active.values()) if (a.state === 'pending') out.push(a.alert);
    return out;
  }

  /**
   * Takes back an incident that was firing before a restart: no event now;
   * the next evaluation updates it if its condition still holds, or resolves it.
   */
  restore(alert: PerformanceAlert): void {
    const worst = alert.metadata['worstValue'];
    this._active.set(alert.fingerprint, {
      alert,
      state: 'firing',
      worst: typeof worst === 'number' ? worst : alert.currentValue,
      activeAt: alert.timestamp,
      heldAt: alert.timestamp,
      forMs: 0,
      keepFiringForMs: 0,
      sentAt: alert.timestamp,
      repeats: 0,
      recovery: undefined,
    });
  }

  /**
   * Applies one evaluation's findings (and the rule conditions that stopped
   * holding) at time `at`. Returns the events to deliver: alerts that started
   * firing, escalated or repeat (status firing) and ended ones (resolved).
   * `onUpdate` receives the refreshed record of every incident still firing.
   */
  apply(at: number, findings: readonly Finding[], recoveries: readonly Recovery[] = [], onUpdate?: (a: PerformanceAlert) => void): PerformanceAlert[] {
    const events: PerformanceAlert[] = [];
    const seen = new Set<string>();
    for (const r of recoveries) {
      const a = this._active.get(r.key);
      if (a !== undefined) a.recovery = r;
    }
    for (const f of findings) {
      if (seen.has(f.key)) continue;
      seen.add(f.key);
      const cur = this._active.get(f.key);
      if (cur === undefined) {
        const a = this._start(at, f);
        if (a.state === 'firing') events.push(a.alert);
        continue;
      }
      cur.heldAt = at;
      cur.recovery = undefined;
      cur.forMs = f.forMs ?? 0;
      cur.keepFiringForMs = f.keepFiringForMs ?? 0;
      if (cur.state === 'pending') {
        cur.alert = { ...cur.alert, currentValue: f.value, threshold: f.threshold, message: f.message, severity: f.severity, metadata: { ...cur.alert.metadata, ...f.metadata } };
        if (at - cur.activeAt >= cur.forMs) events.push(this._fire(at, cur, f));
        continue;
      }
      const worse = isWorse(f, cur.worst);
      cur.worst = worse ? f.value : cur.worst;
      const escalated = compareSeverity(f.severity, cur.alert.severity) > 0;
      const repeat = !escalated && this._repeatMs > 0 && at - cur.sentAt >= this._repeatMs;
      if (repeat) cur.repeats++;
      cur.alert = {
        ...cur.alert,
        currentValue: f.value,
        threshold: f.threshold,
        message: f.message,
        severity: escalated ? f.severity : cur.alert.severity,
        metadata: {
          ...cur.alert.metadata,
          ...f.metadata,
          worstValue: cur.worst,
          lastEvaluatedAt: at,
          ...(escalated ? { escalated: true } : {}),
          ...(repeat ? { repeat: cur.repeats } : {}),
        },
      };
      if (escalated || repeat) {
        cur.sentAt = at;
        events.push(cur.alert);
      }
      onUpdate?.(cur.alert);
    }
    for (const [key, a] of this._active) {
      if (seen.has(key)) continue;
      if (a.state === 'pending') {
        this._active.delete(key);
        continue;
      }
      if (a.keepFiringForMs > 0 && at - a.heldAt < a.keepFiringForMs) continue;
      this._active.delete(key);
      events.push(resolve(at, a));
    }
    return events;
  }

  private _start(at: number, f: Finding): Active {
    const alert: PerformanceAlert = {
      id: `${at.toString(36)}-${(++this._seq).toString(36)}`,
      fingerprint: f.key,
      kind: f.kind,
      severity: f.severity,
      component: f.component,
      metric: f.metric,
      currentValue: f.value,
      threshold: f.threshold,
      message: f.message,
      timestamp: at,
      status: 'firing',
      endsAt: undefined,
      metadata: { ...f.metadata, worstValue: f.value, lastEvaluatedAt: at },
      ...(f.labels !== undefined ? { labels: f.labels } : {}),
      ...(f.rule !== undefined ? { rule: f.rule } : {}),
    };
    const a: Active = {
      alert,
      state: 'pending',
      worst: f.value,
      activeAt: at,
      heldAt: at,
      forMs: f.forMs ?? 0,
      keepFiringForMs: f.keepFiringForMs ?? 0,
      sentAt: at,
      repeats: 0,
      recovery: undefined,
    };
    this._active.set(f.key, a);
    if (a.forMs <= 0) this._fire(at, a, f);
    return a;
  }

  /** Pending → firing: the incident starts now (its `timestamp`), after holding since `activeAt`. */
  private _fire(at: number, a: Active, f: Finding): PerformanceAlert {
    a.state = 'firing';
    a.sentAt = at;
    a.worst = f.value;
    a.alert = {
      ...a.alert,
      timestamp: at,
      metadata: { ...a.alert.metadata, worstValue: f.value, lastEvaluatedAt: at, ...(a.forMs > 0 ? { activeAt: a.activeAt } : {}) },
    };
    return a.alert;
  }
}

/** The resolved record: a sentence on how things stand now and how long it lasted; the firing text is kept. */
function resolve(at: number, a: Active): PerformanceAlert {
  const r = a.recovery;
  const now = r !== undefined ? r.message : settled(a.alert);
  return {
    ...a.alert,
    ...(r !== undefined && Number.isFinite(r.value) ? { currentValue: r.value } : {}),
    status: 'resolved',
    endsAt: at,
    message: `${now} after ${humanDuration(at - a.alert.timestamp)}`,
    metadata: { ...a.alert.metadata, firingMessage: a.alert.message },
  };
}

function isWorse(f: Finding, worst: number): boolean {
  const op = f.metadata['op'];
  if (op === 'min') return f.value < worst;
  if (op === 'max') return f.value > worst;
  return Math.abs(f.value) > Math.abs(worst);
}

/** How things stand once a condition without a recovery sentence of its own (not a rule's) stopped holding. */
function settled(a: PerformanceAlert): string {
  switch (a.kind) {
    case 'target':
      return `Target ${a.component} is up again`;
    case 'staleness':
      return `${a.component} reports again`;
    case 'engine': // the only engine condition is a stall (analyze/engines/stall.ts)
      return `Engine ${a.component} is serving again`;
    default:
      return `${a.metric} of ${a.component}: condition no longer holds (last value ${num(a.currentValue)})`;
  }
}
