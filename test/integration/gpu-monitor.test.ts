import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createGpuCollector } from '../../src/collect/gpu/index.js';
import { MemoryLogger } from '../../src/core/logger.js';
import { IntegratedPerformanceSystem } from '../../src/monitor/integrated.js';
import { UnifiedPerformanceMonitor } from '../../src/monitor/unifiedMonitor.js';
import { requirePeer } from '../helpers/peers.js';
import { tempDir } from '../helpers/tempTree.js';

const BIN = fileURLToPath(new URL('../fixtures/bin', import.meta.url));

test('GPUs through the monitor: gpuUtilization is the mean over GPUs, the alert compares the busiest one', async (t) => {
  const gpu = createGpuCollector({ path: BIN, rocmSmi: false, env: { ...process.env, FAKE_NVIDIA_SMI_GPUS: '2' }, intervalMs: 100 });
  t.after(() => gpu.close());
  const m = new UnifiedPerformanceMonitor({ config: { monitoring_interval: 0.2, log_level: 'silent', alerting: { default_for: 0 } }, systemCollector: false, gpuCollector: gpu, logger: new MemoryLogger() });
  let per: number[] = [];
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    await m.collectNow();
    per = m.store.latest('gpu_utilization').map((s) => s.v);
    if (per.length === 2) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(per.length, 2, 'both fake GPUs reported');
  const snap = m.getCurrentMetrics()!;
  assert.ok(Math.abs(snap.gpuUtilization! - (per[0]! + per[1]!) / 2) < 1e-9);
  const busiest = Math.max(...per);
  m.thresholds.maxGpuUtilization = (busiest + Math.min(...per)) / 2;
  if (busiest > Math.min(...per)) {
    await m.collectNow();
    const alert = m.getRecentAlerts().find((a) => a.metric === 'gpu_utilization');
    assert.ok(alert, 'the busiest GPU is over the threshold though the mean may not be');
    assert.equal(alert.currentValue, busiest);
  }
  assert.equal(m.collectorStatus()['gpu']!.status, 'ok');
  assert.equal((m.collectorStatus()['gpu']!.detail as { state: string }).state, 'ok');
});

test('no GPU tool on PATH: the gpu collector says so and reports nothing (absent, not 0)', async () => {
  const gpu = createGpuCollector({ path: '', intervalMs: 100 });
  const m = new UnifiedPerformanceMonitor({ config: { log_level: 'silent' }, systemCollector: false, gpuCollector: gpu, logger: new MemoryLogger() });
  const snap = await m.collectNow();
  assert.equal(snap.gpuUtilization, undefined);
  const d = m.collectorStatus()['gpu']!.detail as { state: string; reason: string };
  assert.equal(d.state, 'unavailable');
  assert.match(d.reason, /no nvidia-smi or rocm-smi on PATH/);
  await gpu.close();
});

test('/metrics of a running monitor shows the deep GPU families in base units, and promtool check metrics is clean', async (t) => {
  const promtool = requirePeer(t, 'promtool');
  if (promtool === undefined) return;
  const gpu = createGpuCollector({
    path: BIN,
    rocmSmi: false,
    intervalMs: 100,
    deepIntervalS: 1,
    processIntervalS: 1,
    startupWaitMs: 8000,
    env: { ...process.env, FAKE_NVIDIA_SMI_MODEL: 'h200', FAKE_NVIDIA_SMI_GPUS: '2' },
  });
  t.after(() => gpu.close());
  const dir = tempDir(t);
  const s = new IntegratedPerformanceSystem({
    config: { log_level: 'silent', monitoring_interval: 0.2, server: { port: 0 }, echo_dash: { stats_dir: `${dir}/stats` } },
    logger: new MemoryLogger(),
    consoleAlerts: false,
    systemCollector: false,
    gpuCollector: gpu,
  });
  t.after(() => s.stop());
  await s.start();
  /** The value of the sample of `family` carrying these labels (in any order), if on the page. */
  const sample = (page: string, family: string, labels: Record<string, string>): number | undefined => {
    for (const l of page.split('\n')) {
      if (!l.startsWith(`${family}{`)) continue;
      if (Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`))) return Number(l.slice(l.lastIndexOf(' ') + 1));
    }
    return undefined;
  };
  const want: [string, Record<string, string>][] = [
    ['echo_perf_gpu_pcie_bytes_per_second', { gpu: '0', direction: 'rx' }],
    ['echo_perf_gpu_clock_event_seconds_total', { gpu: '0', reason: 'sw_power_cap' }],
    ['echo_perf_gpu_media_utilization_ratio', { gpu: '0', block: 'encoder' }],
    ['echo_perf_gpu_bar1_used_bytes', { gpu: '1' }],
    ['echo_perf_gpu_process_sm_utilization_ratio', { gpu: '0', pid: '543' }],
  ];
  let page = '';
  for (let i = 0; i < 50 && !want.every(([f, l]) => sample(page, f, l) !== undefined); i++) {
    await new Promise((r) => setTimeout(r, 200));
    const res = await fetch(`${s.address!.url}/metrics`);
    assert.equal(res.status, 200);
    page = await res.text();
  }
  for (const [f, l] of want) assert.notEqual(sample(page, f, l), undefined, `${f} ${JSON.stringify(l)} in /metrics:\n${page}`);
  assert.equal(sample(page, 'echo_perf_gpu_clock_event_seconds_total', { gpu: '0', name: 'NVIDIA H200', reason: 'sw_power_cap' }), 5.528715);
  assert.equal(sample(page, 'echo_perf_gpu_memory_temperature_celsius', { gpu: '0' }), 51);
  assert.equal(sample(page, 'echo_perf_gpu_sm_clock_max_hertz', { gpu: '0' }), 1980e6);
  assert.equal(sample(page, 'echo_perf_gpu_process_sm_utilization_ratio', { pid: '543' }), 0.98, 'pmon % as a ratio');
  assert.equal(sample(page, 'echo_perf_gpu_sm_active_ratio', {}), undefined, 'GPM `-` is absent, not 0');
  assert.ok(page.includes('# TYPE echo_perf_gpu_pcie_replays_total counter'));
  const check = spawnSync(promtool, ['check', 'metrics'], { input: page, encoding: 'utf8', timeout: 30_000 });
  assert.equal(`${check.stdout}${check.stderr}`.trim(), '', page);
  assert.equal(check.status, 0);
});
