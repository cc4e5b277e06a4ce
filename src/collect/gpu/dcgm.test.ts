import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { test } from 'node:test';
import { ManualClock } from '../../core/clock.js';
import { parseExposition } from '../../core/exposition/index.js';
import type { Sample } from '../../core/types.js';
import { DcgmSource, dcgmReadings, MAX_DCGM_GPUS } from './dcgm.js';
import { emitReading, MHZ, MIB } from './reading.js';

const fixture = (name: string): string => readFileSync(new URL(`../../../test/fixtures/engines/${name}`, import.meta.url), 'utf8');

void test('DCGM exporter, NVIDIA L4: default counters mapped; total = FREE + USED + RESERVED', () => {
  const rs = dcgmReadings(parseExposition(fixture('dcgm-exporter-nvidia-l4.metrics.txt')));
  assert.equal(rs.length, 1);
  const r = rs[0]!;
  assert.equal(r.index, '0');
  assert.equal(r.uuid, 'GPU-c2f76b33-7953-256e-8f33-1343419b1a1c');
  assert.equal(r.name, 'NVIDIA L4');
  assert.equal(r.smClockHz, 210 * MHZ);
  assert.equal(r.memoryClockHz, 405 * MHZ);
  assert.equal(r.temperatureCelsius, 31);
  assert.equal(r.powerDrawWatts, 16.365);
  assert.equal(r.utilization, 0);
  assert.equal(r.memoryUtilization, 0);
  assert.equal(r.memoryUsedBytes, 0);
  assert.equal(r.memoryTotalBytes, (22563 + 0 + 470) * MIB);
  assert.equal(r.powerLimitWatts, undefined); // not a default counter
  assert.equal(r.eccCorrected, undefined);
  const out: Sample[] = [];
  emitReading(r, 5, out);
  assert.deepEqual(
    out.map((s) => s.name),
    [
      'gpu_utilization',
      'gpu_memory_used_bytes',
      'gpu_memory_total_bytes',
      'gpu_memory_usage',
      'gpu_memory_utilization',
      'gpu_temperature_celsius',
      'gpu_power_draw_watts',
      'gpu_sm_clock_hz',
      'gpu_memory_clock_hz',
      'gpu_media_utilization',
      'gpu_media_utilization',
      'gpu_pcie_replays',
      'gpu_pcie_bytes_per_second',
      'gpu_pcie_bytes_per_second',
      'gpu_pipe_active',
      'gpu_dram_active',
    ],
  );
  assert.deepEqual(out[0]!.labels, { gpu: '0', uuid: 'GPU-c2f76b33-7953-256e-8f33-1343419b1a1c', name: 'NVIDIA L4' });
});

void test('DCGM exporter, NVIDIA L40S', () => {
  const [r] = dcgmReadings(parseExposition(fixture('dcgm-exporter-nvidia-l40s.metrics.txt')));
  assert.ok(r);
  assert.equal(r.name, 'NVIDIA L40S');
  assert.equal(r.uuid, 'GPU-5b4e07f6-3a86-4340-039d-25f2a83cdc43');
  assert.equal(r.temperatureCelsius, 32);
  assert.equal(r.powerDrawWatts, 35.686);
  assert.equal(r.memoryTotalBytes, (45459 + 608) * MIB);
});

