import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { test, type TestContext } from 'node:test';
import { ManualClock } from '../../src/core/clock.js';
import { MemoryLogger } from '../../src/core/logger.js';
import { UnifiedPerformanceMonitor } from '../../src/monitor/unifiedMonitor.js';

const FIXTURE = readFileSync(new URL('../fixtures/engines/vllm-v1-2026-qwen2.5-0.5b.metrics.txt', import.meta.url), 'utf8');
const MODEL = 'Qwen/Qwen2.5-0.5B-Instruct';

/** Serves the real vLLM page with some series set per request. */
async function vllm(t: TestContext, state: { tokens: number; running: number; waiting: number; kv: number }): Promise<string> {
  const set = (page: string, name: string, v: number): string =>
    page.replace(new RegExp(`^(${name}\\{engine="0",model_name="[^"]+"\\}) .*$`, 'm'), `$1 ${v}`);
  const server = createServer((_req, res) => {
    let page = set(FIXTURE, 'vllm:generation_tokens_total', state.tokens);
    page = set(page, 'vllm:num_requests_running', state.running);
    page = set(page, 'vllm:num_requests_waiting', state.waiting);
    page = set(page, 'vllm:kv_cache_usage_perc', state.kv);
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    res.end(page);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  t.after(() => server.closeAllConnections());
  return `http://127.0.0.1:${(server.address() as { port: number }).port}/metrics`;
}

test('an engine scraped every tick feeds tokenThroughput, kvCacheUsage and the per-engine unified metrics', async (t) => {
  const state = { tokens: 0, running: 3, waiting: 0, kv: 0.42 };
  const url = await vllm(t, state);
  const clock = new ManualClock(1_700_000_000_000);
  const m = new UnifiedPerformanceMonitor({ config: { engines: [{ name: 'qwen', url }], rate_window: 10, log_level: 'silent' }, clock, systemCollector: false, logger: new MemoryLogger() });
  // 12 scrapes: the 10 s rate window is full of data (a half-empty window under-reads, as in Prometheus).
  for (let i = 0; i < 12; i++) {
    await m.collectNow();
    state.tokens += 250; // 250 tokens per 1 s tick
    await clock.advance(1000);
  }
  const snap = m.getCurrentMetrics()!;
  assert.ok(Math.abs(snap.tokenThroughput! - 250) < 1e-6, `tokenThroughput ${snap.tokenThroughput}`);
  assert.ok(Math.abs(snap.kvCacheUsage! - 42) < 1e-9);
  const per = m.store.latest('token_throughput', { engine: 'qwen', model: MODEL });
  assert.equal(per.length, 1);
  assert.equal(m.store.latest('requests_running', { engine: 'qwen' })[0]!.v, 3);
  assert.equal(m.getRecentAlerts().filter((a) => a.metric === 'token_throughput').length, 0, '250 tok/s is above the 50 tok/s floor');
  assert.equal(m.store.latest('vllm:generation_tokens_total:rate').length, 0, 'engines get unified metrics, not generic rates');
});

test('a stalled engine (requests wait, none run) raises CRITICAL engine_stalled; it resolves when serving resumes', async (t) => {
  const state = { tokens: 1000, running: 0, waiting: 7, kv: 0.1 };
  const url = await vllm(t, state);
  const clock = new ManualClock(1_700_000_000_000);
  const m = new UnifiedPerformanceMonitor({ config: { engines: [{ name: 'qwen', url }], engine_stall_intervals: 3, rate_window: 10, log_level: 'silent' }, clock, systemCollector: false, logger: new MemoryLogger() });
  const events: string[] = [];
  m.registerAlertHandler((a) => void events.push(`${a.metric}:${a.severity}:${a.status}:${a.message}`));
  m.startMonitoring();
  await clock.advance(5000);
  state.running = 4;
  state.waiting = 0;
  for (let i = 0; i < 5; i++) {
    state.tokens += 300;
    await clock.advance(1000);
  }
  m.stopMonitoring();
  await m.flushAlerts();
  const stalled = events.filter((e) => e.startsWith('engine_stalled'));
  assert.equal(stalled.length, 2, events.join('\n'));
  assert.match(stalled[0]!, /^engine_stalled:critical:firing:.*7 requests waiting, none running/);
  assert.match(stalled[1]!, /^engine_stalled:critical:resolved/);
});

test('an engine that is down sets up 0 and a WARNING, and its metrics are absent, not zero', async () => {
  const clock = new ManualClock(1_700_000_000_000);
  const m = new UnifiedPerformanceMonitor({ config: { engines: [{ name: 'gone', url: 'http://127.0.0.1:1/metrics' }], log_level: 'silent' }, clock, systemCollector: false, logger: new MemoryLogger() });
  const snap = await m.collectNow();
  assert.equal(m.store.latest('up', { job: 'gone' })[0]!.v, 0);
  assert.equal(snap.tokenThroughput, undefined);
  const alert = m.getRecentAlerts().find((a) => a.metric === 'up');
  assert.ok(alert);
  assert.equal(alert.severity, 'warning');
  assert.equal(alert.component, 'gone');
  assert.equal(m.getRecentAlerts().filter((a) => a.metric === 'token_throughput').length, 0);
});
