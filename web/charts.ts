/**
 * One uPlot chart per metric, one line per label set. Live data goes into a
 * fixed window (LIVE_POINTS ticks; the oldest drops out), so memory stays
 * bounded however long the page is open.
 */
import uPlot from 'uplot';
import type { CurrentSeries, Labels, QueryResult } from './api.js';
import { labelText } from './api.js';
import { el } from './dom.js';
import type { ChartDef } from './metrics.js';

export const LIVE_POINTS = 600;
/** Lines per chart; further label sets are left out (the breakdown tables list them). */
export const MAX_LINES = 8;
const PALETTE = ['#2563eb', '#e8590c', '#2f9e44', '#ae3ec9', '#f08c00', '#0c8599', '#c2255c', '#5c940d'];
/** Labels every line of a chart shares: not worth a legend entry. */
const NOISE = ['component'];

export class MetricChart {
  readonly def: ChartDef;
  private readonly box: HTMLElement;
  private readonly plotBox: HTMLElement;
  private plot: uPlot | undefined;
  /** The live window, kept up to date while a history range is shown, so that going back to live is instant. */
  private readonly live = new Lines();
  /** A range query's answer while the picker is off live. */
  private history: Lines | undefined;

  constructor(parent: HTMLElement, def: ChartDef) {
    this.def = def;
    this.box = el('div', 'chart');
    this.box.dataset['metric'] = def.metric;
    this.box.append(el('h3', undefined, `${def.title} (${def.unit})`));
    this.plotBox = el('div');
    this.box.append(this.plotBox, el('div', 'empty', 'no data yet'));
    parent.append(this.box);
  }

  /** One live tick: appends a column, dropping the oldest past LIVE_POINTS. */
  push(tMs: number, series: readonly CurrentSeries[]): void {
    const l = this.live;
    const values = new Map<string, number>();
    for (const s of series) {
      if (s.metric !== this.def.metric) continue;
      const key = l.keyFor(s.labels);
      if (key !== undefined) values.set(key, s.value);
    }
    if (values.size === 0 && l.xs.length === 0) return;
    l.xs.push(tMs / 1000);
    for (const k of l.keys) l.ys.get(k)!.push(values.get(k) ?? null);
    if (l.xs.length > LIVE_POINTS) {
      const drop = l.xs.length - LIVE_POINTS;
      l.xs.splice(0, drop);
      for (const col of l.ys.values()) col.splice(0, drop);
    }
    if (this.history === undefined) this.draw(l);
  }

  /** Shows a range query's answer until `showLive()`. */
  setHistory(r: QueryResult): void {
    const h = new Lines();
    const index = new Map<number, number>();
    const times: number[] = [];
    const lines = r.series.slice(0, MAX_LINES);
    for (const s of lines) for (const [t] of s.points) if (!index.has(t)) { index.set(t, 0); times.push(t); }
    times.sort((a, b) => a - b);
    times.forEach((t, i) => index.set(t, i));
    h.xs = times.map((t) => t / 1000);
    for (const s of lines) {
      const col = h.ys.get(h.keyFor(s.labels)!)!;
      col.length = times.length;
      col.fill(null);
      for (const [t, v] of s.points) col[index.get(t)!] = v;
    }
    this.history = h;
    this.rebuild();
  }

  /** Back to the live window (kept while the history was shown). */
  showLive(): void {
    this.history = undefined;
    this.rebuild();
  }

  /** Shows nothing until the next answer (a range is loading). */
  loading(): void {
    this.history = new Lines();
    this.rebuild();
  }

  /** Rebuilds the plot (theme change: axis colours come from the page's CSS; a new set of lines). */
  rebuild(): void {
    this.plot?.destroy();
    this.plot = undefined;
    this.shownKeys = '';
    this.draw(this.history ?? this.live);
  }

  resize(): void {
    this.plot?.setSize({ width: this.width(), height: 200 });
  }

  private shownKeys = '';

  private draw(l: Lines): void {
    this.box.dataset['points'] = String(l.xs.length);
    (this.box.lastElementChild as HTMLElement).hidden = l.xs.length > 0;
    if (l.xs.length === 0) {
      this.plot?.destroy();
      this.plot = undefined;
      return;
    }
    const data: uPlot.AlignedData = [l.xs, ...l.keys.map((k) => l.ys.get(k)!)];
    // A new line changes the plot's series list: uPlot is rebuilt then.
    const keys = l.keys.join('\n');
    if (this.plot !== undefined && keys !== this.shownKeys) {
      this.plot.destroy();
      this.plot = undefined;
    }
    if (this.plot === undefined) {
      this.shownKeys = keys;
      this.plot = new uPlot(this.options(l), data, this.plotBox);
    } else {
      this.plot.setData(data, true);
    }
  }

  private width(): number {
    return Math.max(200, this.box.clientWidth - 16);
  }

  private options(l: Lines): uPlot.Options {
    const css = getComputedStyle(document.documentElement);
    const fg = css.getPropertyValue('--muted').trim() || '#666';
    const grid = css.getPropertyValue('--line').trim() || '#ddd';
    const axis: uPlot.Axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    return {
      width: this.width(),
      height: 200,
      cursor: { drag: { x: true, y: false } },
      scales: { x: { time: true } },
      axes: [axis, { ...axis, size: 55 }],
      series: [
        {},
        ...l.keys.map((k, i) => ({ label: l.names.get(k) ?? k, stroke: PALETTE[i % PALETTE.length]!, width: 1.5, spanGaps: false })),
      ],
    };
  }
}

/** Columns for uPlot: times (s) and one value array per label set, at most MAX_LINES. */
class Lines {
  xs: number[] = [];
  readonly keys: string[] = [];
  readonly names = new Map<string, string>();
  readonly ys = new Map<string, (number | null)[]>();

  /** The line of a label set, created (filled with gaps so far) when new; undefined past MAX_LINES. */
  keyFor(labels: Labels): string | undefined {
    const key = JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
    if (this.ys.has(key)) return key;
    if (this.keys.length >= MAX_LINES) return undefined;
    this.keys.push(key);
    this.names.set(key, labelText(labels, NOISE));
    this.ys.set(key, new Array<number | null>(this.xs.length).fill(null));
    return key;
  }
}
