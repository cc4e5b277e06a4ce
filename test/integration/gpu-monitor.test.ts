import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createGpuCollector } from '../../src/collect/gpu/index.js';
import { MemoryLogger } from '../../src/core/logger.js';
import { UnifiedPerformanceMonitor } from '../../src/monitor/unifiedMonitor.js';

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
