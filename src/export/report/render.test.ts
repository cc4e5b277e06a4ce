/**
 * The report's renderers on data made here: charts stay within their point
 * bound however long the series, what is left out is named, every text from
 * the data is escaped (label names and values, metric names, alert fields,
 * host), figures are right, and the CSV quotes per RFC 4180.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csvLines } from './csv.js';
import { renderHtml } from './html.js';
import { downsample, slopePerHour, summarize } from './stats.js';
import type { ReportData, ReportSeries } from './types.js';

const T0 = Date.UTC(2026, 10, 27, 12);
const EVIL = '"><img src=x onerror=alert(1)><script>alert(1)</script>';

function data(series: ReportSeries[], over: Partial<ReportData> = {}): ReportData {
  return { generatedAt: T0 + 3_600_000, host: 'h', range: { start: T0, end: T0 + 3_600_000 }, tier: 'raw', series, leftOut: [], alerts: [], ...over };
}

const line = (n: number, f: (i: number) => number): [number, number][] => Array.from({ length: n }, (_, i): [number, number] => [T0 + (i * 3_600_000) / n, f(i)]);

test('a chart holds at most 2000 points in all, whatever the length and number of series', () => {
  const series = Array.from({ length: 5 }, (_, k): ReportSeries => ({ name: 'cpu_usage', labels: { core: String(k) }, unit: '%', points: line(100_000, (i) => (i % 100) + k) }));
  const html = renderHtml(data(series));
  const polylines = [...html.matchAll(/<polyline class="line s\d" points="([^"]*)"/g)].map((m) => m[1]!.split(' ').length);
  assert.equal(polylines.length, 5);
  assert.ok(polylines.reduce((a, b) => a + b) <= 2000, `${polylines.join('+')} points`);
  assert.ok(downsample(line(100_000, (i) => i), 777).length <= 777);
});

test('charts past the bound and series past a chart\'s bound are named', () => {
  const series = [
    ...Array.from({ length: 10 }, (_, k): ReportSeries => ({ name: `m${k}`, labels: {}, points: line(10, (i) => i) })),
    ...Array.from({ length: 12 }, (_, k): ReportSeries => ({ name: 'many', labels: { k: String(k) }, points: line(10, (i) => i) })),
  ];
  const html = renderHtml(data(series), { maxCharts: 3 });
  assert.equal((html.match(/<svg class="chart"/g) ?? []).length, 3);
  assert.match(html, /Not charted \(at most 3 charts\): [^<]*m9/);
  const all = renderHtml(data(series));
  assert.match(all, /4 more series of many not charted/);
});

test('every text from the data is escaped', () => {
  const html = renderHtml(
    data([{ name: 'x', labels: { engine: EVIL }, unit: EVIL, points: line(5, (i) => i) }], {
      host: EVIL,
      alerts: [{ name: EVIL, severity: EVIL, component: EVIL, status: 'resolved', startsAt: T0, endsAt: T0 + 60_000, message: EVIL, labels: { a: EVIL } }],
      leftOut: [EVIL],
      componentStates: { [EVIL]: EVIL },
    }),
  );
  assert.ok(!html.includes('<script>') && !html.includes('<img'), 'no markup from the data');
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.match(html, /No SLO configured/);
});

test('figures: min, mean, p95, max, last; least-squares slope; non-finite values left out', () => {
  const s = summarize([[0, 1], [1, NaN], [2, 3], [3, 2], [4, Infinity]])!;
  assert.deepEqual(s, { min: 1, mean: 2, p95: 2.9, max: 3, last: 2, count: 3 });
  assert.ok(Math.abs(slopePerHour([[T0, 1], [T0 + 1_800_000, 2], [T0 + 3_600_000, 3]])! - 2) < 1e-12);
  assert.equal(slopePerHour([[T0, 1]]), undefined);
});

test('csv lines quote per RFC 4180 and escape label values as Prometheus does', () => {
  const out = csvLines({ name: 'm', labels: { b: 'say "hi",\nbye', a: '1' }, points: [[T0, 1.5], [T0 + 1000, NaN]] });
  assert.equal(out, `2026-11-27T12:00:00.000Z,m,"a=""1"",b=""say \\""hi\\"",\\nbye""",1.5\r\n2026-11-27T12:00:01.000Z,m,"a=""1"",b=""say \\""hi\\"",\\nbye""",NaN\r\n`);
});