void test('opt-in fields (ECC, XID, throttle), blank sentinels, MIG instances and pod duplicates', () => {
  const page = [
    'DCGM_FI_DEV_GPU_UTIL{gpu="1",UUID="GPU-b",modelName="NVIDIA A100-SXM4-80GB",pod="a"} 55',
    'DCGM_FI_DEV_GPU_UTIL{gpu="1",UUID="GPU-b",modelName="NVIDIA A100-SXM4-80GB",pod="b"} 55',
    'DCGM_FI_DEV_GPU_UTIL{gpu="0",UUID="GPU-a",DCGM_FI_DEV_NAME="NVIDIA A100-SXM4-80GB",GPU_I_ID="3",GPU_I_PROFILE="1g.10gb"} 99',
    'DCGM_FI_DEV_GPU_UTIL{gpu="0",UUID="GPU-a",DCGM_FI_DEV_NAME="NVIDIA A100-SXM4-80GB"} 12',
    'DCGM_FI_DEV_MEMORY_TEMP{gpu="0",UUID="GPU-a"} 9223372036854775794',
    'DCGM_FI_DEV_GPU_TEMP{gpu="0",UUID="GPU-a"} 9223372036854775794',
    'DCGM_FI_DEV_ECC_SBE_VOL_TOTAL{gpu="0",UUID="GPU-a"} 4',
    'DCGM_FI_DEV_ECC_DBE_VOL_TOTAL{gpu="0",UUID="GPU-a"} 1',
    'DCGM_FI_DEV_XID_ERRORS{gpu="0",UUID="GPU-a"} 79',
    'DCGM_FI_DEV_CLOCK_THROTTLE_REASONS{gpu="0",UUID="GPU-a"} 72',
    'DCGM_FI_DEV_POWER_MGMT_LIMIT{gpu="0",UUID="GPU-a"} 400',
    'DCGM_FI_DEV_FB_USED{gpu="0",UUID="GPU-a"} 100',
    'DCGM_FI_DEV_FB_TOTAL{gpu="0",UUID="GPU-a"} 400',
    '',
  ].join('\n');
  const rs = dcgmReadings(parseExposition(page));
  assert.deepEqual(
    rs.map((r) => [r.index, r.uuid, r.name, r.utilization]),
    [
      ['0', 'GPU-a', 'NVIDIA A100-SXM4-80GB', 12],
      ['1', 'GPU-b', 'NVIDIA A100-SXM4-80GB', 55],
    ],
  );
  const a = rs[0]!;
  assert.equal(a.temperatureCelsius, undefined);
  assert.equal(a.eccCorrected, 4);
  assert.equal(a.eccUncorrected, 1);
  assert.equal(a.lastXid, 79);
  assert.equal(a.powerLimitWatts, 400);
  assert.equal(a.memoryTotalBytes, 400 * MIB);
  const out: Sample[] = [];
  emitReading(a, 0, out);
  assert.deepEqual(
    out.filter((s) => s.name === 'gpu_throttle_active').map((s) => s.labels['reason']),
    ['hw_slowdown', 'hw_thermal_slowdown'],
  );
  assert.equal(out.find((s) => s.name === 'gpu_memory_usage')?.v, 25);
  assert.equal(out.find((s) => s.name === 'gpu_xid_last')?.v, 79);
});

void test('a page with no DCGM GPU fields gives no readings', () => {
  assert.deepEqual(dcgmReadings(parseExposition('up 1\n')), []);
});

void test('deep fields on the real L4 and L40S pages: PROF ratios as %, PCIe rates, media engines, replays; MEMORY_TEMP 0 is no sensor', () => {
  const [l4] = dcgmReadings(parseExposition(fixture('dcgm-exporter-nvidia-l4.metrics.txt')));
  assert.ok(l4);
  assert.equal(l4.tensorActive, 0);
  assert.equal(l4.dramActive, 0);
  assert.equal(l4.pcieTxBytesPerSecond, 112603);
  assert.equal(l4.pcieRxBytesPerSecond, 17544);
  assert.equal(l4.encoderUtilization, 0);
  assert.equal(l4.decoderUtilization, 0);
  assert.equal(l4.pcieReplays, 0);
  assert.equal(l4.memoryTemperatureCelsius, undefined);
  // Not default counters: absent on the page, so absent in the reading (never 0).
  for (const k of ['smActive', 'smOccupancy', 'fp16Active', 'fp32Active', 'fp64Active', 'nvlinkTxBytesPerSecond', 'bar1UsedBytes', 'pcieLinkGen', 'clockEventSeconds'] as const) {
    assert.equal(l4[k], undefined, k);
  }
  const [l40s] = dcgmReadings(parseExposition(fixture('dcgm-exporter-nvidia-l40s.metrics.txt')));
  assert.ok(l40s);
  assert.ok(Math.abs(l40s.dramActive! - 0.0131) < 1e-12);
  assert.equal(l40s.pcieTxBytesPerSecond, 175084);
  assert.equal(l40s.pcieRxBytesPerSecond, 19831);
  const out: Sample[] = [];
  emitReading(l40s, 1, out);
  const labels = { gpu: '0', uuid: 'GPU-5b4e07f6-3a86-4340-039d-25f2a83cdc43', name: 'NVIDIA L40S' };
  assert.deepEqual(
    out.filter((s) => s.name === 'gpu_pcie_bytes_per_second').map((s) => [s.labels, s.v]),
    [
      [{ ...labels, direction: 'rx' }, 19831],
      [{ ...labels, direction: 'tx' }, 175084],
    ],
  );
  assert.deepEqual(
    out.filter((s) => s.name === 'gpu_media_utilization').map((s) => s.labels['block']),
    ['encoder', 'decoder'],
  );
  assert.ok(!out.some((s) => s.name === 'gpu_memory_temperature_celsius'));
});

