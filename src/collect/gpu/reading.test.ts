import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Sample } from '../../core/types.js';
import { decodeThrottleReasons, emitProcesses, emitReading, emptyReading, MIB, parseHexMask, parseNumber, parseText } from './reading.js';

void test('throttle bitmask decodes to NVML reason names in bit order', () => {
  assert.deepEqual(decodeThrottleReasons(0), []);
  assert.deepEqual(decodeThrottleReasons(0x1), ['gpu_idle']);
  assert.deepEqual(decodeThrottleReasons(0x44), ['sw_power_cap', 'hw_thermal_slowdown']);
  assert.deepEqual(decodeThrottleReasons(0x1ff), [
    'gpu_idle',
    'applications_clocks_setting',
    'sw_power_cap',
    'hw_slowdown',
    'sync_boost',
    'sw_thermal_slowdown',
    'hw_thermal_slowdown',
    'hw_power_brake_slowdown',
    'display_clock_setting',
  ]);
  assert.deepEqual(decodeThrottleReasons(0x200), []); // unknown bit: ignored
});

void test('parseNumber: units dropped; every not-available spelling is undefined, never 0', () => {
  assert.equal(parseNumber('81559 MiB'), 81559);
  assert.equal(parseNumber(' 631.95 W'), 631.95);
  assert.equal(parseNumber('100 %'), 100);
  assert.equal(parseNumber('45.0'), 45);
  for (const na of ['[N/A]', '[Not Supported]', 'N/A', 'N/A (Secondary die)', '', '  ', '[Requested functionality has been deprecated]', 'P0', 'Enabled']) {
    assert.equal(parseNumber(na), undefined, na);
  }
  assert.equal(parseHexMask('0x0000000000000041'), 0x41);
  assert.equal(parseHexMask('0x1FF'), 0x1ff);
  assert.equal(parseHexMask('[N/A]'), undefined);
  assert.equal(parseText('[N/A]'), undefined);
  assert.equal(parseText(' GPU-1 '), 'GPU-1');
});

void test('emitReading: base-unit samples labelled gpu/uuid/name, usage from bytes, one sample per active reason', () => {
  const r = emptyReading('0');
  r.uuid = 'GPU-1';
  r.name = 'NVIDIA H100 80GB HBM3';
  r.utilization = 87;
  r.memoryUsedBytes = 20 * MIB;
  r.memoryTotalBytes = 80 * MIB;
  r.throttleReasons = 0x44;
  r.eccCorrected = 3;
  r.eccUncorrected = 0;
  const out: Sample[] = [];
  emitReading(r, 1000, out);
  const base = { gpu: '0', uuid: 'GPU-1', name: 'NVIDIA H100 80GB HBM3' };
  assert.deepEqual(out, [
    { name: 'gpu_utilization', labels: base, t: 1000, v: 87 },
    { name: 'gpu_memory_used_bytes', labels: base, t: 1000, v: 20 * MIB },
    { name: 'gpu_memory_total_bytes', labels: base, t: 1000, v: 80 * MIB },
    { name: 'gpu_memory_usage', labels: base, t: 1000, v: 25 },
    { name: 'gpu_throttle_active', labels: { ...base, reason: 'sw_power_cap' }, t: 1000, v: 1 },
    { name: 'gpu_throttle_active', labels: { ...base, reason: 'hw_thermal_slowdown' }, t: 1000, v: 1 },
    { name: 'gpu_ecc_errors', labels: { ...base, type: 'corrected' }, t: 1000, v: 3 },
    { name: 'gpu_ecc_errors', labels: { ...base, type: 'uncorrected' }, t: 1000, v: 0 },
  ]);
});

void test('emitReading: an empty reading gives nothing; missing uuid/name leave only the gpu label', () => {
  const out: Sample[] = [];
  emitReading(emptyReading('3'), 0, out);
  assert.deepEqual(out, []);
  const r = emptyReading('3');
  r.temperatureCelsius = 50;
  r.memoryUsagePercent = 12;
  emitReading(r, 0, out);
  assert.deepEqual(out, [
    { name: 'gpu_memory_usage', labels: { gpu: '3' }, t: 0, v: 12 },
    { name: 'gpu_temperature_celsius', labels: { gpu: '3' }, t: 0, v: 50 },
  ]);
});

void test('emitProcesses: gpu label from the UUID when known', () => {
  const out: Sample[] = [];
  emitProcesses(
    [
      { pid: '11', process: 'python', uuid: 'GPU-1', usedBytes: 5 },
      { pid: '12', process: 'x'.repeat(300), uuid: 'GPU-9', usedBytes: 6 },
    ],
    (u) => (u === 'GPU-1' ? '0' : undefined),
    7,
    out,
  );
  assert.deepEqual(out[0], { name: 'gpu_process_memory_bytes', labels: { gpu: '0', uuid: 'GPU-1', pid: '11', process: 'python' }, t: 7, v: 5 });
  assert.equal(out[1]!.labels['gpu'], undefined);
  assert.equal(out[1]!.labels['process']!.length, 256);
});
