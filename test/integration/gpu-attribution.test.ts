/**
 * What the GPU figures mean, end to end: the real H200 captures classify as
 * the load they were taken under (bf16 matmul held at the 700 W cap →
 * "power"; idle → "idle"), and a monitor with the fake nvidia-smi, one
 * engine found through its listening socket (a simulator in this process,
 * whose pid the fake reports as a compute app) and one declared on GPU 1,
 * exposes the derived GPU names on /metrics, promtool-clean.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { deriveGpu, gpuInsights } from '../../src/analyze/gpu/index.js';
import { createGpuCollector } from '../../src/collect/gpu/index.js';
import { COMPUTE_APPS_FIELDS, parseComputeAppsCsv, parseNvidiaSmiCsv } from '../../src/collect/gpu/nvidiaCsv.js';
import { H200_QUERY_FIELDS } from '../helpers/h200.js';
import { emitProcesses, emitReading } from '../../src/collect/gpu/reading.js';
import { parseExposition, type MetricFamily } from '../../src/core/exposition/index.js';
import { MemoryLogger } from '../../src/core/logger.js';
import type { Sample } from '../../src/core/types.js';
import { IntegratedPerformanceSystem } from '../../src/monitor/integrated.js';
import { startEngineSimulator } from '../../src/simulate/engine/index.js';
import { SeriesStore } from '../../src/store/series.js';
import { requirePeer } from '../helpers/peers.js';
import { tempDir } from '../helpers/tempTree.js';

const BIN = fileURLToPath(new URL('../fixtures/bin', import.meta.url));
const capture = (f: string): string => readFileSync(new URL(`../fixtures/engines/nvidia-smi-h200-driver-580-${f}`, import.meta.url), 'utf8');
// The collector's --query-gpu fields, in the order the captures were taken with.
const QUERY = H200_QUERY_FIELDS;
const AT = 1_800_000_000_000;

function h200(phase: 'idle' | 'load'): SeriesStore {
  const store = new SeriesStore({ capacity: 16, maxSeries: 1000 });
  const out: Sample[] = [];
  const { readings } = parseNvidiaSmiCsv(capture(`query-gpu-${phase}.csv`), QUERY);
  for (const r of readings) emitReading(r, AT, out);
  if (phase === 'load') emitProcesses(parseComputeAppsCsv(capture('query-compute-apps-load.csv'), COMPUTE_APPS_FIELDS), () => '0', AT, out);
  store.append(out.map((s) => ({ ...s, labels: { ...s.labels, component: 'gpu' } })));
  return store;
}

test('the real H200 captures: bf16 matmul at 692.70 W of 700 with sw_power_cap active is power-bound; idle is idle', () => {
  const load = h200('load');
  // Two engines: only the one whose process (pid 543 in the capture) holds the GPU gets it.
  const derived = deriveGpu(load, [{ name: 'llm' }, { name: 'other' }], AT, 60_000, (e) => (e === 'llm' ? ['543'] : ['1']));
  load.append(derived.samples);
  const [gpu] = gpuInsights(load, AT, 60_000);
  assert.deepEqual(gpu, {
    gpu: '0',
    uuid: 'GPU-5fcc8910-ca2c-9d8b-444b-ad9d475b047e',
    name: 'NVIDIA H200',
    boundBy: 'power',
    powerCappedPercent: 100,
    engines: [{ engine: 'llm', sharePercent: 100 }],
  });
  const memory = derived.samples.find((s) => s.name === 'engine_gpu_memory_used_bytes');
  assert.equal(memory?.v, 11242 * 1048576, "the engine's process's own 11242 MiB");

  const idle = h200('idle');
  idle.append(deriveGpu(idle, [], AT, 60_000, () => undefined).samples);
  assert.equal(gpuInsights(idle, AT, 60_000)[0]?.boundBy, 'idle');
  assert.equal(gpuInsights(idle, AT, 60_000)[0]?.powerCappedPercent, 0, 'the gpu_idle reason shows the GPU reports reasons: 0, not absent');
});

test('through the monitor: shares from the engine process found on its port, the declared engine, bound-by; promtool check metrics is clean', async (t) => {
  const promtool = requirePeer(t, 'promtool');
  if (promtool === undefined) return;
  const own = await startEngineSimulator({ flavor: 'vllm', port: 0, scenario: 'steady', seed: 3 });
  t.after(() => own.close());
  const declared = await startEngineSimulator({ flavor: 'vllm', port: 0, scenario: 'steady', seed: 4 });
  t.after(() => declared.close());
  // The fake's first compute-apps row (2566 of 2566 + 1542 + 15690 MiB on GPU 0) becomes this process, which serves `own`.
  const env = { ...process.env, FAKE_NVIDIA_SMI_GPUS: '2', FAKE_NVIDIA_SMI_APP_PIDS: String(process.pid) };
  const gpu = createGpuCollector({ path: BIN, rocmSmi: false, env, intervalMs: 200 });
  t.after(() => gpu.close());
  const dir = tempDir(t);
  const s = new IntegratedPerformanceSystem({
    config: {
      log_level: 'silent',
      server: { port: 0 },
      echo_dash: { stats_dir: `${dir}/stats` },
      monitoring_interval: 0.5,
      engines: [
        { name: 'own', url: own.metricsUrl },
        { name: 'declared', url: declared.metricsUrl, gpus: ['1'] },
      ],
    },
    logger: new MemoryLogger(),
    consoleAlerts: false,
    gpuCollector: gpu,
    systemCollector: false,
  });
  t.after(() => s.stop());
  await s.start();
  const url = s.address!.url;
  const want = ['echo_perf_gpu_bound', 'echo_perf_gpu_power_capped_ratio', 'echo_perf_engine_gpus', 'echo_perf_engine_gpu_utilization_ratio', 'echo_perf_engine_gpu_memory_used_bytes', 'echo_perf_engine_generation_tokens_per_joule'];
  let page = '';
  let families: MetricFamily[] = [];
  const share = (engine: string): number | undefined => families.find((f) => f.name === 'echo_perf_gpu_engine_share_ratio')?.samples.find((x) => x.labels['engine'] === engine)?.value;
  for (let i = 0; i < 80; i++) {
    const res = await fetch(`${url}/metrics`);
    page = await res.text();
    families = parseExposition(page, res.headers.get('content-type') ?? undefined);
    if (want.every((n) => families.some((f) => f.name === n)) && share('own') !== undefined && share('declared') !== undefined && families.some((f) => f.name === 'echo_perf_engine_generation_tokens_per_joule' && f.samples.length === 2)) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  for (const n of want) assert.ok(families.some((f) => f.name === n), `${n} in /metrics:\n${page}`);
  const shares = families.find((f) => f.name === 'echo_perf_gpu_engine_share_ratio')!.samples;
  const ownShare = shares.find((x) => x.labels['engine'] === 'own')!;
  assert.equal(ownShare.labels['gpu'], '0', 'the engine process holds memory on GPU 0 only');
  assert.ok(Math.abs(ownShare.value - 2566 / (2566 + 1542 + 15690)) < 1e-9, `its memory share: ${ownShare.value}`);
  const declaredShare = shares.find((x) => x.labels['engine'] === 'declared')!;
  assert.deepEqual([declaredShare.labels['gpu'], declaredShare.value], ['1', 1]);
  const bound = families.find((f) => f.name === 'echo_perf_gpu_bound')!.samples;
  for (const g of ['0', '1']) {
    const mine = bound.filter((x) => x.labels['gpu'] === g);
    assert.equal(mine.length, 5, `GPU ${g}: one sample per class`);
    assert.equal(mine.filter((x) => x.value === 1).length, 1, `GPU ${g}: one class holds`);
    assert.equal(mine[0]!.labels['component'], undefined, 'component="gpu" is implicit');
  }

  const check = spawnSync(promtool, ['check', 'metrics'], { input: page, encoding: 'utf8', timeout: 30_000 });
  assert.equal(`${check.stdout}${check.stderr}`.trim(), '', page);
  assert.equal(check.status, 0);
});
