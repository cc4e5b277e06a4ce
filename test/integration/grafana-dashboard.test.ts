/**
 * contrib/grafana/echo-perf.json: a dashboard Grafana imports (schema,
 * datasource input, template variables, panels with ids, positions and
 * queries), whose every PromQL expression parses (promtool) and names only
 * metrics echo-perf exposes (the export table, as docs/metrics.md shows it).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { exportTable } from '../../src/export/names.js';
import { requirePeer } from '../helpers/peers.js';

interface Target {
  refId?: string;
  expr?: string;
  datasource?: { uid?: string };
}
interface Panel {
  id?: number;
  type?: string;
  title?: string;
  gridPos?: { x: number; y: number; w: number; h: number };
  targets?: Target[];
  datasource?: { uid?: string };
}
interface Dashboard {
  schemaVersion: number;
  uid: string;
  __inputs: { name: string; type: string; pluginId: string }[];
  templating: { list: { name: string; query: { query: string } | string; datasource?: { uid?: string } }[] };
  panels: Panel[];
}

const dashboard = JSON.parse(readFileSync('contrib/grafana/echo-perf.json', 'utf8')) as Dashboard;
const queryPanels = dashboard.panels.filter((p) => p.type !== 'row');
const exprs = queryPanels.flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? ''));
const varQueries = dashboard.templating.list.map((v) => (typeof v.query === 'string' ? v.query : v.query.query));

/** Series Prometheus makes itself for every scrape (prometheus.io/docs/concepts/jobs_instances/), not echo-perf's. */
const PROMETHEUS_MADE = new Set(['up']);
const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan']);

/**
 * The metric names a PromQL expression selects: identifiers outside strings,
 * label braces, ranges and grouping lists that are neither function calls
 * nor keywords.
 */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$[A-Za-z_]\w*/g, ' ');
  const names: string[] = [];
  for (const m of bare.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*(?=\s*(\()?)/g)) {
    if (m[1] !== undefined || KEYWORDS.has(m[0].toLowerCase())) continue;
    names.push(m[0]);
  }
  return names;
}

/** label_values(METRIC{...}, label) → METRIC. */
function varMetric(q: string): string {
  const m = /^label_values\(\s*([A-Za-z_:][A-Za-z0-9_:]*)/.exec(q);
  assert.ok(m !== null, `template query ${q}: expected label_values(METRIC..., label)`);
  return m[1]!;
}

test('the dashboard has the shape Grafana imports: schema, datasource input, variables, panels with ids, positions and queries', () => {
  assert.ok(dashboard.schemaVersion >= 36, `schemaVersion ${dashboard.schemaVersion}`);
  assert.ok(dashboard.uid.length > 0 && dashboard.uid.length <= 40, 'a uid Grafana accepts');
  assert.deepEqual(dashboard.__inputs.map((i) => [i.name, i.type, i.pluginId]), [['DS_PROMETHEUS', 'datasource', 'prometheus']]);
  assert.deepEqual(dashboard.templating.list.map((v) => v.name), ['instance', 'engine', 'gpu']);
  for (const v of dashboard.templating.list) assert.equal(v.datasource?.uid, '${DS_PROMETHEUS}', `variable ${v.name}`);
  const ids = dashboard.panels.map((p) => p.id);
  assert.ok(ids.every((id) => Number.isInteger(id)), 'every panel has an id');
  assert.equal(new Set(ids).size, ids.length, 'panel ids are unique');
  for (const p of dashboard.panels) {
    const g = p.gridPos;
    assert.ok(g !== undefined && [g.x, g.y, g.w, g.h].every(Number.isInteger) && g.x >= 0 && g.w > 0 && g.h > 0 && g.x + g.w <= 24, `panel ${p.title}: gridPos ${JSON.stringify(g)} within 24 columns`);
  }
  const rows = dashboard.panels.filter((p) => p.type === 'row').map((p) => p.title);
  assert.deepEqual(rows, ['Host', 'Engines', 'GPUs', 'Components', 'Alerts', 'The agent']);
  for (const p of queryPanels) {
    assert.equal(p.datasource?.uid, '${DS_PROMETHEUS}', `panel ${p.title}: datasource is the input variable`);
    assert.ok((p.targets ?? []).length > 0, `panel ${p.title} has targets`);
    for (const t of p.targets!) assert.ok(t.refId !== undefined && (t.expr ?? '').trim() !== '', `panel ${p.title}: target with refId and expr`);
  }
  const titles = queryPanels.map((p) => p.title);
  for (const want of ['CPU', 'Memory', 'Network', 'Token throughput (generated)', 'TTFT p95', 'KV cache', 'Goodput', 'Tokens per joule', 'GPU temperature', 'GPU power', 'Firing alerts', 'Notifications', 'Rules']) {
    assert.ok(titles.includes(want), `a panel ${want}`);
  }
  assert.ok(exprs.some((e) => /\bengine=~"\$engine"/.test(e)) && exprs.some((e) => /\bgpu=~"\$gpu"/.test(e)), 'the variables filter the panels');
});

test('every metric the dashboard queries is one echo-perf exposes (the export table and docs/metrics.md)', () => {
  assert.deepEqual(metricNames('sum by (instance, kind) (rate(a_total{x="b c",y=~"$v"}[$__rate_interval])) / on (instance) group_left b'), ['a_total', 'b'], 'the extraction itself');
  const exposed = new Set(exportTable().map((r) => r.family.name));
  const docs = readFileSync('docs/metrics.md', 'utf8');
  const used = new Set([...exprs.flatMap(metricNames), ...varQueries.map(varMetric)]);
  assert.ok(used.size >= 30, `${used.size} metrics used`);
  for (const name of used) {
    if (PROMETHEUS_MADE.has(name)) continue;
    assert.ok(exposed.has(name), `${name} is not in the export table (src/export/names.ts)`);
    assert.ok(docs.includes(`\`${name}\``) || docs.includes(`\`${name}{`), `${name} is not in docs/metrics.md`);
  }
});

test('every dashboard expression parses as PromQL (promtool, with the variables filled in)', (t) => {
  const promtool = requirePeer(t, 'promtool');
  if (promtool === undefined) return;
  const dir = mkdtempSync(join(tmpdir(), 'ep-grafana-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const fill = (e: string): string => e.replaceAll('$__rate_interval', '1m').replace(/\$\w+/g, '.*');
  const all = [...exprs, ...varQueries.map((q) => q.replace(/^label_values\(\s*([^,]+),.*\)$/, '$1'))];
  const rules = all.map((e, i) => `      - record: dashboard:expr_${i}\n        expr: ${JSON.stringify(fill(e))}\n`).join('');
  writeFileSync(join(dir, 'r.yml'), `groups:\n  - name: dashboard\n    rules:\n${rules}`);
  const r = spawnSync(promtool, ['check', 'rules', join(dir, 'r.yml')], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, new RegExp(`SUCCESS: ${all.length} rules found`));
});
