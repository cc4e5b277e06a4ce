import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { test, type TestContext } from 'node:test';
import { ManualClock } from '../../src/core/clock.js';
import { MemoryLogger } from '../../src/core/logger.js';
import { UnifiedPerformanceMonitor } from '../../src/monitor/unifiedMonitor.js';
import type { EchoPerfConfigInput } from '../../src/config/index.js';

const FIXTURE = readFileSync(new URL('../fixtures/engines/vllm-v1-2026-qwen2.5-0.5b.metrics.txt', import.meta.url), 'utf8');

async function serve(t: TestContext, handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  t.after(() => server.closeAllConnections());
  return `http://127.0.0.1:${(server.address() as { port: number }).port}/metrics`;
}

function monitorFor(targets: EchoPerfConfigInput['scrape_targets'], clock = new ManualClock(1_700_000_000_000)): UnifiedPerformanceMonitor {
  return new UnifiedPerformanceMonitor({ config: { scrape_targets: targets, log_level: 'silent' }, clock, systemCollector: false, logger: new MemoryLogger() });
}

test('scrapes a real vLLM page: every series stored with job and instance, plus up/duration/samples', async (t) => {
  let accept = '';
  const url = await serve(t, (req, res) => {
    accept = req.headers.accept ?? '';
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    res.end(FIXTURE);
  });
  const m = monitorFor([{ name: 'vllm', url }]);
  await m.collectNow();
  const instance = new URL(url).host;
  const up = m.store.latest('up', { job: 'vllm' });
  assert.equal(up.length, 1);
  assert.equal(up[0]!.v, 1);
  assert.equal(up[0]!.labels['instance'], instance);
  assert.match(accept, /^application\/openmetrics-text;version=1\.0\.0,.*text\/plain;version=0\.0\.4;q=0\.5/);
  const pageSamples = FIXTURE.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
  assert.equal(m.store.latest('scrape_samples_scraped', { job: 'vllm' })[0]!.v, pageSamples);
  const running = m.store.latest('vllm:num_requests_running', { job: 'vllm' });
  assert.equal(running.length, 1);
  assert.equal(running[0]!.labels['model_name'], 'Qwen/Qwen2.5-0.5B-Instruct');
  const status = m.getPerformanceSummary().targets['vllm']!;
  assert.equal(status.health, 'up');
  assert.equal(status.lastError, undefined);
  assert.equal(m.getCurrentMetrics()!.componentMetrics['vllm']![`up{instance="${instance}",job="vllm"}`], 1);
});

test('a target that is down, slow, or serves garbage changes only its own up and status', async (t) => {
  const good = await serve(t, (_req, res) => res.end('ok_metric 1\n'));
  const garbage = await serve(t, (_req, res) => res.end('this is { not metrics\n'));
  const slow = await serve(t, () => {
    /* never answers; the scrape timeout ends it */
  });
  const failing = await serve(t, (_req, res) => {
    res.statusCode = 503;
    res.end('overloaded');
  });
  const big = await serve(t, (_req, res) => res.end('x 1\n'.repeat(100_000)));
  const m = monitorFor([
    { name: 'good', url: good },
    { name: 'garbage', url: garbage },
    { name: 'slow', url: slow, interval: 1, timeout: 0.3 },
    { name: 'failing', url: failing },
    { name: 'refused', url: 'http://127.0.0.1:1/metrics' },
    { name: 'big', url: big, max_body_bytes: 4096 },
  ]);
  await m.collectNow();
  const st = m.getPerformanceSummary().targets;
  const up = (job: string): number | undefined => m.store.latest('up', { job })[0]?.v;
  assert.equal(up('good'), 1);
  assert.equal(st['good']!.health, 'up');
  for (const job of ['garbage', 'slow', 'failing', 'refused', 'big']) {
    assert.equal(up(job), 0, job);
    assert.equal(st[job]!.health, 'down', job);
  }
  assert.match(st['garbage']!.lastError!, /line 1, column \d+/);
  assert.match(st['slow']!.lastError!, /timed out after 300 ms/);
  assert.match(st['failing']!.lastError!, /HTTP status 503/);
  assert.match(st['refused']!.lastError!, /fetch failed|ECONNREFUSED/);
  assert.match(st['big']!.lastError!, /body size limit exceeded \(limit: 4096 bytes\)/);
  assert.equal(m.store.latest('ok_metric', { job: 'good' })[0]!.v, 1);
});

test('gzip bodies and OpenMetrics answers are read; scraped labels clashing with target labels become exported_*', async (t) => {
  const url = await serve(t, (req, res) => {
    assert.equal(req.headers['accept-encoding'], 'gzip');
    res.setHeader('content-type', 'application/openmetrics-text; version=1.0.0; charset=utf-8');
    res.setHeader('content-encoding', 'gzip');
    res.end(gzipSync('# TYPE jobs counter\njobs_total{job="inner"} 5\n# EOF\n'));
  });
  const m = monitorFor([{ name: 'om', url, labels: { region: 'eu' } }]);
  await m.collectNow();
  const s = m.store.latest('jobs_total');
  assert.equal(s.length, 1);
  assert.deepEqual({ ...s[0]!.labels }, { exported_job: 'inner', job: 'om', instance: new URL(url).host, component: 'om', region: 'eu' });
});

test('counter rates and histogram quantiles are derived each tick over the window, and survive a counter reset', async (t) => {
  let n = 0;
  // requests grow by 10 per scrape, then the engine restarts (counter resets) at scrape 6.
  const counts = [0, 10, 20, 30, 40, 50, 5, 15, 25];
  const url = await serve(t, (_req, res) => {
    const c = counts[Math.min(n, counts.length - 1)]!;
    n++;
    // every request takes 0.2-0.5 s: le=0.1 never, le=0.5 always
    res.end(
      `# TYPE req counter\nreq_total ${c}\n# TYPE lat histogram\nlat_bucket{le="0.1"} 0\nlat_bucket{le="0.5"} ${c}\nlat_bucket{le="+Inf"} ${c}\nlat_sum ${c * 0.3}\nlat_count ${c}\n`,
    );
  });
  const clock = new ManualClock(1_700_000_000_000);
  const m = monitorFor([{ name: 'eng', url, interval: 1 }], clock);
  const rates: number[] = [];
  for (let i = 0; i < counts.length; i++) {
    await m.collectNow();
    const r = m.store.latest('req_total:rate', { job: 'eng' })[0]?.v;
    if (r !== undefined) rates.push(r);
    await clock.advance(1000);
  }
  assert.ok(rates.length >= 7);
  for (const r of rates) assert.ok(r >= 0 && r < 12, `rate ${r} stays near 10/s through the reset`);
  const p99 = m.store.latest('lat:quantile', { job: 'eng', quantile: '0.99' })[0]!.v;
  assert.ok(p99 > 0.1 && p99 <= 0.5, `p99 ${p99} interpolated inside (0.1, 0.5]`);
  const mean = m.store.latest('lat:mean', { job: 'eng' })[0]!.v;
  assert.ok(Math.abs(mean - 0.3) < 1e-9, `mean ${mean}`);
});
