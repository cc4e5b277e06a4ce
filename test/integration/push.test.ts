import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { ManualClock } from '../../src/core/clock.js';
import { MemoryLogger } from '../../src/core/logger.js';
import { UnifiedPerformanceMonitor } from '../../src/monitor/unifiedMonitor.js';
import { monitorView } from '../../src/monitor/monitorView.js';
import { addPushRoute } from '../../src/monitor/pushRoute.js';
import { createServer } from '../../src/server/index.js';
import type { EchoPerfConfigInput } from '../../src/config/index.js';

async function setup(t: TestContext, config: EchoPerfConfigInput = {}, token?: string) {
  const clock = new ManualClock(1_700_000_000_000);
  const monitor = new UnifiedPerformanceMonitor({ config: { log_level: 'silent', ...config }, clock, systemCollector: false, logger: new MemoryLogger() });
  const server = createServer(monitorView(monitor), { port: 0, ...(token !== undefined ? { token } : {}) });
  addPushRoute(server, monitor);
  const { url } = await server.listen();
  t.after(() => server.close());
  const push = (component: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    fetch(`${url}/api/v1/push/${component}`, { method: 'POST', body, headers });
  return { monitor, clock, push, url };
}

test('a JSON push over HTTP feeds the component, its snapshot fields and its thresholds', async (t) => {
  // One tick: the default rules' 60 s hold is set to 0 (the seed's immediate alerts).
  const { monitor, push } = await setup(t, { alerting: { default_for: 0 } });
  const r = await push('echo-self', JSON.stringify({ evolution_convergence: 0.5, fitness_improvement: 0.02, generation_time_s: 3.5 }));
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), { status: 'ok', component: 'echo_self', accepted: 3 });
  const snap = await monitor.collectNow();
  assert.equal(snap.evolutionConvergence, 0.5);
  assert.equal(snap.componentMetrics['echo_self']!['generation_time_s'], 3.5, 'unknown metrics are kept as custom metrics');
  const alerts = monitor.getRecentAlerts();
  assert.equal(alerts.length, 1);
  assert.equal(alerts[0]!.metric, 'evolution_convergence');
  assert.equal(alerts[0]!.severity, 'critical');
  assert.equal(alerts[0]!.component, 'echo_self');
});

test('bad pushes get 400 naming every bad field, and nothing of them is kept', async (t) => {
  const { monitor, push } = await setup(t);
  const r = await push('embodied', JSON.stringify({ proprioceptive_accuracy: 1.7, sensory_motor_latency: 'fast', 'bad name': 1, labels: { component: 'x' }, timestamp: -5 }));
  assert.equal(r.status, 400);
  const body = (await r.json()) as { errors: { field: string; value: unknown; expected: string }[] };
  const byField = Object.fromEntries(body.errors.map((e) => [e.field, e]));
  assert.deepEqual(byField['proprioceptive_accuracy'], { field: 'proprioceptive_accuracy', value: 1.7, expected: 'a value in [0, 1] ratio' });
  assert.equal(byField['sensory_motor_latency']!.expected, 'a finite number');
  assert.match(byField['bad name']!.expected, /metric name/);
  assert.ok(byField['labels.component']);
  assert.ok(byField['timestamp']);
  const malformed = await push('dtesn', '{"membrane_evolution_rate": 3,');
  assert.equal(malformed.status, 400);
  const m = (await malformed.json()) as { errors: { field: string; expected: string }[] };
  assert.equal(m.errors[0]!.field, '(body)');
  assert.match(m.errors[0]!.expected, /valid JSON/);
  const snap = await monitor.collectNow();
  assert.equal(snap.proprioceptiveAccuracy, undefined);
  assert.equal(snap.componentMetrics['embodied'], undefined);
});

test('Prometheus text pushes are accepted; over the size limit is 413', async (t) => {
  const { monitor, push } = await setup(t, { push_max_body_bytes: 2048 });
  const r = await push('dtesn', '# TYPE membrane_evolution_rate gauge\nmembrane_evolution_rate{membrane="root"} 42\n', { 'content-type': 'text/plain; version=0.0.4' });
  assert.equal(r.status, 200, await r.clone().text());
  const snap = await monitor.collectNow();
  assert.equal(snap.membraneEvolutionRate, 42);
  const big = await push('dtesn', JSON.stringify({ x: 1, pad: 'y'.repeat(5000) }));
  assert.equal(big.status, 413);
});

test('DTESN membrane hierarchy is checked against A000081 and alerts when not compliant', async (t) => {
  const { monitor, push } = await setup(t);
  assert.equal((await push('dtesn', JSON.stringify({ membrane_hierarchy: [1, 1, 2, 4, 9] }))).status, 200);
  let snap = await monitor.collectNow();
  assert.equal(snap.componentMetrics['dtesn']!['a000081_compliance'], 1);
  assert.equal(snap.membraneLevel, 5);
  assert.equal(monitor.getRecentAlerts().length, 0);
  assert.equal((await push('dtesn', JSON.stringify({ membrane_tree: { children: [{ children: [{}, {}, {}] }] } }))).status, 200);
  snap = await monitor.collectNow();
  assert.ok(Math.abs(snap.componentMetrics['dtesn']!['a000081_compliance'] - 2 / 3) < 1e-12);
  const alert = monitor.getRecentAlerts().find((a) => a.metric === 'a000081_compliance');
  assert.ok(alert);
  assert.equal(alert.severity, 'warning');
});

test('a pushing component that stops is stale after N intervals (INFO), then WARNING, and its values are not reused', async (t) => {
  const { monitor, clock, push } = await setup(t, { stale_after_intervals: 3 });
  const events: string[] = [];
  monitor.registerAlertHandler((a) => void events.push(`${a.severity}:${a.metric}:${a.status}`));
  await push('embodied', JSON.stringify({ sensory_motor_latency: 20 }));
  monitor.startMonitoring();
  await clock.advance(1000);
  assert.equal(monitor.getCurrentMetrics()!.sensoryMotorLatency, 20);
  assert.equal(monitor.componentStates()['embodied'], 'active');
  await clock.advance(3000);
  assert.equal(monitor.componentStates()['embodied'], 'stale');
  assert.equal(monitor.getCurrentMetrics()!.sensoryMotorLatency, undefined, 'stale values are not current');
  await clock.advance(3000);
  await push('embodied', JSON.stringify({ sensory_motor_latency: 25 }));
  await clock.advance(1000);
  monitor.stopMonitoring();
  await monitor.flushAlerts();
  assert.deepEqual(events, [
    'info:component_stale:firing',
    'warning:component_stale:firing',
    'info:component_stale:resolved',
    'warning:component_stale:resolved',
  ]);
  assert.equal(monitor.componentStates()['embodied'], 'active');
});

test('with a token configured, pushes need it', async (t) => {
  const { push } = await setup(t, {}, 's3cret-token');
  assert.equal((await push('dtesn', '{"membrane_level": 3}')).status, 401);
  const ok = await push('dtesn', '{"membrane_level": 3}', { 'content-type': 'application/json', authorization: 'Bearer s3cret-token' });
  assert.equal(ok.status, 200);
});
