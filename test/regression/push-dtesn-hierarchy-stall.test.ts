// POST /api/v1/push/dtesn with a membrane_hierarchy of 2,000 levels blocked the
// process for ~12 s, 10,000 levels (then allowed) for over 50 s, and a 2,000-deep
// membrane_tree for 9 s: the A000081 check was cubic BigInt work per request.
// Depth is now capped at 39 levels (a(40) is not exact in a double) and the
// terms are computed once.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { ManualClock } from '../../src/core/clock.js';
import { MemoryLogger } from '../../src/core/logger.js';
import { UnifiedPerformanceMonitor } from '../../src/monitor/unifiedMonitor.js';
import { monitorView } from '../../src/monitor/monitorView.js';
import { addPushRoute } from '../../src/monitor/pushRoute.js';
import { createServer } from '../../src/server/index.js';

interface Reply {
  status: number;
  body: { errors?: { field: string; value: unknown; expected: string }[] };
}

async function setup(t: TestContext) {
  const monitor = new UnifiedPerformanceMonitor({ config: { log_level: 'silent' }, clock: new ManualClock(1_700_000_000_000), systemCollector: false, gpuCollector: false, logger: new MemoryLogger() });
  const server = createServer(monitorView(monitor), { port: 0 });
  addPushRoute(server, monitor);
  const { url } = await server.listen();
  t.after(() => server.close());
  const push = async (body: unknown): Promise<Reply> => {
    const r = await fetch(`${url}/api/v1/push/dtesn`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(20_000) });
    return { status: r.status, body: (await r.json()) as Reply['body'] };
  };
  return { monitor, push };
}

function nested(depth: number): unknown[] {
  let t: unknown[] = [];
  for (let i = 1; i < depth; i++) t = [t];
  return t;
}

test('a hierarchy deeper than 39 levels is a 400 naming membrane_hierarchy and the limit', async (t) => {
  const { push } = await setup(t);
  const r = await push({ membrane_hierarchy: new Array(50).fill(1) });
  assert.equal(r.status, 400);
  assert.equal(r.body.errors![0]!.field, 'membrane_hierarchy');
  assert.match(r.body.errors![0]!.expected, /at most 39 membrane counts per level/);
});

test('a tree deeper than 39 levels is a 400 naming membrane_tree and the limit', async (t) => {
  const { push } = await setup(t);
  const r = await push({ membrane_tree: nested(45) });
  assert.equal(r.status, 400);
  assert.equal(r.body.errors![0]!.field, 'membrane_tree');
  assert.match(r.body.errors![0]!.expected, /at most 39 levels deep/);
});

test('the sizes that stalled the process are refused: 2,000 and 10,000 levels, a 2,000-deep tree', async (t) => {
  const { push } = await setup(t);
  for (const body of [{ membrane_hierarchy: new Array(2000).fill(1) }, { membrane_hierarchy: new Array(10_000).fill(1) }, { membrane_tree: nested(2000) }]) {
    const r = await push(body);
    assert.equal(r.status, 400);
    assert.match(r.body.errors![0]!.field, /^membrane_(hierarchy|tree)$/);
    assert.match(r.body.errors![0]!.expected, /39/);
  }
});

test('39 levels laid out along A000081 are still fully compliant', async (t) => {
  const { monitor, push } = await setup(t);
  const terms = [1, 1, 2, 4, 9, 20, 48, 115, 286, 719, 1842, 4766, 12486, 32973, 87811, 235381, 634847, 1721159, 4688676, 12826228, 35221832, 97055181, 268282855, 743724984, 2067174645, 5759636510, 16083734329, 45007066269, 126186554308, 354426847597, 997171512998, 2809934352700, 7929819784355, 22409533673568, 63411730258053, 179655930440464, 509588049810620, 1447023384581029, 4113254119923150];
  assert.equal((await push({ membrane_hierarchy: terms })).status, 200);
  const snap = await monitor.collectNow();
  assert.equal(snap.componentMetrics['dtesn']!['a000081_compliance'], 1);
  assert.equal(snap.membraneLevel, 39);
});
