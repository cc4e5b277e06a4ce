// A push to /api/v1/push/__proto__ polluted Object.prototype through the
// snapshot's componentMetrics; /metrics then answered 500 for good while
// /healthz said ok. Names now follow a pattern (a letter first) and every map
// keyed by a name from input has no prototype.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../src/core/clock.js';
import { MemoryLogger } from '../../src/core/logger.js';
import { UnifiedPerformanceMonitor } from '../../src/monitor/unifiedMonitor.js';
import { monitorView } from '../../src/monitor/monitorView.js';
import { addPushRoute } from '../../src/monitor/pushRoute.js';
import { createServer } from '../../src/server/index.js';

test('__proto__ is refused; constructor and prototype are harmless; Object.prototype stays clean', async (t) => {
  const before = Object.getOwnPropertyNames(Object.prototype).sort();
  const monitor = new UnifiedPerformanceMonitor({ config: { log_level: 'silent' }, clock: new ManualClock(1_700_000_000_000), systemCollector: false, gpuCollector: false, logger: new MemoryLogger() });
  // An in-process collector may carry any name: the snapshot must hold it without touching a prototype.
  monitor.registerCollector('__proto__', () => ({ polluted_metric: 7 }));
  const server = createServer(monitorView(monitor), { port: 0 });
  addPushRoute(server, monitor);
  const { url } = await server.listen();
  t.after(() => server.close());
  const push = (component: string, body: string, type = 'application/json') => fetch(`${url}/api/v1/push/${component}`, { method: 'POST', body, headers: { 'content-type': type } });

  const proto = await push('__proto__', '{"polluted": 1}');
  assert.equal(proto.status, 400);
  const body = (await proto.json()) as { errors: { field: string; expected: string }[] };
  assert.equal(body.errors[0]!.field, 'component');
  assert.match(body.errors[0]!.expected, /a letter/);
  for (const name of ['constructor', 'prototype', 'toString', 'hasOwnProperty']) {
    assert.equal((await push(name, '{"__proto__": 1, "constructor": 2, "valueOf": 3, "labels": {"toString": "x"}}')).status, 200, name);
  }
  assert.equal((await push('constructor', 'prototype{constructor="x"} 4\n', 'text/plain; version=0.0.4')).status, 200);

  const snap = await monitor.collectNow();
  assert.equal(snap.componentMetrics['constructor']!['valueOf{toString="x"}'], 3);
  assert.equal(snap.componentMetrics['__proto__']!['polluted_metric'], 7);
  assert.equal(snap.componentMetrics['nothing'], undefined, 'an absent component reads as absent, not as an inherited value');

  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  assert.equal(({} as Record<string, unknown>)['polluted_metric'], undefined);
  assert.equal({}.constructor, Object);
  assert.equal(Object.getPrototypeOf({}), Object.prototype);
  assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), before);

  const metrics = await fetch(`${url}/metrics`);
  assert.equal(metrics.status, 200);
  assert.match(await metrics.text(), /^echo_perf_component_valueOf\{.*component="constructor".*\} 3$/m);
  const status = await fetch(`${url}/api/v1/status`);
  assert.equal(status.status, 200);
  const s = (await status.json()) as { collectors: Record<string, unknown> };
  assert.ok(s.collectors['prototype']);
  const health = await fetch(`${url}/healthz`);
  assert.ok([200, 503].includes(health.status), 'health answers (503 here: the loop is not started)');
  assert.equal(typeof ((await health.json()) as { status: unknown }).status, 'string');
});
