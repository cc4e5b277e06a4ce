/**
 * `echo-perf report` over a data dir a real monitor filled: the HTML page is
 * one self-contained file with every section, markup from label values stays
 * text, the CSV parses back to the stored points, the JSON has the figures,
 * rollup tiers get min/max bands, and bad flags exit 2 naming the flag.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DiskReader } from '../../src/store/disk/index.js';
import { EVIL, fillHistory, INTERVAL_MS, TICKS } from '../helpers/reportHistory.js';
import { tempDir } from '../helpers/tempTree.js';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

function report(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [CLI, 'report', ...args], { encoding: 'utf8', timeout: 60_000 });
}

const secs = (ms: number): string => String(ms / 1000);

/** RFC 4180 records (quoted fields with doubled quotes, CRLF or LF line ends). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

/** Prometheus label-set text `k="v",…` back to an object. */
function parseLabels(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/g;
  for (const m of text.matchAll(re)) out[m[1]!] = m[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  return out;
}

test('html: one self-contained page with every section, markup from labels escaped; json has the figures', async (t) => {
  const { dir, t0, cpu } = await fillHistory(t);
  const out = tempDir(t);
  const range = ['--data-dir', dir, '--start', secs(t0), '--end', secs(t0 + TICKS * INTERVAL_MS)];
  const r = report(...range, '--out', join(out, 'r.html'));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /from the raw tier/);
  const html = readFileSync(join(out, 'r.html'), 'utf8');
  assert.match(html, /^<!DOCTYPE html>/);
  for (const id of ['summary', 'charts', 'metrics', 'trends', 'alerts', 'uptime', 'slo']) assert.match(html, new RegExp(`<section id="${id}">`), id);
  assert.ok(!html.includes(EVIL), 'the label value appears only escaped');
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.equal((html.match(/<script/gi) ?? []).length, 0, 'no script element at all');
  // No reference to anything outside: no URL in an attribute, no url() in CSS, no import.
  assert.doesNotMatch(html, /(?:src|href|xlink:href|action)\s*=/i);
  assert.doesNotMatch(html, /url\(|@import/i);
  for (const m of html.matchAll(/https?:\/\//gi)) assert.fail(`a URL at ${m.index}: ${html.slice(m.index - 40, m.index + 40)}`);
  assert.match(html, /<polyline class="line s0" points="[\d., ]+"/, 'charts drawn as polylines');
  assert.match(html, /<text class="axis"[^>]*>%<\/text>/, 'the value axis names the unit');
  assert.match(html, /cpu_usage\{component=&quot;host&quot;\}<\/td><td class="n">140 %\/h<\/td><td class="n">70 %<\/td>/, 'the CPU trend: 70 % in 30 min');
  assert.match(html, /<td class="rising">rising<\/td>/);
  assert.match(html, /<td class="firing">firing<\/td>/, 'the CPU alert still firing at the last flush is on the timeline');
  assert.match(html, /ttft-fast/);
  assert.match(html, /<span class="met">met<\/span>/);
  assert.match(html, /prefers-color-scheme:dark/);

  const j = report(...range, '--out', join(out, 'r.json'));
  assert.equal(j.status, 0, j.stderr);
  const doc = JSON.parse(readFileSync(join(out, 'r.json'), 'utf8')) as {
    range: { start: string; end: string };
    metrics: Record<string, { min: number; mean: number; p95: number; max: number; last: number; unit: string | null }>;
    alerts: { status: string; name: string }[];
    components: Record<string, { withData: number }>;
    trends: { series: string; direction: string; slopePerHour: number }[];
  };
  assert.equal(doc.range.start, new Date(t0).toISOString());
  const c = doc.metrics['cpu_usage{component="host"}']!;
  assert.equal(c.unit, '%');
  const first = cpu(t0 + INTERVAL_MS);
  const last = cpu(t0 + TICKS * INTERVAL_MS);
  assert.ok(Math.abs(c.min - first) < 1e-9 && Math.abs(c.last - last) < 1e-9 && Math.abs(c.max - last) < 1e-9, JSON.stringify(c));
  assert.ok(Math.abs(c.mean - (first + last) / 2) < 1e-9, `mean ${c.mean}`);
  // p95 of an evenly spaced line: 95 % of the way from its first value to its last.
  assert.ok(Math.abs(c.p95 - (first + 0.95 * (last - first))) < 1e-9, `p95 ${c.p95}`);
  // A straight line from 20 to 90 % over 30 min climbs 140 %/h.
  const trend = doc.trends.find((x) => x.series === 'cpu_usage{component="host"}')!;
  assert.equal(trend.direction, 'rising');
  assert.ok(Math.abs(trend.slopePerHour - 70 / ((TICKS * INTERVAL_MS) / 3_600_000)) < 1e-6, `slope ${trend.slopePerHour}`);
  assert.ok(doc.alerts.some((a) => a.status === 'firing'), JSON.stringify(doc.alerts));
  assert.ok(doc.components['host']!.withData > 0.95, JSON.stringify(doc.components));
});

test('csv: the stored points of the range, one line each, that parse back; --metric limits it', async (t) => {
  const { dir, t0 } = await fillHistory(t);
  const out = join(tempDir(t), 'r.csv');
  const end = t0 + TICKS * INTERVAL_MS;
  const r = report('--data-dir', dir, '--start', secs(t0), '--end', secs(end), '--out', out, '--metric', 'cpu_usage', '--metric', 'token_throughput');
  assert.equal(r.status, 0, r.stderr);
  const rows = parseCsv(readFileSync(out, 'utf8'));
  assert.deepEqual(rows[0], ['timestamp', 'metric', 'labels', 'value']);
  const body = rows.slice(1);
  const reader = DiskReader.open(dir);
  t.after(() => reader.close());
  for (const name of ['cpu_usage', 'token_throughput']) {
    const stored = reader.query({ name, start: t0, end }).series;
    assert.equal(stored.length, 1);
    const mine = body.filter((row) => row[1] === name);
    assert.equal(mine.length, TICKS);
    assert.deepEqual(
      mine.map((row) => [Date.parse(row[0]!), Number(row[3])]),
      stored[0]!.points,
    );
    assert.deepEqual(parseLabels(mine[0]![2]!), stored[0]!.labels);
  }
  assert.ok(body.some((row) => parseLabels(row[2]!)['engine'] === EVIL), 'the markup label survives as data');
  assert.ok(body.every((row) => row.length === 4));
});

test('a range in a rollup tier: the page draws min/max bands around the means', async (t) => {
  // Raw samples kept 60 s: two hours back, the store answers from the 1 min rollups.
  const { dir, t0 } = await fillHistory(t, { retention: { raw: 60 } });
  const out = join(tempDir(t), 'r.html');
  const r = report('--data-dir', dir, '--start', secs(t0), '--end', secs(t0 + TICKS * INTERVAL_MS), '--out', out);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /from the minute tier/);
  const html = readFileSync(out, 'utf8');
  assert.match(html, /<polygon class="band s0" points="[\d., ]+"/);
  assert.match(html, /band: min–max/);
});

test('bad flags exit 2 naming the flag', async (t) => {
  const { dir } = await fillHistory(t);
  const tmp = tempDir(t);
  const badConfig = join(tmp, 'c.json');
  writeFileSync(badConfig, JSON.stringify({ storage: { data_dir: join(tmp, 'nothing-here') } }));
  mkdirSync(join(tmp, 'empty'));
  const cases: [string[], RegExp][] = [
    [['--data-dir', dir], /--out: got ""; expected a file name ending in \.html, \.csv or \.json/],
    [['--data-dir', dir, '--out', join(tmp, 'r.pdf')], /--out: got ".*r\.pdf"; expected a file name ending in \.html, \.csv or \.json/],
    [['--data-dir', dir, '--out', join(tmp, 'no', 'dir', 'r.html')], /--out: .*expected a file in an existing directory/],
    [['--data-dir', dir, '--out', join(tmp, 'r.html'), '--since', 'garbage'], /--since: got "garbage"; expected a duration/],
    [['--data-dir', dir, '--out', join(tmp, 'r.html'), '--start', 'yesterday'], /--start: got "yesterday"; expected an RFC 3339 time or unix seconds/],
    [['--data-dir', dir, '--out', join(tmp, 'r.html'), '--since', '1h', '--end', '0'], /--since: .*either --since or --start\/--end/],
    [['--data-dir', dir, '--out', join(tmp, 'r.html'), '--metric', 'no{pe'], /--metric: got "no\{pe"; expected a metric name/],
    [['--data-dir', dir, '--out', join(tmp, 'r.html'), '--max-charts=-1'], /--max-charts: got "-1"; expected an integer 0\.\.500/],
    [['--data-dir', join(tmp, 'empty'), '--out', join(tmp, 'r.html')], /--data-dir: got ".*empty"; expected a data dir holding echo-perf\.db/],
    [['--data-dir', join(tmp, 'missing'), '--out', join(tmp, 'r.html')], /--data-dir: got ".*missing"; expected a data dir/],
    [['--config', badConfig, '--out', join(tmp, 'r.html')], /--config: got ".*nothing-here"; expected a data dir holding echo-perf\.db .*as storage\.data_dir/],
    [['--data-dir', dir, '--out', join(tmp, 'r.html'), 'extra'], /report: got "extra"; expected no arguments/],
    [['--data-dir', dir, '--out', join(tmp, 'r.html'), '--bogus'], /Unknown option '--bogus'/],
  ];
  for (const [args, re] of cases) {
    const r = report(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re, args.join(' '));
  }
});
