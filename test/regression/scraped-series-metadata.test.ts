// A scraped page's family metadata (type, help) was kept on the scrape target
// (`families`, `sampleFamily`, and the page itself in `lastSamples`), and the
// monitor, the engine derivation and /metrics each read it from there. The
// metadata now lives with each series in the store, the page is the target's
// latest collection in the store, and the target keeps nothing of it.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { ManualClock } from '../../src/core/clock.js';
import { MemoryLogger } from '../../src/core/logger.js';
import { UnifiedPerformanceMonitor } from '../../src/monitor/unifiedMonitor.js';

const PAGE = ['# HELP jobs Jobs done.', '# TYPE jobs counter', 'jobs_total{queue="a"} 7', '# TYPE temp_celsius gauge', '# UNIT temp_celsius celsius', 'temp_celsius 41', '# EOF', ''].join('\n');

test("a page's family metadata lives with its series in the store, not on the target", async (t) => {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/openmetrics-text; version=1.0.0' });
    res.end(PAGE);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  const m = new UnifiedPerformanceMonitor({
    clock: new ManualClock(1_700_000_000_000),
    logger: new MemoryLogger(),
    systemCollector: false,
    gpuCollector: false,
    config: { log_level: 'silent', scrape_targets: [{ name: 'node', url }] },
  });
  await m.collectNow();
  const instance = new URL(url).host;
  const jobs = m.store.idOf('jobs_total', { queue: 'a', job: 'node', instance, component: 'node' });
  assert.ok(jobs >= 0, 'the page series is in the store');
  assert.deepEqual(m.store.metaOf(jobs), { type: 'counter', help: 'Jobs done.', unit: undefined, origin: 'target:node', family: 'jobs' });
  assert.equal(m.store.metaOf(m.store.idOf('temp_celsius', { job: 'node', instance, component: 'node' }))?.unit, 'celsius');
  assert.equal(m.store.metaOf(m.store.idOf('up', { job: 'node', instance, component: 'node' }))?.origin, 'target:node');
  const target = m.scrapes.targets.get('node')!;
  for (const field of ['families', 'sampleFamily', 'lastSamples']) assert.equal(field in target, false, `the target keeps no ${field}`);
});
