/**
 * Our rate(), increase() and histogram_quantile() against a real Prometheus
 * 2.42 scraping the same target:
 *   1. exactly, on Prometheus's own raw samples (the functions are equivalent);
 *   2. end to end, our scrape engine's derived series vs Prometheus's answers, within 1 %.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { test } from 'node:test';
import { histogramQuantile, increase, rate } from '../../src/analyze/promql/index.js';
import { MemoryLogger } from '../../src/core/logger.js';
import { UnifiedPerformanceMonitor } from '../../src/monitor/unifiedMonitor.js';
import { requirePeer } from '../helpers/peers.js';
import { startPrometheus, waitFor } from '../helpers/prometheus.js';

const t0 = Date.now();
/** A target whose counters grow linearly with wall time (one also resets), and a histogram with a fixed shape. */
function page(): string {
  const s = (Date.now() - t0) / 1000;
  const k = 2 * s;
  return [
    '# TYPE demo_requests counter',
    `demo_requests_total{route="/v1/completions"} ${100 + 7 * s}`,
    '# TYPE demo_resetting counter',
    `demo_resetting_total ${(13 * s) % 37}`,
    '# TYPE demo_latency_seconds histogram',
    `demo_latency_seconds_bucket{le="0.1"} ${1 * k}`,
    `demo_latency_seconds_bucket{le="0.5"} ${4 * k}`,
    `demo_latency_seconds_bucket{le="1"} ${9 * k}`,
    `demo_latency_seconds_bucket{le="+Inf"} ${10 * k}`,
    `demo_latency_seconds_sum ${4.2 * k}`,
    `demo_latency_seconds_count ${10 * k}`,
    '',
  ].join('\n');
}

type Vec = { metric: Record<string, string>; value?: [number, string]; values?: [number, string][] }[];
const pts = (r: Vec[number]): { t: number; v: number }[] => r.values!.map(([ts, v]) => ({ t: Math.round(ts * 1000), v: Number(v) }));
const close = (a: number, b: number, rel: number): boolean => Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b), 1e-12);

test('rate, increase and histogram_quantile agree with a real Prometheus 2.42', async (t) => {
  const bin = requirePeer(t, 'prometheus');
  if (bin === undefined) return;
  const target = createServer((_req, res) => res.end(page()));
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => target.close(() => r())));
  t.after(() => target.closeAllConnections());
  const port = (target.address() as { port: number }).port;
  const prom = await startPrometheus(bin, `  - job_name: demo\n    static_configs:\n      - targets: ['127.0.0.1:${port}']\n`);
  t.after(() => prom.stop());

  const monitor = new UnifiedPerformanceMonitor({
    config: { scrape_targets: [{ name: 'demo', url: `http://127.0.0.1:${port}/metrics`, interval: 1 }], rate_window: 5, log_level: 'silent' },
    systemCollector: false,
    logger: new MemoryLogger(),
  });
  monitor.startMonitoring();
  t.after(() => monitor.stopMonitoring());

  // Enough history for a 5 s window in both.
  await waitFor('8 samples in Prometheus', async () => {
    const r = (await prom.query('count_over_time(demo_requests_total[10s])')) as Vec;
    return r.length > 0 && Number(r[0]!.value![1]) >= 8 ? true : undefined;
  });

  // 1. Function equivalence on Prometheus's own samples.
  const T = Date.now() / 1000 - 0.5;
  for (const name of ['demo_requests_total', 'demo_resetting_total']) {
    const raw = ((await prom.query(`${name}[5s]`, T)) as Vec)[0]!;
    const theirs = Number(((await prom.query(`rate(${name}[5s])`, T)) as Vec)[0]!.value![1]);
    const theirsInc = Number(((await prom.query(`increase(${name}[5s])`, T)) as Vec)[0]!.value![1]);
    const ours = rate(pts(raw), T * 1000 - 5000, T * 1000)!;
    assert.ok(close(ours, theirs, 1e-9), `${name}: rate ours ${ours} vs prometheus ${theirs}`);
    assert.ok(close(increase(pts(raw), T * 1000 - 5000, T * 1000)!, theirsInc, 1e-9), `${name}: increase`);
  }
  const bucketsRaw = (await prom.query('demo_latency_seconds_bucket[5s]', T)) as Vec;
  const buckets = bucketsRaw.map((r) => ({ le: Number(r.metric['le'] === '+Inf' ? Infinity : r.metric['le']), count: increase(pts(r), T * 1000 - 5000, T * 1000)! }));
  for (const q of [0.5, 0.9, 0.99]) {
    const theirs = Number(((await prom.query(`histogram_quantile(${q}, rate(demo_latency_seconds_bucket[5s]))`, T)) as Vec)[0]!.value![1]);
    const ours = histogramQuantile(q, buckets);
    assert.ok(close(ours, theirs, 1e-9), `q${q}: ours ${ours} vs prometheus ${theirs}`);
  }

  // 2. End to end: our scrape engine's derived series vs Prometheus now.
  const now = Date.now() / 1000;
  const theirRate = Number(((await prom.query('rate(demo_requests_total[5s])', now)) as Vec)[0]!.value![1]);
  const ourRate = monitor.store.latest('demo_requests_total:rate', { job: 'demo' })[0]!.v;
  assert.ok(close(ourRate, theirRate, 0.01), `derived rate ${ourRate} vs prometheus ${theirRate}`);
  for (const q of ['0.5', '0.9', '0.99']) {
    const theirs = Number(((await prom.query(`histogram_quantile(${q}, rate(demo_latency_seconds_bucket[5s]))`, now)) as Vec)[0]!.value![1]);
    const ours = monitor.store.latest('demo_latency_seconds:quantile', { job: 'demo', quantile: q })[0]!.v;
    assert.ok(close(ours, theirs, 0.01), `derived q${q} ${ours} vs prometheus ${theirs}`);
  }
});
