/** Elements built with textContent only: data from the server never becomes markup. */

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls !== undefined) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (e === null) throw new Error(`#${id} missing from the page`);
  return e as T;
}

export function row(cells: (string | Node)[], classes: (string | undefined)[] = []): HTMLTableRowElement {
  const tr = el('tr');
  cells.forEach((c, i) => {
    const td = el('td', classes[i]);
    if (typeof c === 'string') td.textContent = c;
    else td.append(c);
    tr.append(td);
  });
  return tr;
}

export function fmt(v: number | undefined, digits = 1): string {
  if (v === undefined || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  if (a >= 1e6) return `${(v / 1e6).toFixed(digits)}M`;
  if (a >= 1e4) return `${(v / 1e3).toFixed(digits)}k`;
  return a >= 100 ? v.toFixed(0) : v.toFixed(a < 1 && a !== 0 ? 3 : digits);
}

export function showError(target: HTMLElement, message: string | undefined): void {
  target.hidden = message === undefined;
  target.textContent = message ?? '';
}
