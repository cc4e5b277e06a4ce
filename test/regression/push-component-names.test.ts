// 5,000 distinct pushed names grew RSS to 400 MB, made 10,000 stale alerts and
// crowded out a real dtesn push; pushing to `engines` or to a configured
// engine's name was accepted and corrupted its data. Reserved and configured
// names are now refused, pushed components are capped (max_push_components)
// and forgotten once silent for push_forget_after; their stale alerts resolve once.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { ManualClock } from '../../src/core/clock.js';
import { MemoryLogger } from '../../src/core/logger.js';
import type { EchoPerfConfigInput } from '../../src/config/index.js';
import { UnifiedPerformanceMonitor } from '../../src/monitor/unifiedMonitor.js';
import { monitorView } from '../../src/monitor/monitorView.js';
import { addPushRoute } from '../../src/monitor/pushRoute.js';
import { createServer } from '../../src/server/index.js';

interface Reply {
  status: number;
  body: { error?: string; errors?: { field: string; value: unknown; expected: string }[]; count?: number; limit?: number };
}

async function setup(t: TestContext, config: EchoPerfConfigInput) {
  const clock = new ManualClock(1_700_000_000_000);
  const monitor = new UnifiedPerformanceMonitor({ config: { log_level: 'silent', ...config }, clock, systemCollector: false, gpuCollector: false, logger: new MemoryLogger() });
  const server = createServer(monitorView(monitor), { port: 0 });
  addPushRoute(server, monitor);
  const { url } = await server.listen();
  t.after(() => server.close());
  const push = async (component: string, body: unknown = { frames: 1 }): Promise<Reply> => {
    const r = await fetch(`${url}/api/v1/push/${component}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    return { status: r.status, body: (await r.json()) as Reply['body'] };
  };
  const metrics = async () => (await fetch(`${url}/metrics`)).text();
  return { monitor, clock, push, metrics };
}

test('reserved names, configured engines, scrape targets, pulled components and in-process collectors cannot be pushed to', async (t) => {
  const dead = 'http://127.0.0.1:1/metrics';
  const { monitor, push } = await setup(t, {
    engines: [{ name: 'qwen', url: dead }],
    scrape_targets: [{ name: 'node-exporter', url: dead }],
    components: [{ name: 'perception', url: dead, enabled: false }],
  });
  monitor.registerCollector('planner', () => ({ plans: 1 }));
  for (const name of ['engines', 'system', 'gpu', 'GPU', 'echo_dash', 'echo-dash', 'monitor', 'echo_perf', 'echo_perf_series']) {
    const r = await push(name, { token_throughput: 1 });
    assert.equal(r.status, 400, name);
    assert.equal(r.body.errors![0]!.field, 'component');
    assert.match(r.body.errors![0]!.expected, /reserved/, name);
  }
  for (const [name, where] of [
    ['qwen', 'engines\\[0\\]'],
    ['node-exporter', 'scrape_targets\\[0\\]'],
    ['Node_Exporter', 'scrape_targets\\[0\\]'],
    ['perception', 'components\\[0\\]'],
  ] as const) {
    const r = await push(name, { token_throughput: 1 });
    assert.equal(r.status, 400, name);
    assert.match(r.body.errors![0]!.expected, new RegExp(`not configured for another source \\(it is ${where}\\.name`), name);
  }
  const mine = await push('planner');
  assert.equal(mine.status, 400);
  assert.match(mine.body.errors![0]!.expected, /collected in-process/);
  assert.equal(monitor.componentCollectors.has('engines'), false);
});

test('past max_push_components a new name is a 429 naming component, the count and the limit; declared components do not count', async (t) => {
  const { push, metrics, monitor } = await setup(t, { max_push_components: 2 });
  assert.equal((await push('alpha')).status, 200);
  assert.equal((await push('beta')).status, 200);
  const over = await push('gamma');
  assert.equal(over.status, 429);
  assert.equal(over.body.error, 'too many pushed components');
  assert.equal(over.body.count, 2);
  assert.equal(over.body.limit, 2);
  assert.equal(over.body.errors![0]!.field, 'component');
  assert.equal(over.body.errors![0]!.value, 'gamma');
  assert.match(over.body.errors![0]!.expected, /max_push_components is 2/);
  assert.equal((await push('alpha')).status, 200, 'a known name still pushes');
  for (const declared of ['dtesn', 'echo-self', 'embodied']) assert.equal((await push(declared, { custom_gauge: 1 })).status, 200, declared);
  await monitor.collectNow();
  const text = await metrics();
  assert.match(text, /^echo_perf_push_components 5$/m);
  assert.match(text, /^echo_perf_push_requests_total\{code="429"\} 1$/m);
  assert.doesNotMatch(text, /gamma/, 'a refused name is never a label value');
});

test('a pushed component silent for push_forget_after is forgotten: its stale alerts resolve once and its place is free', async (t) => {
  const { monitor, clock, push, metrics } = await setup(t, { max_push_components: 1, push_forget_after: 20, stale_after_intervals: 3 });
  const events: string[] = [];
  monitor.registerAlertHandler((a) => void events.push(`${a.component}:${a.severity}:${a.status}`));
  assert.equal((await push('perception')).status, 200);
  assert.equal((await push('dtesn', { membrane_level: 3 })).status, 200);
  monitor.startMonitoring();
  t.after(() => monitor.stopMonitoring());
  await clock.advance(10_000);
  assert.equal(monitor.componentStates()['perception'], 'stale');
  assert.equal((await push('touch')).status, 429, 'still held: silent for 10 s of 20');
  await clock.advance(10_000);
  assert.equal(monitor.componentCollectors.has('perception'), false, 'forgotten after 20 s');
  assert.equal(monitor.componentStates()['perception'], undefined);
  assert.equal(monitor.componentCollectors.has('dtesn'), true, 'declared components are kept: their absence keeps alerting');
  await clock.advance(30_000);
  await monitor.flushAlerts();
  const perception = events.filter((e) => e.startsWith('perception:'));
  assert.deepEqual(perception, ['perception:info:firing', 'perception:warning:firing', 'perception:info:resolved', 'perception:warning:resolved']);
  assert.ok(monitor.firingAlerts().some((a) => a.component === 'dtesn'));
  assert.match(await metrics(), /^echo_perf_push_components_forgotten_total 1$/m);
  assert.equal((await push('touch')).status, 200, 'the freed place is taken');
});
