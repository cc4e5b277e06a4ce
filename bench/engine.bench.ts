/**
 * Cost of one engine collection on a real-size page: scrape over loopback
 * HTTP + parse + store + unified-metric derivation + snapshot/rules, i.e. one
 * `collectNow()` of a monitor watching one vLLM engine (the 52 KB vLLM v1 page
 * from test/fixtures/engines, its counters advancing between scrapes).
 * Run: node --import tsx bench/engine.bench.ts
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { ManualClock } from '../src/core/clock.js';
import { silentLogger } from '../src/core/logger.js';
import { UnifiedPerformanceMonitor } from '../src/monitor/unifiedMonitor.js';
import { FIXTURES, median } from './common.js';

const page = readFileSync(FIXTURES + 'vllm-v1-2026-qwen2.5-0.5b.metrics.txt', 'utf8');
let tokens = 0;
const server = createServer((_req, res) => {
  tokens += 250;
  res.end(page.replace(/^(vllm:generation_tokens_total\{[^}]*\}) .*$/m, `$1 ${tokens}`));
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/metrics`;
const clock = new ManualClock(1_700_000_000_000);
const monitor = new UnifiedPerformanceMonitor({ config: { engines: [{ name: 'vllm', url }], log_level: 'silent' }, clock, systemCollector: false, logger: silentLogger });

const wall: number[] = [];
const cpu: number[] = [];
for (let i = 0; i < 260; i++) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await monitor.collectNow();
  const dt = performance.now() - t0;
  const c = process.cpuUsage(c0);
  if (i >= 60) {
    wall.push(dt * 1000);
    cpu.push(c.user + c.system);
  }
  await clock.advance(1000);
}
server.close();
const series = monitor.store.seriesCount;
console.log(`one engine collection (${(page.length / 1024).toFixed(0)} KB page, ${series} series held): median ${median(wall).toFixed(0)} µs wall, ${median(cpu).toFixed(0)} µs CPU (server side included)`);
console.log(JSON.stringify({ bench: 'engine-collect', pageKB: Math.round(page.length / 1024), medianUs: Math.round(median(wall)), medianCpuUs: Math.round(median(cpu)) }));
