/**
 * `/metrics` shows the current state in Prometheus's own conventions:
 * what the latest collection of each collector and the latest successful
 * scrape of each target produced, nothing older; one namespace, base units,
 * promtool-clean with an engine, GPUs and every component configured; no
 * borrowed `up`/`scrape_*`; firing alerts as `ALERTS`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createGpuCollector } from '../../src/collect/gpu/index.js';
import { ManualClock } from '../../src/core/clock.js';
import { parseExposition, type MetricFamily } from '../../src/core/exposition/index.js';
import { MemoryLogger } from '../../src/core/logger.js';
import type { Collector, Sample } from '../../src/core/types.js';
import type { EchoPerfConfigInput } from '../../src/config/index.js';
import { IntegratedPerformanceSystem } from '../../src/monitor/integrated.js';
import { componentPayload, prng } from '../../src/simulate/component.js';
import { startEngineSimulator } from '../../src/simulate/engine/index.js';
import { requirePeer } from '../helpers/peers.js';
import { tempDir } from '../helpers/tempTree.js';

const BIN = fileURLToPath(new URL('../fixtures/bin', import.meta.url));

async function scrape(url: string, accept?: string): Promise<{ page: string; families: MetricFamily[] }> {
  const res = await fetch(`${url}/metrics`, accept === undefined ? {} : { headers: { accept } });
  assert.equal(res.status, 200);
  const page = await res.text();
  return { page, families: parseExposition(page, res.headers.get('content-type') ?? undefined) };
}

function family(families: MetricFamily[], name: string): MetricFamily | undefined {
  return families.find((f) => f.name === name);
}

function system(t: TestContext, config: EchoPerfConfigInput, extra: { clock?: ManualClock; gpuCollector?: Collector | false; systemCollector?: Collector | false } = {}): IntegratedPerformanceSystem {
  const dir = tempDir(t);
  const s = new IntegratedPerformanceSystem({
    config: { log_level: 'silent', server: { port: 0 }, echo_dash: { stats_dir: `${dir}/stats` }, ...config },
    logger: new MemoryLogger(),
    consoleAlerts: false,
    gpuCollector: extra.gpuCollector ?? false,
    ...(extra.systemCollector !== undefined ? { systemCollector: extra.systemCollector } : {}),
    ...(extra.clock !== undefined ? { clock: extra.clock } : {}),
  });
  t.after(() => s.stop());
  return s;
}

test('with an engine, GPUs and every component, promtool check metrics reports nothing on /metrics', async (t) => {
  const promtool = requirePeer(t, 'promtool');
  if (promtool === undefined) return;
  const sim = await startEngineSimulator({ flavor: 'vllm', port: 0, scenario: 'steady', seed: 3 });
  t.after(() => sim.close());
  const gpu = createGpuCollector({ path: BIN, rocmSmi: false, env: { ...process.env, FAKE_NVIDIA_SMI_GPUS: '2' }, intervalMs: 200 });
  t.after(() => gpu.close());
  const s = system(t, { monitoring_interval: 0.5, engines: [{ name: 'qwen', url: sim.metricsUrl }] }, { gpuCollector: gpu });
  s.monitor.registerCollector('my_app', () => ({ custom_metric: 1, jobs_done_total: 7 }));
  await s.start();
  const url = s.address!.url;
  const rnd = prng(5);
  const pushAll = async (i: number): Promise<void> => {
    for (const c of ['dtesn', 'echo_self', 'embodied'] as const) {
      const body = JSON.stringify(componentPayload(c, i, 'degraded', rnd));
      const r = await fetch(`${url}/api/v1/push/${c}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
      assert.equal(r.status, 200, await r.text());
    }
  };
  let page = '';
  let families: MetricFamily[] = [];
  const want = ['echo_perf_engine_generation_tokens_per_second', 'echo_perf_engine_request_latency_seconds', 'echo_perf_gpu_utilization_ratio', 'echo_perf_cpu_usage_ratio', 'echo_perf_component_a000081_compliance_ratio', 'echo_perf_component_sensory_motor_latency_seconds', 'ALERTS'];
  for (let i = 0; i < 60 && !want.every((n) => family(families, n) !== undefined); i++) {
    await pushAll(i);
    await new Promise((r) => setTimeout(r, 250));
    ({ page, families } = await scrape(url));
  }
  for (const n of want) assert.ok(family(families, n), `${n} in /metrics:\n${page}`);

  const check = spawnSync(promtool, ['check', 'metrics'], { input: page, encoding: 'utf8', timeout: 30_000 });
  assert.equal(`${check.stdout}${check.stderr}`.trim(), '', page);
  assert.equal(check.status, 0);

  for (const f of families) {
    assert.ok(f.name === 'ALERTS' || f.name.startsWith('echo_perf_'), `one namespace: ${f.name}`);
    assert.doesNotMatch(f.name, /:/);
    assert.ok(f.help !== undefined && f.help !== '', `HELP on ${f.name}`);
    if (f.name !== 'ALERTS') for (const smp of f.samples) assert.equal(smp.labels['component'] === 'system' || smp.labels['component'] === 'gpu', false, `${f.name}: implicit component label left`);
  }
  const latency = family(families, 'echo_perf_engine_request_latency_seconds')!;
  assert.equal(latency.type, 'summary');
  assert.deepEqual([...new Set(latency.samples.map((x) => x.labels['quantile']))].sort(), ['0.5', '0.95', '0.99']);
  for (const x of latency.samples) assert.equal(x.labels['engine'], 'qwen', 'engine is the configured name');
  const cpu = family(families, 'echo_perf_cpu_usage_ratio')!.samples[0]!.value;
  assert.ok(cpu >= 0 && cpu <= 1, `cpu as a ratio: ${cpu}`);
  const alert = family(families, 'ALERTS')!.samples.find((x) => x.labels['alertname'] === 'LowA000081Compliance');
  assert.ok(alert, 'the degraded DTESN hierarchy fires, and shows as ALERTS');
  assert.deepEqual({ ...alert.labels }, { alertname: 'LowA000081Compliance', alertstate: 'firing', severity: 'warning', component: 'dtesn', metric: 'a000081_compliance' });
  assert.equal(family(families, 'echo_perf_component_custom_metric')!.samples[0]!.labels['component'], 'my_app');
  assert.equal(family(families, 'echo_perf_component_jobs_done_total')!.type, 'counter');

  // The same state negotiated as OpenMetrics reads back through the strict parser.
  const om = await scrape(url, 'application/openmetrics-text;version=1.0.0');
  assert.ok(family(om.families, 'echo_perf_engine_request_latency_seconds'));
});

test('a series the latest collection did not produce is gone at once (a GPU process that exited, a collector that failed)', async (t) => {
  const clock = new ManualClock(1_700_000_000_000);
  let pids = ['101', '202'];
  const gpuProcs: Collector = {
    name: 'gpu',
    collect: (at) => Promise.resolve(pids.map((pid): Sample => ({ name: 'gpu_process_memory_bytes', labels: { gpu: '0', pid }, t: at, v: 1e9 }))),
  };
  const s = system(t, {}, { clock, gpuCollector: gpuProcs, systemCollector: false });
  let fail = false;
  s.monitor.registerCollector('flaky', () => {
    if (fail) throw new Error('sensor unplugged');
    return { custom_metric: 3 };
  });
  await s.start();
  const url = s.address!.url;
  await clock.advance(1000);
  let { families } = await scrape(url);
  assert.deepEqual(family(families, 'echo_perf_gpu_process_memory_bytes')!.samples.map((x) => x.labels['pid']), ['101', '202']);
  assert.equal(family(families, 'echo_perf_component_custom_metric')!.samples.length, 1);

  pids = ['101'];
  fail = true;
  await clock.advance(1000);
  ({ families } = await scrape(url));
  assert.deepEqual(family(families, 'echo_perf_gpu_process_memory_bytes')!.samples.map((x) => x.labels['pid']), ['101']);
  assert.equal(family(families, 'echo_perf_component_custom_metric'), undefined, 'a failed collection shows nothing old');
  const up = family(families, 'echo_perf_collector_up')!.samples.find((x) => x.labels['collector'] === 'flaky');
  assert.equal(up?.value, 0);
});

test('targets: their own health under echo_perf_target_*, pages passed through without borrowed names, removed series gone', async (t) => {
  let page = [
    '# HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.',
    '# TYPE node_cpu_seconds_total counter',
    'node_cpu_seconds_total{cpu="0",mode="idle"} 100',
    'node_gone 1',
    '# HELP process_resident_memory_bytes Resident memory of the exporter.',
    '# TYPE process_resident_memory_bytes gauge',
    'process_resident_memory_bytes 1234',
    'up 1',
    'scrape_duration_seconds 0.1',
    'echo_perf_ticks_total 99',
    'ALERTS{alertname="Fake",alertstate="firing"} 1',
    '',
  ].join('\n');
  let status = 200;
  const target = createHttpServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(status === 200 ? page : 'broken');
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => target.close(() => r())));
  const port = (target.address() as AddressInfo).port;
  const s = system(t, { scrape_targets: [{ name: 'node', url: `http://127.0.0.1:${port}/metrics` }] }, { systemCollector: false });
  await s.start();
  const url = s.address!.url;
  await s.monitor.collectNow();
  let { families } = await scrape(url);

  assert.equal(family(families, 'up'), undefined, 'no up: Prometheus writes its own for the agent');
  assert.equal(family(families, 'scrape_duration_seconds'), undefined);
  assert.deepEqual(family(families, 'echo_perf_target_up')!.samples.map((x) => [x.labels['target'], x.value]), [['node', 1]]);
  const ticks = family(families, 'echo_perf_ticks_total')!.samples;
  assert.equal(ticks.length, 1);
  assert.notEqual(ticks[0]!.value, 99, "a page cannot override the agent's own families");
  assert.equal(family(families, 'ALERTS'), undefined, 'no alert fires; the page\'s ALERTS is not shown');
  assert.deepEqual(family(families, 'echo_perf_target_passthrough_dropped_families')!.samples.map((x) => [x.labels['target'], x.value]), [['node', 4]]);
  const rss = family(families, 'process_resident_memory_bytes')!;
  assert.equal(rss.help, 'Resident memory of the exporter.');
  assert.deepEqual({ ...rss.samples[0]!.labels }, { job: 'node', instance: `127.0.0.1:${port}` });
  assert.ok(family(families, 'node_cpu_seconds_total'));
  assert.ok(family(families, 'node_gone'));

  page = page.replace('node_gone 1\n', '');
  await s.monitor.collectNow();
  ({ families } = await scrape(url));
  assert.equal(family(families, 'node_gone'), undefined, 'a series that left the page leaves /metrics with the next scrape');

  status = 500;
  await s.monitor.collectNow();
  ({ families } = await scrape(url));
  assert.deepEqual(family(families, 'echo_perf_target_up')!.samples.map((x) => x.value), [0]);
  assert.equal(family(families, 'node_cpu_seconds_total'), undefined, 'a target that is down has no current page (as Prometheus marks its series stale)');
  assert.equal(family(families, 'echo_perf_target_scrape_failures_total')!.samples[0]!.value, 1);
});

test('engines: unified metrics per engine and a separately named fleet total; the raw page only when asked, ranks as engine_index', async (t) => {
  const a = await startEngineSimulator({ flavor: 'vllm', port: 0, scenario: 'steady', seed: 7 });
  const b = await startEngineSimulator({ flavor: 'vllm', port: 0, scenario: 'steady', seed: 8 });
  t.after(() => Promise.all([a.close(), b.close()]));
  const s = system(t, { engines: [{ name: 'e1', url: a.metricsUrl, pass_through: true }, { name: 'e2', url: b.metricsUrl }] }, { systemCollector: false });
  await s.start();
  const url = s.address!.url;
  let families: MetricFamily[] = [];
  for (let i = 0; i < 40; i++) {
    await s.monitor.collectNow();
    ({ families } = await scrape(url));
    if ((family(families, 'echo_perf_engine_generation_tokens_per_second')?.samples.length ?? 0) >= 2) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const per = family(families, 'echo_perf_engine_generation_tokens_per_second')!.samples;
  assert.deepEqual([...new Set(per.map((x) => x.labels['engine']))].sort(), ['e1', 'e2']);
  const fleet = family(families, 'echo_perf_engines_generation_tokens_per_second')!.samples;
  assert.equal(fleet.length, 1);
  assert.deepEqual({ ...fleet[0]!.labels }, {});
  const sum = per.reduce((acc, x) => acc + x.value, 0);
  assert.ok(Math.abs(fleet[0]!.value - sum) <= 1e-9 * Math.max(1, sum), `fleet ${fleet[0]!.value} = sum ${sum}`);

  const raw = family(families, 'vllm:num_requests_running');
  assert.ok(raw, 'e1 passes its page through');
  for (const x of raw.samples) {
    assert.equal(x.labels['engine'], 'e1', 'engine is the configured name');
    assert.equal(x.labels['engine_index'], '0', "the page's own engine label is the rank");
    assert.equal(x.labels['job'], 'e1');
  }
});

test('a firing alert is an ALERTS series until it resolves', async (t) => {
  const clock = new ManualClock(1_700_000_000_000);
  const s = system(t, { degradation_detection: { enabled: false }, alerting: { default_for: 0 } }, { clock, systemCollector: false });
  let cpu = 99;
  s.monitor.registerCollector('hot', () => ({ cpu_usage: cpu }));
  await s.start();
  await clock.advance(1000);
  let { families } = await scrape(s.address!.url);
  assert.deepEqual(
    family(families, 'ALERTS')!.samples.map((x) => [{ ...x.labels }, x.value]),
    [[{ alertname: 'HighCpuUsage', alertstate: 'firing', severity: 'warning', component: 'hot', metric: 'cpu_usage' }, 1]],
  );
  assert.equal(family(families, 'echo_perf_cpu_usage_ratio')!.samples[0]!.labels['component'], 'hot', 'another collector reporting a host field keeps its component');
  cpu = 10;
  await clock.advance(1000);
  ({ families } = await scrape(s.address!.url));
  assert.equal(family(families, 'ALERTS'), undefined);
});
