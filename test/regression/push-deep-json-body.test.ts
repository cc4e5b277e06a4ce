// A 10,000-deep JSON body answered 500 with a stack trace in the log: the 400
// echoed the bad value, and serialising it overflowed the stack. A 200 KB bad
// value was echoed whole. Bodies nested deeper than a payload can use are now
// refused before JSON.parse, and echoed values are bounded previews.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../src/core/clock.js';
import { MemoryLogger } from '../../src/core/logger.js';
import { UnifiedPerformanceMonitor } from '../../src/monitor/unifiedMonitor.js';
import { monitorView } from '../../src/monitor/monitorView.js';
import { addPushRoute } from '../../src/monitor/pushRoute.js';
import { createServer } from '../../src/server/index.js';

test('a 10k-deep body is a 400 naming the field; a 200 KB value is echoed as a short preview; nothing is logged as a server error', async (t) => {
  const logger = new MemoryLogger();
  const monitor = new UnifiedPerformanceMonitor({ config: { log_level: 'silent' }, clock: new ManualClock(1_700_000_000_000), systemCollector: false, gpuCollector: false, logger });
  const server = createServer(monitorView(monitor), { port: 0, logger });
  addPushRoute(server, monitor);
  const { url } = await server.listen();
  t.after(() => server.close());
  const push = (component: string, body: string) => fetch(`${url}/api/v1/push/${component}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });

  for (const [component, body, field] of [
    ['dtesn', '{"membrane_evolution_rate":' + '['.repeat(10_000) + ']'.repeat(10_000) + '}', 'membrane_evolution_rate'],
    ['perception', '['.repeat(10_000) + ']'.repeat(10_000), '(body)'],
    ['dtesn', '{"membrane_tree":' + '['.repeat(10_000) + ']'.repeat(10_000) + '}', 'membrane_tree'],
  ] as const) {
    const r = await push(component, body);
    assert.equal(r.status, 400, field);
    const reply = (await r.json()) as { errors: { field: string; value: unknown; expected: string }[] };
    assert.equal(reply.errors[0]!.field, field);
    assert.equal(typeof reply.errors[0]!.expected, 'string');
  }

  const big = await push('perception', JSON.stringify({ frames: 'y'.repeat(200_000), ['k-'.repeat(2500)]: 1 }));
  assert.equal(big.status, 400);
  const text = await big.text();
  assert.ok(text.length < 1000, `reply of ${text.length} characters`);
  const reply = JSON.parse(text) as { errors: { field: string; value: string }[] };
  assert.equal(reply.errors[0]!.value.length, 101);
  assert.ok(reply.errors[0]!.value.endsWith('…'));
  assert.ok(reply.errors[1]!.field.length <= 101);
  assert.deepEqual(
    logger.lines.filter((e) => e.level === 'error'),
    [],
  );
});
