// A push stamped a day ahead was accepted; every later push was then older and
// dropped as out of order, so /metrics showed the stale value for ever and the
// component never went stale. A microsecond timestamp read as milliseconds did
// the same for millennia. Times beyond one interval plus push_max_future_seconds
// ahead, or older than the staleness window, are now a 400 naming timestamp.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { ManualClock } from '../../src/core/clock.js';
import { MemoryLogger } from '../../src/core/logger.js';
import { UnifiedPerformanceMonitor } from '../../src/monitor/unifiedMonitor.js';
import { monitorView } from '../../src/monitor/monitorView.js';
import { addPushRoute } from '../../src/monitor/pushRoute.js';
import { createServer } from '../../src/server/index.js';

const T0 = 1_700_000_000_000;

async function setup(t: TestContext) {
  const clock = new ManualClock(T0);
  // interval 1 s, stale after 3: accepted times are [now - 3 s, now + 1 s + 5 s].
  const monitor = new UnifiedPerformanceMonitor({ config: { log_level: 'silent' }, clock, systemCollector: false, gpuCollector: false, logger: new MemoryLogger() });
  const server = createServer(monitorView(monitor), { port: 0 });
  addPushRoute(server, monitor);
  const { url } = await server.listen();
  t.after(() => server.close());
  const push = async (body: unknown) => {
    const r = await fetch(`${url}/api/v1/push/embodied`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    return { status: r.status, body: (await r.json()) as { errors?: { field: string; value: unknown; expected: string }[]; out_of_order?: number } };
  };
  const metrics = async () => (await fetch(`${url}/metrics`)).text();
  return { monitor, clock, push, metrics };
}

test('a timestamp a day ahead is a 400 naming timestamp, with the accepted range; later pushes are taken', async (t) => {
  const { monitor, clock, push } = await setup(t);
  const ahead = await push({ sensory_motor_latency: 20, timestamp: T0 / 1000 + 86_400 });
  assert.equal(ahead.status, 400);
  assert.equal(ahead.body.errors![0]!.field, 'timestamp');
  assert.equal(ahead.body.errors![0]!.value, T0 / 1000 + 86_400);
  assert.match(ahead.body.errors![0]!.expected, /between 2023-11-14T22:13:17\.000Z and 2023-11-14T22:13:26\.000Z/);
  await clock.advance(1000);
  assert.equal((await push({ sensory_motor_latency: 30, timestamp: clock.now() / 1000 })).status, 200);
  assert.equal((await monitor.collectNow()).sensoryMotorLatency, 30, 'the current value, not a frozen one');
});

test('microseconds and nanoseconds are named; too old is refused; a little ahead is fine', async (t) => {
  const { push } = await setup(t);
  const micros = await push({ sensory_motor_latency: 20, timestamp: T0 * 1000 });
  assert.equal(micros.status, 400);
  assert.match(micros.body.errors![0]!.expected, /looks like microseconds/);
  assert.match((await push({ sensory_motor_latency: 20, timestamp: T0 * 1e6 })).body.errors![0]!.expected, /looks like nanoseconds/);
  const old = await push({ sensory_motor_latency: 20, timestamp: T0 / 1000 - 3600 });
  assert.equal(old.status, 400);
  assert.match(old.body.errors![0]!.expected, /older \(stale on arrival\)/);
  assert.equal((await push({ sensory_motor_latency: 20, timestamp: T0 / 1000 + 5 })).status, 200);
});

test('after a push stamped a day ahead, /metrics shows the current value and a silent component goes stale', async (t) => {
  const { monitor, clock, push, metrics } = await setup(t);
  monitor.startMonitoring();
  t.after(() => monitor.stopMonitoring());
  await push({ sensory_motor_latency: 99, timestamp: T0 / 1000 + 86_400 });
  await clock.advance(1000);
  assert.equal((await push({ sensory_motor_latency: 20, timestamp: clock.now() / 1000 + 5 })).status, 200, 'a little ahead is fine');
  await clock.advance(1000);
  assert.equal(monitor.componentStates()['embodied'], 'active');
  assert.match(await metrics(), /^echo_perf_component_sensory_motor_latency_seconds\{component="embodied"\} 0\.02$/m);
  await clock.advance(10_000);
  assert.equal(monitor.componentStates()['embodied'], 'stale');
});

test('out-of-order and refused samples are counted in /metrics by reason', async (t) => {
  const { monitor, clock, push, metrics } = await setup(t);
  await clock.advance(2000);
  assert.equal((await push({ sensory_motor_latency: 20 })).status, 200);
  const late = await push({ sensory_motor_latency: 10, timestamp: (clock.now() - 1000) / 1000 });
  assert.equal(late.status, 200);
  assert.equal(late.body.out_of_order, 1);
  assert.equal((await push({ sensory_motor_latency: 10, proprioceptive_accuracy: 0.9, timestamp: T0 / 1000 + 86_400 })).status, 400);
  assert.equal((await push({ sensory_motor_latency: 10, timestamp: T0 - 3_600_000 })).status, 400);
  assert.equal((await monitor.collectNow()).sensoryMotorLatency, 20, 'the newer value stays');
  const text = await metrics();
  assert.match(text, /^echo_perf_push_samples_rejected_total\{reason="out_of_order"\} 1$/m);
  assert.match(text, /^echo_perf_push_samples_rejected_total\{reason="too_far_ahead"\} 2$/m);
  assert.match(text, /^echo_perf_push_samples_rejected_total\{reason="too_old"\} 1$/m);
  assert.match(text, /^echo_perf_push_requests_total\{code="400"\} 2$/m);
});
