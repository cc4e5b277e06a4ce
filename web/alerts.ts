/**
 * Firing and recent alerts: the firing list from GET /api/v1/alerts, updated by
 * the stream's alert events; at most MAX_ALERTS kept (resolved ones drop first).
 */
import { fetchJson, type Alert } from './api.js';
import { byId, el, row, showError } from './dom.js';

export const MAX_ALERTS = 200;
/**
 * The server applies a new silence at its next tick (an alert's status is "as of
 * the last tick"), so a silenced alert shows as silenced here at once and for
 * up to this long until the server says so too.
 */
const PENDING_SILENCE_MS = 10_000;

export class AlertList {
  private readonly items = new Map<string, Alert>();
  /** Fingerprint → until when it shows as silenced before the server confirms. */
  private readonly pending = new Map<string, number>();
  private readonly body = byId<HTMLTableSectionElement>('alerts');
  private readonly severity = byId<HTMLSelectElement>('severity');
  private readonly token = byId<HTMLInputElement>('token');
  private readonly error = byId('alert-error');
  private renderQueued = false;

  constructor() {
    this.severity.addEventListener('change', () => this.render());
  }

  /**
   * One render per frame however many alert events arrive: a burst of events
   * (a whole group resolving) rebuilt the table once per event, tens of ms each.
   */
  private scheduleRender(): void {
    if (this.renderQueued) return;
    this.renderQueued = true;
    requestAnimationFrame(() => {
      this.renderQueued = false;
      this.render();
    });
  }

  /** The firing list as the server has it now; alerts no longer in it are kept as resolved. */
  async refresh(): Promise<void> {
    const firing = await fetchJson<Alert[]>('/api/v1/alerts');
    const now = new Date().toISOString();
    const live = new Set(firing.map((a) => a.fingerprint));
    for (const [fp, a] of this.items) if (!live.has(fp) && !isResolved(a)) this.items.set(fp, { ...a, endsAt: now });
    for (const a of firing) this.upsert(a, false);
    this.render();
  }

  /** An alert event from the stream. */
  upsert(a: Alert, render = true): void {
    this.items.delete(a.fingerprint); // re-inserted last: the map's order is recency
    this.items.set(a.fingerprint, a);
    if (this.items.size > MAX_ALERTS) {
      const victim = [...this.items].find(([, x]) => isResolved(x))?.[0] ?? this.items.keys().next().value;
      if (victim !== undefined) {
        this.items.delete(victim);
        this.pending.delete(victim);
      }
    }
    if (render) this.scheduleRender();
  }

  render(): void {
    const want = this.severity.value;
    const list = [...this.items.values()]
      .filter((a) => want === '' || a.labels['severity'] === want)
      .sort((a, b) => RANK[this.stateOf(a)] - RANK[this.stateOf(b)] || (a.startsAt < b.startsAt ? 1 : -1));
    const rows = list.map((a) => {
      const state = this.stateOf(a);
      const sev = a.labels['severity'] ?? '';
      const action: Node = state === 'firing' ? this.silenceButton(a) : el('span', 'muted', '');
      const tr = row(
        [sev, a.labels['alertname'] ?? '', a.annotations.summary ?? '', state, new Date(a.startsAt).toLocaleString(), action],
        [`sev sev-${sev}`, undefined, undefined, `state-${state}`],
      );
      tr.dataset['fingerprint'] = a.fingerprint;
      tr.dataset['state'] = state;
      return tr;
    });
    if (rows.length === 0) rows.push(row([el('span', 'muted', 'no alerts')]));
    this.body.replaceChildren(...rows);
  }

  private stateOf(a: Alert): 'firing' | 'silenced' | 'resolved' {
    if (isResolved(a)) return 'resolved';
    const until = this.pending.get(a.fingerprint);
    if (a.status.state === 'suppressed') {
      if (until !== undefined) this.pending.delete(a.fingerprint);
      return 'silenced';
    }
    if (until !== undefined && until > Date.now()) return 'silenced';
    this.pending.delete(a.fingerprint);
    return 'firing';
  }

  private silenceButton(a: Alert): HTMLButtonElement {
    const b = el('button', 'silence', 'Silence 1 h');
    b.type = 'button';
    b.addEventListener('click', () => {
      b.disabled = true;
      void this.silence(a).finally(() => (b.disabled = false));
    });
    return b;
  }

  /** POST /api/v1/silences matching every label of the alert, for one hour. */
  private async silence(a: Alert): Promise<void> {
    // The API takes at most 32 matchers; alertname and severity lead so a long label set stays specific.
    const entries = Object.entries(a.labels).sort(([x], [y]) => lead(x) - lead(y)).slice(0, 32);
    const body = {
      matchers: entries.map(([name, value]) => ({ name, value, isRegex: false, isEqual: true })),
      duration: 3600,
      createdBy: 'echo-perf dashboard',
      comment: `Silenced from the dashboard: ${a.labels['alertname'] ?? a.fingerprint}`,
    };
    const token = this.token.value.trim();
    try {
      await fetchJson('/api/v1/silences', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token === '' ? {} : { authorization: `Bearer ${token}` }) },
        body: JSON.stringify(body),
      });
      showError(this.error, undefined);
      this.pending.set(a.fingerprint, Date.now() + PENDING_SILENCE_MS);
      this.render();
      setTimeout(() => void this.refresh().catch(() => undefined), 2000);
    } catch (e) {
      showError(this.error, `Could not silence: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

function isResolved(a: Alert): boolean {
  return a.endsAt !== null && Date.parse(a.endsAt) <= Date.now();
}

const RANK = { firing: 0, silenced: 1, resolved: 2 } as const;

function lead(name: string): number {
  return name === 'alertname' ? 0 : name === 'severity' ? 1 : 2;
}
