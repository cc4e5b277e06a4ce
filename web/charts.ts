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
  private xs: number[] = [];
  private readonly keys: string[] = [];
  private readonly names = new Map<string, string>();
  private ys = new Map<string, (number | null)[]>();

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
    const values = new Map<string, number>();
    for (const s of series) {
      if (s.metric !== this.def.metric) continue;
      const key = this.keyFor(s.labels);
      if (key !== undefined) values.set(key, s.value);
    }
    if (values.size === 0 && this.xs.length === 0) return;
    this.xs.push(tMs / 1000);
    for (const k of this.keys) this.ys.get(k)!.push(values.get(k) ?? null);
    if (this.xs.length > LIVE_POINTS) {
      const drop = this.xs.length - LIVE_POINTS;
      this.xs.splice(0, drop);
      for (const col of this.ys.values()) col.splice(0, drop);
    }
    this.draw();
  }

  /** Replaces the data with a range query's answer. */
  setHistory(r: QueryResult): void {
    this.clear();
    const index = new Map<number, number>();
    const times: number[] = [];
    const lines = r.series.slice(0, MAX_LINES);
    for (const s of lines) for (const [t] of s.points) if (!index.has(t)) { index.set(t, 0); times.push(t); }
    times.sort((a, b) => a - b);
    times.forEach((t, i) => index.set(t, i));
    this.xs = times.map((t) => t / 1000);
    for (const s of lines) {
      const key = this.keyFor(s.labels)!;
      const col = this.ys.get(key)!;
      col.length = times.length;
      col.fill(null);
      for (const [t, v] of s.points) col[index.get(t)!] = v;
    }
    this.draw(true);
  }

  clear(): void {
    this.xs = [];
    this.keys.length = 0;
    this.names.clear();
    this.ys = new Map();
    this.plot?.destroy();
    this.plot = undefined;
    this.box.dataset['points'] = '0';
  }

  /** Rebuilds the plot (theme change: axis colours come from the page's CSS). */
  rebuild(): void {
    this.plot?.destroy();
    this.plot = undefined;
    this.draw(true);
  }

  resize(): void {
    this.plot?.setSize({ width: this.width(), height: 200 });
  }

  private keyFor(labels: Labels): string | undefined {
    const key = JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
    if (this.ys.has(key)) return key;
    if (this.keys.length >= MAX_LINES) return undefined;
    this.keys.push(key);
    this.names.set(key, labelText(labels, NOISE));
    this.ys.set(key, new Array<number | null>(this.xs.length).fill(null));
    this.plot?.destroy(); // a new line: the plot's series list is rebuilt
    this.plot = undefined;
    return key;
  }

  private draw(rescale = false): void {
    this.box.dataset['points'] = String(this.xs.length);
    (this.box.lastElementChild as HTMLElement).hidden = this.xs.length > 0;
    if (this.xs.length === 0) return;
    const data: uPlot.AlignedData = [this.xs, ...this.keys.map((k) => this.ys.get(k)!)];
    if (this.plot === undefined) {
      this.plot = new uPlot(this.options(), data, this.plotBox);
    } else {
      this.plot.setData(data, true);
      if (rescale) this.plot.redraw();
    }
  }

  private width(): number {
    return Math.max(200, this.box.clientWidth - 16);
  }

  private options(): uPlot.Options {
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
        ...this.keys.map((k, i) => ({ label: this.names.get(k) ?? k, stroke: PALETTE[i % PALETTE.length]!, width: 1.5, spanGaps: false })),
      ],
    };
  }
}
