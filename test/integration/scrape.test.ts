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

test('a page past its limits fails the whole scrape: up 0, the reason in lastError, nothing of the page stored', async (t) => {
  const page = (n: number, labels = ''): string => Array.from({ length: n }, (_, i) => `flood{i="${i}"${labels}} 1`).join('\n') + '\n';
  const many = await serve(t, (_req, res) => res.end(page(150)));
  const wide = await serve(t, (_req, res) => res.end('ok_metric 1\nwide{a="1",b="2",c="3"} 1\n'));
  const longName = await serve(t, (_req, res) => res.end(`ok_metric 1\nm{${'n'.repeat(300)}="1"} 1\n`));
  const longValue = await serve(t, (_req, res) => res.end(`ok_metric 1\nm{v="${'x'.repeat(5000)}"} 1\n`));
  const good = await serve(t, (_req, res) => res.end(page(100)));
  const m = monitorFor([
    { name: 'many', url: many, sample_limit: 100 },
    { name: 'wide', url: wide, label_limit: 3 },
    { name: 'long_name', url: longName },
    { name: 'long_value', url: longValue },
    { name: 'good', url: good, sample_limit: 100 },
  ]);
  await m.collectNow();
  const st = m.getPerformanceSummary().targets;
  assert.equal(st['many']!.lastError, 'sample_limit exceeded (samples: 101, limit: 100)');
  // Prometheus counts the metric name (__name__) as a label.
  assert.equal(st['wide']!.lastError, 'label_limit exceeded (metric: wide, number of labels: 4, limit: 3)');
  assert.equal(st['long_name']!.lastError, `label_name_length_limit exceeded (metric: m, label name: ${'n'.repeat(50)}, length: 300, limit: 256)`);
  assert.equal(st['long_value']!.lastError, `label_value_length_limit exceeded (metric: m, label: {v ${'x'.repeat(50)}}, value length: 5000, limit: 4096)`);
  for (const job of ['many', 'wide', 'long_name', 'long_value']) {
    assert.equal(st[job]!.health, 'down', job);
    assert.equal(m.store.latest('up', { job })[0]!.v, 0, job);
    assert.equal(m.store.latest('scrape_samples_scraped', { job })[0]!.v, 0, job);
    assert.deepEqual(m.store.latest('ok_metric', { job }), [], job);
    assert.deepEqual(m.store.latest('flood', { job }), [], job);
  }
  assert.equal(st['good']!.health, 'up');
  assert.equal(m.store.latest('flood', { job: 'good' }).length, 100);
  assert.equal(m.store.latest('echo_perf_target_exposition_violations_total', { target: 'good' })[0]!.v, 0);
});

test('a target serving 200k series fails on the default sample_limit; the agent\'s own series stay', async (t) => {
  const body = Array.from({ length: 200_000 }, (_, i) => `flood{i="${i}"} 1`).join('\n') + '\n';
  const url = await serve(t, (_req, res) => res.end(body));
  const m = monitorFor([{ name: 'huge', url }]);
  m.registerCollector('host', () => ({ cpu_usage: 42 }));
  await m.collectNow();
  assert.match(m.getPerformanceSummary().targets['huge']!.lastError!, /^sample_limit exceeded \(samples: 20001, limit: 20000\)$/);
  assert.equal(m.store.latest('flood').length, 0);
  assert.equal(m.store.latest('cpu_usage', { component: 'host' })[0]!.v, 42);
  assert.equal(m.store.latest('echo_perf_ticks_total').length, 1);
});

test('a target with more series than the external budget cannot crowd out the agent\'s own series', async (t) => {
  // 3500 series against max_series 3000: the external budget is 3000 - 1000 (the default reserve).
  const body = Array.from({ length: 3500 }, (_, i) => `flood{i="${i}"} 1`).join('\n') + '\n';
  const url = await serve(t, (_req, res) => res.end(body));
  const clock = new ManualClock(1_700_000_000_000);
  const m = new UnifiedPerformanceMonitor({
    config: { max_series: 3000, scrape_targets: [{ name: 'big', url, sample_limit: 5000, interval: 1 }], log_level: 'silent' },
    clock,
    systemCollector: false,
    logger: new MemoryLogger(),
  });
  m.registerCollector('host', () => ({ cpu_usage: 42, memory_usage: 50 }));
  // The target's page reaches the store before the first tick's own series, as at start-up.
  await m.scrapes.scrapeAll();
  for (let i = 0; i < 2; i++) {
    await m.collectNow();
    await clock.advance(1000);
  }
  assert.equal(m.store.latest('cpu_usage', { component: 'host' })[0]!.v, 42);
  assert.equal(m.store.latest('memory_usage', { component: 'host' })[0]!.v, 50);
  assert.equal(m.store.latest('up', { job: 'big' })[0]!.v, 1);
  assert.ok(m.store.latest('echo_perf_series').length === 1 && m.store.latest('echo_perf_ticks_total').length === 1);
  const dropped = (origin: string): number => m.store.latest('echo_perf_series_dropped_samples_total', { origin })[0]!.v;
  assert.ok(dropped('external') >= 1500, `external drops ${dropped('external')}`);
  assert.equal(dropped('own'), 0);
  assert.equal(m.store.latest('flood', { job: 'big' }).length, 2000);
  assert.equal(m.store.externalSeriesCount, 2000);
});

test('scraped label names __proto__ and constructor stay plain labels; nothing reaches Object.prototype', async (t) => {
  const url = await serve(t, (_req, res) => res.end('m{__proto__="p",constructor="c",polluted="yes"} 1\n'));
  const m = monitorFor([{ name: 'proto', url }]);
  await m.collectNow();
  const s = m.store.latest('m', { job: 'proto' });
  assert.equal(s.length, 1);
  const labels = s[0]!.labels;
  assert.equal(Object.getOwnPropertyDescriptor(labels, '__proto__')?.value, 'p');
  assert.equal(Object.getOwnPropertyDescriptor(labels, 'constructor')?.value, 'c');
  assert.ok(!('exported___proto__' in labels) && !('exported_constructor' in labels));
  assert.equal((({}) as Record<string, unknown>)['polluted'], undefined);
});

test('an OpenMetrics page breaking a rule Prometheus tolerates is kept, and the violation is counted for its target', async (t) => {
  const url = await serve(t, (_req, res) => {
    res.setHeader('content-type', 'application/openmetrics-text; version=1.0.0; charset=utf-8');
    res.end('# TYPE jobs counter\njobs_total -3\n# TYPE queue gauge\nqueue 2\n# EOF\n');
  });
  const m = monitorFor([{ name: 'om', url }]);
  await m.collectNow();
  const st = m.scrapes.statuses()['om']!;
  assert.equal(st.health, 'up', 'a lenient read, as Prometheus 2.42 reads it');
  assert.equal(st.violationsTotal, 1);
  assert.match(st.lastViolation ?? '', /line 2, column \d+: .*negative/i);
  assert.deepEqual(m.store.latest('jobs_total', { job: 'om' }).map((s) => s.v), [-3]);
  const counted = m.currentSamples().find((s) => s.name === 'echo_perf_target_exposition_violations_total' && s.labels['target'] === 'om');
  assert.equal(counted?.v, 1);
});
