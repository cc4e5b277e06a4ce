import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseExposition } from '../../core/exposition/index.js';
import type { Sample } from '../../core/types.js';
import { dcgmReadings } from './dcgm.js';
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
