/**
 * `echo-perf query` over a real data dir: every output format, names as
 * /metrics shows them (in their unit) or as the library names them, label
 * filters, steps, and bad flags named with exit 2.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { seriesKey } from '../../src/core/labels.js';
import { ManualClock } from '../../src/core/clock.js';
import { openTestStore } from '../helpers/diskStore.js';
import { tempDir } from '../helpers/tempTree.js';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const T0 = Date.UTC(2026, 10, 27, 12);

function query(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [CLI, 'query', ...args], { encoding: 'utf8', timeout: 30_000 });
}

/** A data dir with 10 minutes of 1 s samples: CPU % of the host, and token throughput of two engines and in all. */
async function history(t: TestContext): Promise<string> {
  const dir = join(tempDir(t), 'data');
  const { store } = openTestStore(t, dir, {}, new ManualClock(T0 + 600_000));
  const series = [
    { name: 'cpu_usage', labels: { component: 'system' }, v: (i: number) => 40 + (i % 10) },
    { name: 'token_throughput', labels: { engine: 'a', model: 'm', component: 'a' }, v: () => 100 },
    { name: 'token_throughput', labels: { engine: 'b', model: 'm', component: 'b' }, v: () => 50 },
    { name: 'token_throughput', labels: { component: 'engines' }, v: () => 150 },
  ];
  series.forEach((s, id) => store.defineSeries(id, { key: seriesKey(s.name, s.labels), name: s.name, labels: s.labels, type: 'gauge' }));
  for (let i = 0; i < 600; i++) series.forEach((s, id) => store.append(id, T0 + i * 1000, s.v(i)));
  await store.close();
  return dir;
}

const at = (ms: number): string => String(ms / 1000);

test('table, json and csv; names as /metrics shows them come in their unit, as the library names them in its own', async (t) => {
  const dir = await history(t);
  const range = ['--data-dir', dir, '--start', at(T0), '--end', at(T0 + 9_000)];
  const table = query('--metric', 'cpu_usage', ...range);
  assert.equal(table.status, 0, table.stderr);
  assert.match(table.stdout, /^cpu_usage: 1 series over 9s from the raw tier$/m);
  assert.match(table.stdout, /^cpu_usage\{component="system"\}$/m);
  assert.match(table.stdout, /^ {2}2026-11-27T12:00:09\.000Z {2}49$/m);

  const json = query('--metric', 'echo_perf_cpu_usage_ratio', ...range, '--format', 'json');
  assert.equal(json.status, 0, json.stderr);
  const doc = JSON.parse(json.stdout) as { tier: string; series: { labels: Record<string, string>; points: [number, number][] }[] };
  assert.equal(doc.tier, 'raw');
  assert.deepEqual(doc.series[0]!.points.slice(0, 3), [[T0, 0.4], [T0 + 1000, 0.41], [T0 + 2000, 0.42]]);

  const csv = query('--metric', 'echo_perf_engine_generation_tokens_per_second', ...range, '--format', 'csv', '--step', '3s');
  assert.equal(csv.status, 0, csv.stderr);
  const lines = csv.stdout.trim().split('\n');
  assert.equal(lines[0], 'time,component,engine,model,value');
  assert.deepEqual(lines.slice(1).map((l) => l.split(',')[2]).sort(), ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'b'], 'per engine only: the all-engines series is its own name');
  const fleet = query('--metric', 'echo_perf_engines_generation_tokens_per_second', ...range, '--format', 'json');
  assert.deepEqual((JSON.parse(fleet.stdout) as typeof doc).series.map((s) => s.points[0]![1]), [150]);
});

test('labels filter the series; an unknown metric answers an empty result', async (t) => {
  const dir = await history(t);
  const r = query('--metric', 'token_throughput', '--label', 'engine=b', '--data-dir', dir, '--start', at(T0), '--end', at(T0 + 2000), '--format', 'json');
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { series: { labels: Record<string, string>; points: [number, number][] }[] };
  assert.deepEqual(doc.series.map((s) => s.labels['engine']), ['b']);
  const none = query('--metric', 'no_such_metric', '--data-dir', dir, '--since', '1h', '--format', 'json');
  assert.equal(none.status, 0);
  assert.deepEqual((JSON.parse(none.stdout) as { series: unknown[] }).series, []);
});

test('bad flags exit 2 and name the flag', async (t) => {
  const dir = await history(t);
  const cases: [string[], RegExp][] = [
    [['--data-dir', dir], /--metric: got ""; expected a metric name/],
    [['--metric', 'cpu_usage', '--data-dir', dir, '--since', 'soon'], /--since: got "soon"; expected a duration/],
    [['--metric', 'cpu_usage', '--data-dir', dir, '--start', 'yesterday'], /--start: got "yesterday"; expected an RFC 3339 time or unix seconds/],
    [['--metric', 'cpu_usage', '--data-dir', dir, '--since', '1h', '--start', at(T0)], /--since: .*either --since or --start\/--end/],
    [['--metric', 'cpu_usage', '--data-dir', dir, '--step', '0s'], /--step: got "0s"; expected a duration/],
    [['--metric', 'cpu_usage', '--data-dir', dir, '--format', 'xml'], /--format: got "xml"; expected table, json or csv/],
    [['--metric', 'cpu_usage', '--data-dir', dir, '--label', '1bad=x'], /--label: got "1bad=x"; expected name=value/],
    [['--metric', 'cpu_usage', '--data-dir', dir, '--bogus'], /Unknown option '--bogus'/],
  ];
  for (const [args, re] of cases) {
    const r = query(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
  }
  const missing = query('--metric', 'cpu_usage', '--data-dir', join(dir, 'nope'));
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /nope/);
});
