/** Component health: state and collector (last run, last error) from GET /api/v1/status. */
import type { CollectorInfo, Status } from './api.js';
import { el, row } from './dom.js';

export const MAX_COMPONENTS = 200;

/** Renders the table; returns [up, total] for the overview card. */
export function renderComponents(body: HTMLElement, status: Status): [number, number] {
  const entries: [string, string, CollectorInfo | undefined][] = [];
  if (status.components !== undefined) {
    for (const [name, c] of Object.entries(status.components)) entries.push([name, c.state ?? '', c.collector]);
  } else {
    for (const [name, c] of Object.entries(status.collectors ?? {})) entries.push([name, c.status === 'ok' ? 'active' : (c.status ?? ''), c]);
  }
  entries.sort(([a], [b]) => (a < b ? -1 : 1));
  const shown = entries.slice(0, MAX_COMPONENTS);
  const rows = shown.map(([name, state, c]) =>
    row(
      [name, state, c?.status ?? '—', c?.lastRunAt === undefined ? '—' : new Date(c.lastRunAt).toLocaleTimeString(), c?.lastError ?? ''],
      [undefined, `st-${state}`],
    ),
  );
  if (rows.length === 0) rows.push(row([el('span', 'muted', 'no components')]));
  body.replaceChildren(...rows);
  return [entries.filter(([, s]) => s === 'active').length, entries.length];
}