/**
 * The L4 and L40S pages run the exporter's default counters, which lack SM_ACTIVE, SM_OCCUPANCY,
 * the FP pipes, NVLink, BAR1, the link and the violation fields: this page uses the field names of
 * engines.md §7.2 and DCGM's dcgm_fields.h with made-up values.
 */
function deepPage(): string {
  const l = 'gpu="0",UUID="GPU-h",device="nvidia0",modelName="NVIDIA H100 80GB HBM3",Hostname="n1"';
  return [
    '# HELP DCGM_FI_PROF_SM_ACTIVE The ratio of cycles an SM has at least 1 warp assigned.',
    '# TYPE DCGM_FI_PROF_SM_ACTIVE gauge',
    `DCGM_FI_PROF_SM_ACTIVE{${l}} 0.875000`,
    `DCGM_FI_PROF_SM_OCCUPANCY{${l}} 0.250000`,
    `DCGM_FI_PROF_PIPE_TENSOR_ACTIVE{${l}} 0.500000`,
    `DCGM_FI_PROF_DRAM_ACTIVE{${l}} 0.625000`,
    `DCGM_FI_PROF_PIPE_FP64_ACTIVE{${l}} 0.000000`,
    `DCGM_FI_PROF_PIPE_FP32_ACTIVE{${l}} 0.125000`,
    `DCGM_FI_PROF_PIPE_FP16_ACTIVE{${l}} 0.375000`,
    `DCGM_FI_PROF_PCIE_TX_BYTES{${l}} 1000000`,
    `DCGM_FI_PROF_PCIE_RX_BYTES{${l}} 2000000`,
    `DCGM_FI_PROF_NVLINK_TX_BYTES{${l}} 30000000000`,
    `DCGM_FI_PROF_NVLINK_RX_BYTES{${l}} 40000000000`,
    `DCGM_FI_DEV_MEMORY_TEMP{${l}} 54`,
    `DCGM_FI_DEV_PCIE_LINK_GEN{${l}} 5`,
    `DCGM_FI_DEV_PCIE_MAX_LINK_GEN{${l}} 5`,
    `DCGM_FI_DEV_PCIE_LINK_WIDTH{${l}} 16`,
    `DCGM_FI_DEV_PCIE_MAX_LINK_WIDTH{${l}} 16`,
    `DCGM_FI_DEV_BAR1_USED{${l}} 17`,
    `DCGM_FI_DEV_PCIE_REPLAY_COUNTER{${l}} 3`,
    `DCGM_FI_DEV_POWER_VIOLATION{${l}} 2500000000`,
    `DCGM_FI_DEV_THERMAL_VIOLATION{${l}} 9223372036854775794`,
    `DCGM_FI_DEV_CLOCKS_EVENT_REASON_HW_THERM_SLOWDOWN_NS{${l}} 1000000`,
    '',
  ].join('\n');
}

void test('profiling, NVLink, link, BAR1 and violation fields (synthetic page: the real ones lack them)', () => {
  const [r] = dcgmReadings(parseExposition(deepPage()));
  assert.ok(r);
  assert.equal(r.smActive, 87.5);
  assert.equal(r.smOccupancy, 25);
  assert.equal(r.tensorActive, 50);
  assert.equal(r.dramActive, 62.5);
  assert.equal(r.fp64Active, 0);
  assert.equal(r.fp32Active, 12.5);
  assert.equal(r.fp16Active, 37.5);
  assert.equal(r.pcieTxBytesPerSecond, 1e6);
  assert.equal(r.pcieRxBytesPerSecond, 2e6);
  assert.equal(r.nvlinkTxBytesPerSecond, 3e10);
  assert.equal(r.nvlinkRxBytesPerSecond, 4e10);
  assert.equal(r.memoryTemperatureCelsius, 54);
  assert.deepEqual([r.pcieLinkGen, r.pcieLinkGenMax, r.pcieLinkWidth, r.pcieLinkWidthMax], [5, 5, 16, 16]);
  assert.equal(r.bar1UsedBytes, 17 * MIB);
  assert.equal(r.pcieReplays, 3);
  // ns → s; the blank THERMAL_VIOLATION gives no sw_thermal_slowdown entry.
  assert.deepEqual(r.clockEventSeconds, { sw_power_cap: 2.5, hw_thermal_slowdown: 0.001 });
  const out: Sample[] = [];
  emitReading(r, 0, out);
  assert.deepEqual(
    out.filter((s) => s.name === 'gpu_clock_event_seconds').map((s) => [s.labels['reason'], s.v]),
    [
      ['sw_power_cap', 2.5],
      ['hw_thermal_slowdown', 0.001],
    ],
  );
  assert.deepEqual(
    out.filter((s) => s.name === 'gpu_pipe_active').map((s) => [s.labels['pipe'], s.v]),
    [
      ['tensor', 50],
      ['fp64', 0],
      ['fp32', 12.5],
      ['fp16', 37.5],
    ],
  );
});

