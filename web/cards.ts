/** The overview cards: one value each, "—" when nothing reports it. */
import type { CurrentSeries, Snapshot } from './api.js';
import { el, fmt } from './dom.js';
import { CARDS, type CardDef } from './metrics.js';

export class Cards {
  private readonly values = new Map<string, HTMLElement>();

  constructor(root: HTMLElement) {
    for (const c of [...CARDS, { id: 'components', label: 'Components up', unit: '' } as CardDef]) {
      const card = el('div', 'card');
      card.dataset['card'] = c.id;
      const value = el('span', 'value', '—');
      const line = el('div');
      line.append(value, el('span', 'unit', c.unit));
      card.append(el('div', 'label', c.label), line);
      root.append(card);
      this.values.set(c.id, value);
    }
  }

  update(snapshot: Snapshot | null, series: readonly CurrentSeries[]): void {
    const byMetric = new Map<string, number[]>();
    for (const s of series) {
      if (!Number.isFinite(s.value)) continue;
      let list = byMetric.get(s.metric);
      if (list === undefined) byMetric.set(s.metric, (list = []));
      list.push(s.value);
    }
    for (const c of CARDS) {
      const fromField = c.field !== undefined ? snapshot?.[c.field] : undefined;
      let v = typeof fromField === 'number' ? fromField : undefined;
      if (v === undefined && c.metric !== undefined) v = reduce(byMetric.get(c.metric), c.reduce ?? 'max');
      this.set(c.id, fmt(v));
    }
  }

  components(up: number, total: number): void {
    this.set('components', total === 0 ? '—' : `${up} / ${total}`);
  }

  private set(id: string, text: string): void {
    const e = this.values.get(id);
    if (e !== undefined && e.textContent !== text) e.textContent = text;
  }
}

function reduce(values: number[] | undefined, how: 'max' | 'sum' | 'mean'): number | undefined {
  if (values === undefined || values.length === 0) return undefined;
  const sum = values.reduce((a, b) => a + b, 0);
  if (how === 'sum') return sum;
  if (how === 'mean') return sum / values.length;
  return Math.max(...values);
}
