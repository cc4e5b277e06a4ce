/**
 * The read API on a real IntegratedPerformanceSystem over 127.0.0.1:
 * /api/v1/metrics/current, /api/v1/query (history from a real data dir),
 * /api/v1/series, /api/v1/status's system and components, /readyz and
 * /api/v1/openapi.json against the routes the server really registered; then
 * hostile query strings, which must get 400s naming the parameter, never a 500.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { ManualClock } from '../../src/core/clock.js';
import { MemoryLogger } from '../../src/core/logger.js';
import type { EchoPerfConfigInput } from '../../src/config/index.js';
import { IntegratedPerformanceSystem } from '../../src/monitor/integrated.js';
import { tempDir } from '../helpers/tempTree.js';

const T0 = Date.UTC(2026, 10, 27, 12);

async function system(t: TestContext, config: EchoPerfConfigInput = {}) {
  const clock = new ManualClock(T0);
  const s = new IntegratedPerformanceSystem({
    config: { log_level: 'silent', monitoring_interval: 1, degradation_detection: { enabled: false }, alerting: { default_for: 0 }, echo_dash: { enabled: false }, server: { port: 0 }, ...config },
    clock,
    logger: new MemoryLogger(),
    consoleAlerts: false,
    systemCollector: false,
    gpuCollector: false,
  });
  t.after(() => s.stop());
  let n = 0;
  s.monitor.registerCollector('host', () => ({ cpu_usage: ++n, memory_usage: 50 }));
  await s.start();
  const url = s.address!.url;
  const get = async (path: string): Promise<{ status: number; body: ReturnType<typeof JSON.parse> }> => {
    const r = await fetch(url + path);
    const text = await r.text();
    return { status: r.status, body: r.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
  };
  return { s, clock, url, get };
}

test('/readyz is 503 with a reason until a tick completed, 200 after, 503 again once monitoring stops', async (t) => {
  const { s, clock, get } = await system(t);
  const before = await get('/readyz');
  assert.equal(before.status, 503);
  assert.deepEqual(before.body, { status: 'unavailable', reason: 'no tick has completed yet' });
  await clock.advance(1000);
  const after = await get('/readyz');
  assert.equal(after.status, 200);
  assert.equal(after.body.status, 'ready');
  assert.equal(after.body.ticks, 1);
  s.monitor.stopMonitoring();
  const stopped = await get('/readyz');
  assert.equal(stopped.status, 503);
  assert.equal(stopped.body.reason, 'monitoring is not running');
});

test('/api/v1/metrics/current gives the snapshot and every current series; /api/v1/series their type, unit and help', async (t) => {
  const { clock, get } = await system(t);
  const empty = await get('/api/v1/metrics/current');
  assert.equal(empty.status, 200);
  assert.equal(empty.body.snapshot, null, 'no snapshot before the first tick');
  await clock.advance(1000);
  const cur = await get('/api/v1/metrics/current');
  assert.equal(cur.body.timestamp, T0 + 1000);
  assert.equal(cur.body.snapshot.cpuUsage, 1);
  assert.equal(cur.body.snapshot.memoryUsage, 50);
  assert.equal(cur.body.truncated, undefined);
  const cpu = (cur.body.series as { metric: string; value: number; unit?: string }[]).find((x) => x.metric === 'cpu_usage')!;
  assert.equal(cpu.value, 1);
  assert.deepEqual(Object.keys(cpu).sort(), ['labels', 'metric', 'unit', 'value']);
  assert.equal(typeof cpu.unit, 'string', 'cpu_usage has a unit from the export table');
  for (const x of cur.body.series) {
    assert.equal(typeof x.metric, 'string');
    assert.equal(typeof x.labels, 'object');
    assert.ok(typeof x.value === 'number' || x.value === null);
  }
  const all = await get('/api/v1/series');
  assert.equal(all.body.truncated, false);
  assert.ok(all.body.series.length >= cur.body.series.length - 1);
  const only = await get('/api/v1/series?match=memory_us');
  assert.deepEqual((only.body.series as { metric: string }[]).map((x) => x.metric), ['memory_usage']);
  const m = only.body.series[0];
  assert.deepEqual(Object.keys(m as object).sort(), ['help', 'labels', 'metric', 'type', 'unit']);
  assert.equal(m.type, 'gauge');
  assert.ok(m.help.length > 0);
});

test('/api/v1/status keeps the summary and adds system and components', async (t) => {
  const { clock, get, s } = await system(t);
  await clock.advance(3000);
  const st = await get('/api/v1/status');
  assert.equal(st.status, 200);
  for (const k of ['timestamp', 'monitoringActive', 'metricsCount', 'alertsCount', 'currentMetrics', 'collectors', 'rules']) assert.ok(k in st.body, k);
  assert.deepEqual(st.body.system, { running: true, startedAt: T0, uptimeSeconds: 3, monitorInterval: 1, server: { ...s.address } });
  assert.equal(st.body.components.host.state, 'active');
  assert.equal(st.body.components.host.collector.status, st.body.collectors.host.status);
});

test('/api/v1/query reads history from the data dir: stored and exposed names, steps, RFC 3339 and unix times', async (t) => {
  const dir = join(tempDir(t), 'data');
  const { clock, get } = await system(t, { storage: { data_dir: dir, flush_interval: 1 } });
  await clock.advance(30_000);
  const raw = await get('/api/v1/query?metric=cpu_usage&start=-10s');
  assert.equal(raw.status, 200, JSON.stringify(raw.body));
  assert.equal(raw.body.metric, 'cpu_usage');
  assert.equal(raw.body.tier, 'raw');
  assert.equal(raw.body.series.length, 1);
  assert.deepEqual((raw.body.series[0].points as number[][]).map((p) => p[1]), [20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30]);
  const start = new Date(T0 + 10_000).toISOString();
  const stepped = await get(`/api/v1/query?metric=echo_perf_cpu_usage_ratio&start=${start}&end=${(T0 + 30_000) / 1000}&step=10s`);
  assert.equal(stepped.status, 200, JSON.stringify(stepped.body));
  assert.deepEqual(stepped.body.series[0].points, [[T0 + 10_000, 0.1], [T0 + 20_000, 0.2], [T0 + 30_000, 0.3]], 'exposed name: scaled to its unit (% to ratio)');
  const labelled = await get('/api/v1/query?metric=cpu_usage&label=component=nobody&start=-10s');
  assert.deepEqual(labelled.body.series, []);
  const proto = await get('/api/v1/query?metric=cpu_usage&label=__proto__=x&start=-10s');
  assert.equal(proto.status, 200);
  assert.deepEqual(proto.body.series, [], 'a __proto__ label is a label like any other');
});

test('bad and hostile parameters get 400s naming the parameter; nothing gets a 500 or stops the server', async (t) => {
  const { clock, get } = await system(t);
  await clock.advance(2000);
  const cases: [string, RegExp][] = [
    ['/api/v1/query', /^metric: got null; expected a metric name/],
    ['/api/v1/query?metric=', /^metric: got ""; expected a metric name/],
    ['/api/v1/query?metric=a&metric=b', /^metric: got \["a","b"\]; expected one value/],
    ['/api/v1/query?metric=cpu_usage&label=component', /^label: got "component"; expected name=value/],
    ['/api/v1/query?metric=cpu_usage&label==x', /^label: got "=x"; expected name=value/],
    ['/api/v1/query?metric=cpu_usage&label=a-b=x', /^label: got "a-b=x"; expected name=value with a label name/],
    ['/api/v1/query?metric=cpu_usage&label=a=1&label=a=2', /^label: got "a=2"; expected one value per label name/],
    ['/api/v1/query?metric=cpu_usage&start=now&end=-1h', /^start: got "now"; expected a time at or before end/],
    ['/api/v1/query?metric=cpu_usage&start=yesterday', /^start: got "yesterday"; expected an RFC 3339 time/],
    ['/api/v1/query?metric=cpu_usage&end=-1x', /^end: got "-1x"; expected an RFC 3339 time/],
    ['/api/v1/query?metric=cpu_usage&step=0', /^step: got "0"; expected a step > 0/],
    ['/api/v1/query?metric=cpu_usage&step=-5', /^step: got "-5"; expected a step > 0/],
    ['/api/v1/query?metric=cpu_usage&step=0s', /^step: got "0s"; expected a step > 0/],
    ['/api/v1/query?metric=cpu_usage&start=-1d&step=1s', /^step: got "1s"; expected a step of at least 8 s for this range: at most 11000 points per series/],
    ['/api/v1/query?metric=cpu_usage&bogus=1', /^"bogus": unknown parameter; expected metric, label, start, end, step/],
    ['/api/v1/query?metric=cpu_usage&__proto__=1', /^"__proto__": unknown parameter/],
    ['/api/v1/query?metric=cpu_usage&constructor=1', /^"constructor": unknown parameter/],
    [`/api/v1/query?metric=${'m'.repeat(1500)}`, /^metric: got "m{100}…"; expected a metric name of at most 1024 characters$/],
    [`/api/v1/query?metric=cpu_usage&${Array.from({ length: 65 }, (_, i) => `label=l${i}=v`).join('&')}`, /^label: got "65 values"; expected at most 64 labels/],
    ['/api/v1/series?match=a&match=b', /^match: got \["a","b"\]; expected one value/],
    ['/api/v1/series?state=x', /^"state": unknown parameter; expected match/],
    ['/api/v1/metrics/current?x=1', /^"x": unknown parameter; expected none/],
    ['/api/v1/alerts?state=firing', /^state: got "firing"; expected active, suppressed/],
    ['/api/v1/silences?state=bogus', /^state: got "bogus"; expected pending, active or expired/],
  ];
  for (const [path, re] of cases) {
    const r = await get(path);
    assert.equal(r.status, 400, `${path.slice(0, 120)}: ${JSON.stringify(r.body).slice(0, 300)}`);
    assert.match(String(r.body.error), re, path.slice(0, 120));
  }
  // Odd but harmless query strings: answered, not crashed.
  for (const path of ['/api/v1/series?match=%00%ff', '/api/v1/series?match=%E2%80%AE', '/api/v1/query?metric=%F0%9F%92%A9', '/api/v1/query?metric=cpu_usage&label=a=%3D%3D', '/api/v1/metrics/current?']) {
    const r = await get(path);
    assert.ok(r.status === 200 || r.status === 400, `${path}: ${r.status}`);
  }
  const long = await get(`/api/v1/query?metric=${'x'.repeat(5000)}`);
  assert.equal(long.status, 414, 'past the URL limit');
  assert.equal((await get('/readyz')).status, 200, 'still serving');
});

test('/api/v1/openapi.json is OpenAPI 3.1 and names exactly the routes the server registered', async (t) => {
  const { s, get } = await system(t);
  const doc = await get('/api/v1/openapi.json');
  assert.equal(doc.status, 200);
  assert.equal(doc.body.openapi, '3.1.0');
  const documented = new Map<string, string[]>();
  for (const [path, ops] of Object.entries(doc.body.paths as Record<string, Record<string, unknown>>)) {
    documented.set(path.replace(/\{(\w+)\}/g, ':$1'), Object.keys(ops).map((m) => m.toUpperCase()).sort());
  }
  const registered = new Map<string, string[]>();
  for (const r of s.server!.routes()) registered.set(r.url, r.methods.filter((m) => m !== 'HEAD'));
  assert.deepEqual([...documented.keys()].sort(), [...registered.keys()].sort());
  for (const [url, methods] of registered) assert.deepEqual(documented.get(url), methods, url);
  for (const [path, ops] of Object.entries(doc.body.paths as Record<string, Record<string, { responses?: unknown; summary?: string }>>)) {
    for (const [m, op] of Object.entries(ops)) {
      assert.ok(op.summary !== undefined && op.summary.length > 0, `${m} ${path} has a summary`);
      assert.ok(op.responses !== undefined, `${m} ${path} has responses`);
    }
  }
});