void test('a per-reason *_NS counter wins over the older *_VIOLATION one, whatever their order on the page', () => {
  for (const lines of [
    ['DCGM_FI_DEV_POWER_VIOLATION{gpu="0"} 5000000000', 'DCGM_FI_DEV_CLOCKS_EVENT_REASON_SW_POWER_CAP_NS{gpu="0"} 7000000000'],
    ['DCGM_FI_DEV_CLOCKS_EVENT_REASON_SW_POWER_CAP_NS{gpu="0"} 7000000000', 'DCGM_FI_DEV_POWER_VIOLATION{gpu="0"} 5000000000'],
  ]) {
    const [r] = dcgmReadings(parseExposition(lines.join('\n') + '\n'));
    assert.deepEqual(r?.clockEventSeconds, { sw_power_cap: 7 });
  }
});

void test('hostile pages: sample names that are Object.prototype keys are not fields; GPUs per page are capped', () => {
  const page = ['hasOwnProperty{gpu="0"} 1', 'constructor{gpu="0"} 1', 'toString{gpu="0"} 1', 'DCGM_FI_DEV_GPU_UTIL{gpu="0"} 5', ''].join('\n');
  const rs = dcgmReadings(parseExposition(page));
  assert.deepEqual(
    rs.map((r) => [r.index, r.utilization]),
    [['0', 5]],
  );
  const many: string[] = [];
  for (let i = 0; i < MAX_DCGM_GPUS + 50; i++) many.push(`DCGM_FI_DEV_GPU_UTIL{gpu="${i}"} 1`);
  const capped = dcgmReadings(parseExposition(many.join('\n') + '\n'));
  assert.equal(capped.length, MAX_DCGM_GPUS);
  assert.equal(capped.at(-1)?.index, String(MAX_DCGM_GPUS - 1));
});

void test('DcgmSource over a real 127.0.0.1 exporter: the deep samples reach the output', async (t) => {
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    res.end(deepPage());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  t.after(() => server.closeAllConnections());
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/metrics`;
  const clock = new ManualClock(1000);
  const src = new DcgmSource({ url, timeoutMs: 5000, clock });
  const out: Sample[] = [];
  assert.equal(await src.collect(9, AbortSignal.timeout(10_000), out), 1);
  assert.equal(src.lastError, undefined);
  assert.equal(src.lastSuccessAt, 1000);
  const v = (name: string, extra: Record<string, string> = {}): number | undefined =>
    out.find((s) => s.name === name && Object.entries(extra).every(([k, x]) => s.labels[k] === x))?.v;
  assert.equal(v('gpu_sm_active'), 87.5);
  assert.equal(v('gpu_sm_occupancy'), 25);
  assert.equal(v('gpu_dram_active'), 62.5);
  assert.equal(v('gpu_pipe_active', { pipe: 'tensor' }), 50);
  assert.equal(v('gpu_nvlink_bytes_per_second', { direction: 'rx' }), 4e10);
  assert.equal(v('gpu_pcie_link_width'), 16);
  assert.equal(v('gpu_bar1_used_bytes'), 17 * MIB);
  assert.equal(v('gpu_clock_event_seconds', { reason: 'sw_power_cap' }), 2.5);
  assert.ok(out.every((s) => s.t === 9 && s.labels['gpu'] === '0' && s.labels['uuid'] === 'GPU-h'));
});
