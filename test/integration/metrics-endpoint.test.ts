/**
 * The monitor's own /metrics, as a user runs it: Prometheus 2.42 scrapes it
 * (up == 1, host values arrive), and promtool accepts the page.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { MemoryLogger } from '../../src/core/logger.js';
import { createIntegratedSystem } from '../../src/monitor/integrated.js';
import { requirePeer } from '../helpers/peers.js';
import { startPrometheus, waitFor } from '../helpers/prometheus.js';

type Vec = { metric: Record<string, string>; value: [number, string] }[];

test('Prometheus scrapes the monitor: up == 1 and the host figures; promtool accepts the page', async (t) => {
  const prometheus = requirePeer(t, 'prometheus');
  const promtool = requirePeer(t, 'promtool');
  if (prometheus === undefined || promtool === undefined) return;
  const system = createIntegratedSystem(undefined, {
    config: { log_level: 'silent', monitoring_interval: 0.5, server: { port: 0 }, echo_dash: { stats_dir: join(mkdtempSync(join(tmpdir(), 'ep-')), 's') } },
    logger: new MemoryLogger(),
    consoleAlerts: false,
  });
  await system.start();
  t.after(() => system.stop());
  const addr = system.address!;
  await new Promise((r) => setTimeout(r, 1200)); // a couple of ticks

  const page = await (await fetch(`${addr.url}/metrics`)).text();
  const check = spawnSync(promtool, ['check', 'metrics'], { input: page, encoding: 'utf8' });
  // promtool exits 1 on lint findings too; a parse error is what must not happen.
  assert.doesNotMatch(check.stdout + check.stderr, /error while linting|parse error|invalid/i, check.stdout + check.stderr);
  assert.match(page, /^# TYPE echo_perf_cpu_usage_ratio gauge$/m);

  const prom = await startPrometheus(prometheus, `  - job_name: echo\n    static_configs:\n      - targets: ['${addr.host}:${addr.port}']\n`);
  t.after(() => prom.stop());
  const up = await waitFor('up{job="echo"} == 1', async () => {
    const r = (await prom.query('up{job="echo"}')) as Vec;
    return r[0]?.value[1] === '1' ? r : undefined;
  });
  assert.equal(up.length, 1);
  const cpu = await waitFor('echo_perf_cpu_usage_ratio in Prometheus', async () => {
    const r = (await prom.query('echo_perf_cpu_usage_ratio{job="echo"}')) as Vec;
    return r.length === 1 ? Number(r[0]!.value[1]) : undefined;
  });
  assert.ok(cpu >= 0 && cpu <= 1, 'a ratio, not %');
  const mem = (await prom.query('echo_perf_memory_usage_ratio{job="echo"}')) as Vec;
  const ours = system.monitor.getCurrentMetrics()!.memoryUsage!;
  assert.ok(Math.abs(Number(mem[0]!.value[1]) * 100 - ours) < 5, 'memory usage as Prometheus stored it is the monitor\'s figure (the snapshot keeps the seed\'s %)');
  const ticks = (await prom.query('echo_perf_ticks_total{job="echo"}')) as Vec;
  assert.ok(Number(ticks[0]!.value[1]) >= 2, 'self-metrics are exposed');
});
