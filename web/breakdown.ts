/** Per-engine, per-model and per-GPU tables from the current series' `engine`, `model` and `gpu` labels. */
import type { CurrentSeries } from './api.js';
import { el, fmt, row } from './dom.js';
import { BREAKDOWN_DIMS, BREAKDOWN_METRICS } from './metrics.js';

/** Rows per table: a fleet larger than this is for the query API, not a glance. */
export const MAX_ROWS = 50;

export function renderBreakdown(root: HTMLElement, series: readonly CurrentSeries[]): void {
  const wanted = new Set(BREAKDOWN_METRICS);
  const parts: HTMLElement[] = [];
  for (const dim of BREAKDOWN_DIMS) {
    const table = new Map<string, Map<string, number>>();
    for (const s of series) {
      const key = s.labels[dim];
      if (key === undefined || !wanted.has(s.metric)) continue;
      let cells = table.get(key);
      if (cells === undefined) {
        if (table.size >= MAX_ROWS) continue;
        table.set(key, (cells = new Map<string, number>()));
      }
      // Several series per cell (e.g. per model under one engine): the sum for rates, which these mostly are, would mislead for ratios, so keep the largest.
      cells.set(s.metric, Math.max(cells.get(s.metric) ?? -Infinity, s.value));
    }
    if (table.size === 0) continue;
    const cols = BREAKDOWN_METRICS.filter((m) => [...table.values()].some((c) => c.has(m)));
    const t = el('table', 'table');
    t.dataset['dim'] = dim;
    const head = el('tr');
    for (const h of [dim, ...cols]) head.append(el('th', undefined, h));
    const body = el('tbody');
    for (const [key, cells] of [...table].sort(([a], [b]) => (a < b ? -1 : 1))) {
      body.append(row([key, ...cols.map((m) => fmt(cells.get(m)))], [undefined, ...cols.map(() => 'num')]));
    }
    t.append(el('thead'), body);
    t.tHead!.append(head);
    parts.push(el('h3', undefined, `Per ${dim}`), t);
  }
  if (parts.length === 0) parts.push(el('p', 'muted', 'No series with an engine, model or gpu label.'));
  root.replaceChildren(...parts);
}
