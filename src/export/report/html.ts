/**
 * @module export/report/html
 * The report as one self-contained HTML page: inline CSS, inline SVG charts,
 * no script and no URL, so it reads the same offline, attached to a mail or
 * archived. Every text from the data is escaped, and a Content-Security-Policy
 * forbids scripts and fetches besides.
 */
import type { ReportData, ReportSeries } from './types.js';
import { lineChart, PALETTE_SIZE } from './chart.js';
import { esc } from './escape.js';
import { fmt, iso, labelSet, span, withUnit } from './format.js';
import { direction, downsample, downsampleBands, sloAttainment, summarize, TREND_METRICS, trends, uptime } from './stats.js';

export interface HtmlOptions {
  /** Charts drawn at most, one per metric name (default 24); the others are named. */
  maxCharts?: number;
  /** Series per chart (default 8). */
  maxSeriesPerChart?: number;
  /** Points per chart in all (default 2000). */
  maxPointsPerChart?: number;
  /** Rows of the per-metric table (default 2000). */
  maxTableRows?: number;
}

const CSS = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1d232b;--muted:#5b6573;--line:#d9dee5;--plot:#fafbfc;--ok:#1a7f37;--bad:#c62828;--warn:#9a6700;
--c0:#1f77b4;--c1:#d62728;--c2:#2ca02c;--c3:#9467bd;--c4:#ff7f0e;--c5:#17becf;--c6:#8c564b;--c7:#e377c2}
@media (prefers-color-scheme:dark){:root{--bg:#0f1318;--fg:#e3e8ee;--muted:#9aa5b1;--line:#2c343e;--plot:#151b22;--ok:#3fb950;--bad:#f85149;--warn:#d29922;
--c0:#58a6ff;--c1:#ff7b72;--c2:#3fb950;--c3:#d2a8ff;--c4:#ffa657;--c5:#39c5cf;--c6:#c69026;--c7:#f778ba}}
body{background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1100px;padding:16px 24px 48px}
h1{font-size:22px;margin:8px 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}h3{font-size:14px;margin:14px 0 4px}
.muted,.note{color:var(--muted)}table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{border-bottom:1px solid var(--line);padding:3px 8px;text-align:left;vertical-align:top}td.n,th.n{text-align:right;white-space:nowrap}
code,.lbl{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px;overflow-wrap:anywhere}
dl.sum{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:8px 0}dl.sum dt{color:var(--muted)}dl.sum dd{margin:0}
.chart{width:100%;height:auto;max-width:760px;display:block}.chart .plot{fill:var(--plot);stroke:var(--line)}.chart .grid{stroke:var(--line);stroke-width:1}
.chart .tick,.chart .axis{fill:var(--muted);font-size:11px}.chart .line{fill:none;stroke-width:1.5}.chart .band{stroke:none;opacity:.18}
${Array.from({ length: PALETTE_SIZE }, (_, i) => `.s${i}{stroke:var(--c${i});fill:var(--c${i})}.chart .line.s${i}{fill:none}.key.s${i}{background:var(--c${i})}`).join('')}
.key{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px;vertical-align:middle}ul.legend{list-style:none;padding:0;margin:4px 0 12px}
.firing{color:var(--bad);font-weight:600}.resolved{color:var(--ok)}.met{color:var(--ok)}.missed{color:var(--bad)}.rising{color:var(--warn)}
.bar{display:inline-block;height:8px;background:var(--c0);border-radius:2px;vertical-align:middle}.barbox{display:inline-block;width:120px;background:var(--line);border-radius:2px;margin-right:6px}
`;

const seriesTitle = (s: ReportSeries): string => `${s.name}${labelSet(s.labels)}`;

function summarySection(d: ReportData): string {
  const names = new Set(d.series.map((s) => s.name));
  return `<h1>echo-perf report</h1>
<section id="summary"><h2>Summary</h2><dl class="sum">
<dt>Host</dt><dd>${esc(d.host)}</dd>
<dt>Range</dt><dd>${esc(iso(d.range.start))} – ${esc(iso(d.range.end))} (${esc(span(d.range.end - d.range.start))})</dd>
<dt>Generated at</dt><dd>${esc(iso(d.generatedAt))}</dd>
<dt>Source</dt><dd>${esc(d.tier)} tier</dd>
<dt>Series</dt><dd>${d.series.length} series of ${names.size} metrics${d.leftOut.length > 0 ? `; left out past the bound: ${esc(d.leftOut.slice(0, 50).join(', '))}${d.leftOut.length > 50 ? ` and ${d.leftOut.length - 50} more` : ''}` : ''}</dd>
<dt>Alerts</dt><dd>${d.alerts.filter((a) => a.status === 'firing').length} firing, ${d.alerts.filter((a) => a.status !== 'firing').length} resolved in the records</dd>
</dl></section>`;
}

function chartsSection(d: ReportData, o: Required<HtmlOptions>): string {
  const byName = new Map<string, ReportSeries[]>();
  for (const s of d.series) {
    if (s.points.length === 0) continue;
    const list = byName.get(s.name) ?? [];
    list.push(s);
    byName.set(s.name, list);
  }
  const key = (n: string): number => {
    const i = TREND_METRICS.indexOf(n);
    return i < 0 ? TREND_METRICS.length : i;
  };
  const names = [...byName.keys()].sort((a, b) => key(a) - key(b) || Number(a.startsWith('echo_perf_')) - Number(b.startsWith('echo_perf_')) || a.localeCompare(b));
  const drawn = names.slice(0, o.maxCharts);
  const skipped = names.slice(o.maxCharts);
  let html = `<section id="charts"><h2>Charts</h2>`;
  if (drawn.length === 0) html += `<p class="note">No points in the range.</p>`;
  for (const name of drawn) {
    const all = byName.get(name)!;
    const shown = all.slice(0, o.maxSeriesPerChart);
    const per = Math.max(2, Math.floor(o.maxPointsPerChart / shown.length));
    const lines = shown.map((s) => ({ points: downsample(s.points, per), bands: s.bands === undefined ? undefined : downsampleBands(s.bands, per) }));
    const unit = shown[0]!.unit;
    html += `<figure><h3><code>${esc(name)}</code>${unit !== undefined ? ` <span class="muted">(${esc(unit)})</span>` : ''}</h3>`;
    html += lineChart(lines, d.range, unit, name);
    html += `<ul class="legend">${shown.map((s, i) => `<li><span class="key s${i % PALETTE_SIZE}"></span><span class="lbl">${esc(labelSet(s.labels) || '(no labels)')}</span>${s.bands !== undefined && s.bands.length > 0 ? ' <span class="muted">(line: mean; band: min–max)</span>' : ''}</li>`).join('')}</ul>`;
    if (all.length > shown.length) html += `<p class="note">${all.length - shown.length} more series of ${esc(name)} not charted: ${esc(all.slice(shown.length, shown.length + 20).map((s) => labelSet(s.labels)).join(' '))}${all.length - shown.length > 20 ? ' …' : ''}</p>`;
    html += `</figure>`;
  }
  if (skipped.length > 0) html += `<p class="note">Not charted (at most ${o.maxCharts} charts): ${esc(skipped.join(', '))}. Their figures are in the table below.</p>`;
  return `${html}</section>`;
}

function tableSection(d: ReportData, o: Required<HtmlOptions>): string {
  const rows = d.series.slice(0, o.maxTableRows);
  let html = `<section id="metrics"><h2>Metrics</h2><table><thead><tr><th>metric</th><th>labels</th><th class="n">min</th><th class="n">mean</th><th class="n">p95</th><th class="n">max</th><th class="n">last</th></tr></thead><tbody>`;
  for (const s of rows) {
    const sum = summarize(s.points);
    const c = (v: number | undefined): string => `<td class="n">${esc(withUnit(v, s.unit))}</td>`;
    html += `<tr><td><code>${esc(s.name)}</code></td><td class="lbl">${esc(labelSet(s.labels))}</td>${c(sum?.min)}${c(sum?.mean)}${c(sum?.p95)}${c(sum?.max)}${c(sum?.last)}</tr>`;
  }
  html += `</tbody></table>`;
  if (d.series.length > rows.length) html += `<p class="note">${d.series.length - rows.length} more series not listed (at most ${o.maxTableRows} rows).</p>`;
  return `${html}</section>`;
}

function trendSection(d: ReportData): string {
  const ts = trends(d);
  let html = `<section id="trends"><h2>Trends</h2><p class="note">Least-squares slope over the range for ${esc(TREND_METRICS.join(', '))}; a change under 5 % of the mean reads as flat.</p>`;
  if (ts.length === 0) return `${html}<p>No key metric has two points or more in the range.</p></section>`;
  html += `<table><thead><tr><th>series</th><th class="n">slope per hour</th><th class="n">change over range</th><th class="n">mean</th><th>trend</th></tr></thead><tbody>`;
  for (const t of ts) {
    const u = t.series.unit;
    const dir = direction(t);
    html += `<tr><td class="lbl">${esc(seriesTitle(t.series))}</td><td class="n">${esc(withUnit(t.slopePerHour, `${u ?? ''}/h`))}</td><td class="n">${esc(withUnit(t.change, u))}</td><td class="n">${esc(withUnit(t.mean, u))}</td><td class="${dir}">${dir}</td></tr>`;
  }
  return `${html}</tbody></table></section>`;
}

function alertSection(d: ReportData): string {
  let html = `<section id="alerts"><h2>Alert timeline</h2>`;
  if (d.alertsNote !== undefined) html += `<p class="note">${esc(d.alertsNote)}</p>`;
  if (d.alerts.length === 0) return `${html}<p>No alerts in the records for this range.</p></section>`;
  html += `<table><thead><tr><th>alert</th><th>severity</th><th>component</th><th>status</th><th>started</th><th>ended</th><th class="n">duration</th><th>message</th></tr></thead><tbody>`;
  for (const a of [...d.alerts].sort((x, y) => x.startsAt - y.startsAt)) {
    const end = a.endsAt ?? d.range.end;
    html += `<tr><td class="lbl">${esc(a.name)}${esc(labelSet(a.labels))}</td><td>${esc(a.severity)}</td><td>${esc(a.component)}</td><td class="${a.status === 'firing' ? 'firing' : 'resolved'}">${esc(a.status)}</td><td>${esc(iso(a.startsAt))}</td><td>${a.endsAt === undefined ? 'still firing' : esc(iso(a.endsAt))}</td><td class="n">${esc(span(end - a.startsAt))}${a.endsAt === undefined ? '+' : ''}</td><td>${esc(a.message)}</td></tr>`;
  }
  return `${html}</tbody></table></section>`;
}

const bar = (share: number): string => `<span class="barbox"><span class="bar" style="width:${Math.round(share * 120)}px"></span></span>${esc((share * 100).toFixed(1))} %`;

function uptimeSection(d: ReportData): string {
  const ups = uptime(d);
  let html = `<section id="uptime"><h2>Component uptime</h2><p class="note">Share of the range with data; for scrape targets (<code>up</code>) and collectors (<code>echo_perf_collector_up</code>) also the share reported up.</p>`;
  if (ups.length === 0 && d.componentStates === undefined) return `${html}<p>No component or target series in the range.</p></section>`;
  html += `<table><thead><tr><th>who</th><th>kind</th><th>with data</th><th>up</th>${d.componentStates !== undefined ? '<th>state now</th>' : ''}</tr></thead><tbody>`;
  for (const u of ups) {
    const state = d.componentStates?.[u.who];
    html += `<tr><td class="lbl">${esc(u.who)}</td><td>${u.kind}</td><td>${bar(u.withData)}</td><td>${u.up === undefined ? '–' : bar(u.up)}</td>${d.componentStates !== undefined ? `<td>${esc(state ?? '–')}</td>` : ''}</tr>`;
  }
  return `${html}</tbody></table></section>`;
}

function sloSection(d: ReportData): string {
  const slos = sloAttainment(d);
  let html = `<section id="slo"><h2>SLO attainment</h2>`;
  if (slos.length === 0) return `${html}<p>No SLO configured (no <code>slo_good_ratio</code> series in the range).</p></section>`;
  html += `<table><thead><tr><th>SLO</th><th>labels</th><th class="n">objective</th><th class="n">good (last)</th><th class="n">good (lowest)</th><th class="n">budget left</th><th>attained</th></tr></thead><tbody>`;
  const p = (v: number | undefined): string => (v === undefined ? '–' : `${fmt(v * 100)} %`);
  for (const s of slos) {
    const met = s.met === undefined ? '–' : s.met ? '<span class="met">met</span>' : '<span class="missed">missed</span>';
    html += `<tr><td>${esc(s.slo)}</td><td class="lbl">${esc(labelSet(s.labels))}</td><td class="n">${p(s.objective)}</td><td class="n">${p(s.good)}</td><td class="n">${p(s.worst)}</td><td class="n">${p(s.budgetLeft)}</td><td>${met}</td></tr>`;
  }
  return `${html}</tbody></table></section>`;
}

export function renderHtml(d: ReportData, options: HtmlOptions = {}): string {
  const o: Required<HtmlOptions> = { maxCharts: 24, maxSeriesPerChart: 8, maxPointsPerChart: 2000, maxTableRows: 2000, ...options };
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>echo-perf report: ${esc(d.host)} ${esc(iso(d.range.start))} – ${esc(iso(d.range.end))}</title>
<style>${CSS}</style></head><body>
${summarySection(d)}
${chartsSection(d, o)}
${tableSection(d, o)}
${trendSection(d)}
${alertSection(d)}
${uptimeSection(d)}
${sloSection(d)}
</body></html>
`;
}
