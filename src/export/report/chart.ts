/**
 * @module export/report/chart
 * Inline SVG line charts: a polyline per series, time and value axes with
 * ticks, the unit on the value axis, and a min/max band where the points are
 * rollup means. Drawn here so the report needs no script and no other file.
 */
import { esc } from './escape.js';
import { fmt } from './format.js';

export interface ChartLine {
  readonly points: readonly (readonly [number, number])[];
  readonly bands?: readonly (readonly [number, number, number])[] | undefined;
}

const W = 760;
const H = 240;
const M = { left: 64, right: 16, top: 12, bottom: 34 };
/** Series colours are CSS classes, so the page's light and dark schemes pick them. */
export const PALETTE_SIZE = 8;

/** 1, 2 or 5 × 10^k steps giving about `n` ticks over [lo, hi]. */
function niceTicks(lo: number, hi: number, n: number): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((k) => k * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9 && out.length < 20; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

const TIME_STEPS = [1, 5, 15, 30, 60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86_400, 7 * 86_400].map((s) => s * 1000);

function timeTicks(lo: number, hi: number, n: number): number[] {
  const step = TIME_STEPS.find((s) => (hi - lo) / s <= n) ?? TIME_STEPS[TIME_STEPS.length - 1]!;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi && out.length < 20; t += step) out.push(t);
  return out;
}

function timeLabel(t: number, spanMs: number): string {
  const s = new Date(t).toISOString();
  if (spanMs > 2 * 86_400_000) return `${s.slice(5, 10)} ${s.slice(11, 16)}`;
  return spanMs > 120_000 ? s.slice(11, 16) : s.slice(11, 19);
}

export function lineChart(lines: readonly ChartLine[], range: { start: number; end: number }, unit: string | undefined, title: string): string {
  let lo = Infinity;
  let hi = -Infinity;
  const see = (a: number, b: number): void => {
    if (!Number.isFinite(a) || !Number.isFinite(b)) return;
    lo = Math.min(lo, a);
    hi = Math.max(hi, b);
  };
  for (const l of lines) {
    for (const [, v] of l.points) see(v, v);
    for (const [, a, b] of l.bands ?? []) see(a, b);
  }
  if (!Number.isFinite(lo)) {
    lo = 0;
    hi = 1;
  }
  if (hi === lo) {
    const pad = Math.abs(lo) * 0.1 || 1;
    lo -= pad;
    hi += pad;
  }
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const t0 = range.start;
  const t1 = Math.max(range.end, range.start + 1);
  const x = (t: number): number => M.left + ((t - t0) / (t1 - t0)) * pw;
  const y = (v: number): number => M.top + (1 - (v - lo) / (hi - lo)) * ph;
  const r = (n: number): string => n.toFixed(1);
  let svg = `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}"><title>${esc(title)}</title>`;
  svg += `<rect class="plot" x="${M.left}" y="${M.top}" width="${pw}" height="${ph}"/>`;
  for (const v of niceTicks(lo, hi, 5)) {
    svg += `<line class="grid" x1="${M.left}" x2="${M.left + pw}" y1="${r(y(v))}" y2="${r(y(v))}"/>`;
    svg += `<text class="tick" x="${M.left - 6}" y="${r(y(v) + 4)}" text-anchor="end">${esc(fmt(v))}</text>`;
  }
  for (const t of timeTicks(t0, t1, 6)) {
    svg += `<line class="grid" x1="${r(x(t))}" x2="${r(x(t))}" y1="${M.top}" y2="${M.top + ph}"/>`;
    svg += `<text class="tick" x="${r(x(t))}" y="${M.top + ph + 16}" text-anchor="middle">${esc(timeLabel(t, t1 - t0))}</text>`;
  }
  svg += `<text class="axis" x="${M.left + pw}" y="${H - 2}" text-anchor="end">time (UTC)</text>`;
  if (unit !== undefined && unit !== '') svg += `<text class="axis" x="12" y="${M.top + ph / 2}" transform="rotate(-90 12 ${M.top + ph / 2})" text-anchor="middle">${esc(unit)}</text>`;
  lines.forEach((l, i) => {
    const cls = `s${i % PALETTE_SIZE}`;
    const bands = (l.bands ?? []).filter(([, a, b]) => Number.isFinite(a) && Number.isFinite(b));
    if (bands.length > 1) {
      const upper = bands.map(([t, , b]) => `${r(x(t))},${r(y(b))}`);
      const lower = bands.map(([t, a]) => `${r(x(t))},${r(y(a))}`).reverse();
      svg += `<polygon class="band ${cls}" points="${[...upper, ...lower].join(' ')}"/>`;
    }
    const pts = l.points.filter(([, v]) => Number.isFinite(v)).map(([t, v]) => `${r(x(t))},${r(y(v))}`);
    if (pts.length === 1) svg += `<circle class="dot ${cls}" cx="${pts[0]!.split(',')[0]}" cy="${pts[0]!.split(',')[1]}" r="2.5"/>`;
    else if (pts.length > 1) svg += `<polyline class="line ${cls}" points="${pts.join(' ')}"/>`;
  });
  return `${svg}</svg>`;
}
