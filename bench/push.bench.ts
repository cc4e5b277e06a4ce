/**
 * Push endpoint throughput: POST /api/v1/push/{component} with a 5-metric JSON
 * body on loopback, driven by autocannon (50 connections, 10 s, run twice; the
 * median of requests/s). Baseline in the same run: a bare node:http server that
 * reads the body, JSON.parses it and answers 200 — the floor any Node HTTP
 * endpoint pays. Run: node --import tsx bench/push.bench.ts
 */
import autocannon from 'autocannon';
import { createServer as createHttpServer } from 'node:http';
import { MemoryLogger } from '../src/core/logger.js';
import { UnifiedPerformanceMonitor } from '../src/monitor/unifiedMonitor.js';
import { monitorView } from '../src/monitor/monitorView.js';
import { addPushRoute } from '../src/monitor/pushRoute.js';
import { createServer } from '../src/server/index.js';
import { median } from './common.js';

const DURATION = Number(process.env['BENCH_SECONDS'] ?? 10);
const BODY = JSON.stringify({ membrane_evolution_rate: 118.2, reservoir_dynamics: 0.52, p_system_transitions: 480, cache_hit_ratio: 0.93, esn_update_time_ns: 52000 });
const METRICS = 5;

async function load(url: string): Promise<number> {
  const r = await autocannon({ url, method: 'POST', body: BODY, headers: { 'content-type': 'application/json' }, connections: 50, duration: DURATION });
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${url}: ${r.non2xx} non-2xx (${JSON.stringify(r.statusCodeStats)}), ${r.errors} errors`);
  return r.requests.average;
}

const monitor = new UnifiedPerformanceMonitor({ config: { log_level: 'silent', max_samples_per_collector: 2000 }, systemCollector: false, gpuCollector: false, logger: new MemoryLogger() });
// autocannon's 50 connections all come from 127.0.0.1: past the default per-client cap.
const server = createServer(monitorView(monitor), { port: 0, maxConnections: 1024, maxConnectionsPerIp: 1024 });
addPushRoute(server, monitor);
const { url } = await server.listen();
monitor.startMonitoring();

const bare = createHttpServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (d: string) => (body += d));
  req.on('end', () => {
    JSON.parse(body);
    res.setHeader('content-type', 'application/json');
    res.end('{"status":"ok"}');
  });
});
await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
const bareUrl = `http://127.0.0.1:${(bare.address() as { port: number }).port}/`;

const ours: number[] = [];
const base: number[] = [];
for (let i = 0; i < 2; i++) {
  ours.push(await load(`${url}/api/v1/push/dtesn`));
  base.push(await load(bareUrl));
}
monitor.stopMonitoring();
await server.close();
bare.close();
const o = median(ours);
const b = median(base);
console.log(`push endpoint: ${o.toFixed(0)} requests/s (${(o * METRICS).toFixed(0)} samples/s); bare node:http JSON baseline ${b.toFixed(0)} requests/s; ratio ${(o / b).toFixed(2)}`);
console.log(JSON.stringify({ bench: 'push', requestsPerS: Math.round(o), samplesPerS: Math.round(o * METRICS), baselineRequestsPerS: Math.round(b), ratioToBaseline: Number((o / b).toFixed(3)) }));
