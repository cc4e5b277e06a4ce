import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ManualClock } from '../core/clock.js';
import { MemoryLogger } from '../core/logger.js';
import type { CollectedSample, Sample } from '../core/types.js';
import { parseNvidiaSmiCsv } from '../collect/gpu/nvidiaCsv.js';
import { H200_QUERY_FIELDS } from '../../test/helpers/h200.js';
import { emitReading, type GpuReading } from '../collect/gpu/reading.js';
import { SeriesStore } from '../store/series.js';
import { IntegratedPerformanceSystem } from './integrated.js';
import { gpuStatus, MAX_GPUS } from './gpuStatus.js';

const FIX = new URL('../../test/fixtures/engines/', import.meta.url);
const FIELDS = H200_QUERY_FIELDS;
const capture = (name: string): GpuReading => parseNvidiaSmiCsv(readFileSync(new URL(`nvidia-smi-h200-driver-580-${name}.csv`, FIX), 'utf8'), FIELDS).readings[0]!;
// The H200 under a bf16 matmul load (query-gpu-load.csv), with the PCIe link of query-gpu-extra-load.csv (gen 5, x16).
const LOAD: GpuReading = { ...capture('query-gpu-load'), pcieLinkGen: 5, pcieLinkWidth: 16 };
const IDLE = capture('query-gpu-idle');

function samples(r: GpuReading): CollectedSample[] {
  const out: Sample[] = [];
  emitReading(r, 0, out);
  return out.map((s) => ({ name: s.name, value: s.v, labels: { ...s.labels } }));
}

async function statusOf(t: { after: (f: () => Promise<void>) => void }, collect: () => CollectedSample[]): Promise<Record<string, unknown>> {
  const clock = new ManualClock(Date.UTC(2026, 10, 27, 12));
  const s = new IntegratedPerformanceSystem({
    config: { log_level: 'silent', monitoring_interval: 1, echo_dash: { enabled: false }, server: { port: 0 } },
    clock,
    logger: new MemoryLogger(),
    consoleAlerts: false,
    systemCollector: false,
    gpuCollector: false,
  });
  t.after(() => s.stop());
  s.monitor.registerCollector('gpu', collect);
  await s.start();
  await clock.advance(3000);
  const res = await fetch(`${s.address!.url}/api/v1/status`);
  assert.equal(res.status, 200);
  return (await res.json()) as Record<string, unknown>;
}

test('GET /api/v1/status has a gpus section from the H200 load capture and the derived bound-by, power-capped share and engines', async (t) => {
  const l = { gpu: '0', uuid: LOAD.uuid!, name: LOAD.name! };
  const body = await statusOf(t, () => [
    ...samples(LOAD),
    // As the analysis writes them: gpu_bound a stateset, the share of the window at the cap, the engines' shares.
    ...['idle', 'compute', 'memory', 'power', 'thermal'].map((by) => ({ name: 'gpu_bound', value: by === 'power' ? 1 : 0, labels: { ...l, by } })),
    { name: 'gpu_power_capped', value: 100, labels: l },
    { name: 'gpu_engine_share', value: 25, labels: { ...l, engine: 'sglang' } },
    { name: 'gpu_engine_share', value: 75, labels: { ...l, engine: 'vllm' } },
  ]);
  // The seed's snapshot fields stay what they were: the mean over GPUs of the same names, in %.
  const snap = body['currentMetrics'] as Record<string, number>;
  assert.equal(snap['gpuUtilization'], 100);
  assert.equal(snap['gpuMemoryUsage'], (11251 / 143771) * 100);
  assert.deepEqual(body['gpus'], [
    {
      gpu: '0',
      uuid: 'GPU-5fcc8910-ca2c-9d8b-444b-ad9d475b047e',
      name: 'NVIDIA H200',
      utilization: 100,
      memoryUsedBytes: 11251 * 1048576,
      memoryTotalBytes: 143771 * 1048576,
      memoryUsage: (11251 / 143771) * 100,
      powerDrawWatts: 692.7,
      powerLimitWatts: 700,
      temperatureCelsius: 57,
      powerCappedPercent: 100,
      pcieGeneration: 5,
      pcieWidth: 16,
      boundBy: 'power',
      throttleReasons: ['sw_power_cap'],
      engines: [
        { engine: 'vllm', sharePercent: 75 },
        { engine: 'sglang', sharePercent: 25 },
      ],
    },
  ]);
});

test('the idle capture reads idle, a figure nobody gave is left out, and without GPUs there is no section', async (t) => {
  const idle = await statusOf(t, () => samples(IDLE));
  const [g] = idle['gpus'] as Record<string, unknown>[];
  assert.equal(g!['utilization'], 0);
  assert.deepEqual(g!['throttleReasons'], ['gpu_idle']);
  // The monitor's own analysis derives bound-by from the readings; no engine and no PCIe figure were given.
  assert.equal(g!['boundBy'], 'idle');
  for (const k of ['engines', 'pcieGeneration']) assert.equal(k in g!, false, k);
  const none = await statusOf(t, () => [{ name: 'queue_depth', value: 1 }]);
  assert.equal('gpus' in none, false);
});

test('bounded and fresh: at most MAX_GPUS GPUs, and samples older than the freshness window are left out', () => {
  const store = new SeriesStore({ capacity: 4, maxSeries: 1000 });
  store.append(Array.from({ length: 100 }, (_, i) => ({ name: 'gpu_utilization', labels: { gpu: String(i) }, t: 1000, v: i })));
  store.append([{ name: 'gpu_temperature_celsius', labels: { gpu: '1' }, t: 0, v: 40 }]);
  const out = gpuStatus(store, 1500, 600);
  assert.equal(out.length, MAX_GPUS);
  assert.deepEqual(out.slice(0, 3).map((g) => g.gpu), ['0', '1', '2'], 'numeric order');
  assert.equal(out[1]!.temperatureCelsius, undefined, 'a reading 1.5 s old with 0.6 s freshness is gone');
});
