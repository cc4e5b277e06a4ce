/**
 * @module alert/suppress
 * Between the alert log and the handlers: holds back the notifications of
 * alerts that a silence or an inhibit rule mutes, as Alertmanager's MuteStage
 * does (notify/notify.go). A muted alert still fires (firing(), ALERTS, the
 * history show it, marked); once nothing mutes it and it still fires, its
 * firing event is delivered then. A resolved event is delivered when its
 * firing one was, so a handler never keeps an incident open that has ended,
 * and never hears of the end of one it was not told about.
 */
import type { PerformanceAlert } from './alert.js';
import { inhibitions } from './inhibit.js';
import { alertLabels } from './labelSet.js';
import type { Silences } from './silences.js';

/** An alert's status as Alertmanager API v2 shows it. */
export interface SuppressionStatus {
  state: 'active' | 'suppressed';
  silencedBy: string[];
  inhibitedBy: string[];
}

const ACTIVE: SuppressionStatus = Object.freeze({ state: 'active' as const, silencedBy: [], inhibitedBy: [] });

export class Suppressor {
  /** Incident ids whose firing event reached the handlers. */
  private _delivered = new Set<string>();
  /** Incident ids whose firing event is held back. */
  private _held = new Set<string>();
  /** Status of each firing alert at the last filter, by incident id. */
  private _status = new Map<string, SuppressionStatus>();

  constructor(private readonly _silences: Silences) {}

  /**
   * The events of one evaluation that may be delivered now, plus the firing
   * events held earlier that nothing mutes any more. `firing` is every alert
   * firing after the evaluation (the events' firing ones included).
   */
  filter(events: readonly PerformanceAlert[], firing: readonly PerformanceAlert[], at: number): PerformanceAlert[] {
    const inhibited = inhibitions(firing);
    const status = new Map<string, SuppressionStatus>();
    for (const a of firing) {
      const silencedBy = this._silences.size === 0 ? [] : this._silences.silencedBy(alertLabels(a), at);
      const inhibitedBy = inhibited.get(a.fingerprint) ?? [];
      status.set(a.id, silencedBy.length === 0 && inhibitedBy.length === 0 ? ACTIVE : { state: 'suppressed', silencedBy: [...silencedBy], inhibitedBy });
    }
    this._status = status;
    const out: PerformanceAlert[] = [];
    const now = new Set<string>();
    for (const e of events) {
      if (e.status === 'resolved') {
        if (this._delivered.delete(e.id)) out.push(e);
        this._held.delete(e.id);
        continue;
      }
      now.add(e.id);
      if ((status.get(e.id) ?? ACTIVE).state === 'suppressed') this._held.add(e.id);
      else {
        this._delivered.add(e.id);
        out.push(e);
      }
    }
    const delivered = new Set<string>();
    const held = new Set<string>();
    for (const a of firing) {
      const muted = (status.get(a.id) ?? ACTIVE).state === 'suppressed';
      if (this._delivered.has(a.id)) delivered.add(a.id);
      else if (this._held.has(a.id) || (!now.has(a.id) && a.metadata['suppressed'] === true)) {
        // Held, or brought back after a restart while held: delivered once nothing mutes it.
        if (muted) held.add(a.id);
        else {
          delivered.add(a.id);
          if (!now.has(a.id)) out.push(a);
        }
      } else if (!now.has(a.id) || !muted) {
        // Firing without an event here: restored after a restart, its handlers heard of it then.
        delivered.add(a.id);
      } else held.add(a.id);
    }
    // Only what still fires is remembered: both sets are bounded by the firing alerts.
    this._delivered = delivered;
    this._held = held;
    return out;
  }

  /** The status of a firing alert as of the last filter (active for one it has not seen). */
  statusOf(a: PerformanceAlert): SuppressionStatus {
    return a.status === 'firing' ? (this._status.get(a.id) ?? ACTIVE) : ACTIVE;
  }

  /** The alert with its status in metadata (`suppressed`, `silencedBy`, `inhibitedBy`), for views and persistence. */
  annotate(a: PerformanceAlert): PerformanceAlert {
    if (a.status !== 'firing') return a;
    const s = this.statusOf(a);
    return { ...a, metadata: { ...a.metadata, suppressed: s.state === 'suppressed', silencedBy: s.silencedBy, inhibitedBy: s.inhibitedBy } };
  }
}
