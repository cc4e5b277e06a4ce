import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { MIB } from '../../collect/gpu/reading.js';
import { h200Reading, h200ReplayCollector } from './h200Replay.js';

const FIX = new URL('../../../test/fixtures/engines/', import.meta.url);
const read = (name: string): string[] => readFileSync(new URL(`nvidia-smi-h200-driver-580-${name}`, FIX), 'utf8').split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));

test('the replayed rows are the captures’ rows, in base units', () => {
  const query = read('query-gpu-deep-loop-load.csv').slice(0, 5).map((l) => l.split(', '));
  const dmon = read('dmon-loop-load.txt').slice(0, 5).map((l) => l.trim().split(/\s+/).map(Number));
  for (let i = 0; i < 5; i++) {
    const r = h200Reading(i);
    const q = query[i]!;
    assert.deepEqual([r.uuid, r.name, r.utilization, r.memoryUsedBytes, r.temperatureCelsius, r.powerDrawWatts, r.powerLimitWatts, r.smClockHz, r.throttleReasons], [q[1], q[2], Number(q[3]), Number(q[4]) * MIB, Number(q[6]), Number(q[7]), Number(q[8]), Number(q[9]) * 1e6, parseInt(q[11]!, 16)]);
    assert.deepEqual([r.pcieLinkGen, r.pcieLinkWidth, r.memoryTemperatureCelsius], [Number(q[16]), Number(q[17]), Number(q[18])]);
    const d = dmon[i]!;
    // dmon columns: pviol (12), bar1 MB (15), pci replays (19), rxpci (20), txpci (21).
    assert.deepEqual([r.powerViolationPercent, r.bar1UsedBytes, r.pcieReplays, r.pcieRxBytesPerSecond, r.pcieTxBytesPerSecond], [d[12], d[15]! * MIB, d[19], d[20]! * MIB, d[21]! * MIB]);
  }
  assert.deepEqual(h200Reading(5), h200Reading(0), 'in a loop');
});

test('the collector answers the next row each call, with the collector’s names and labels', () => {
  const next = h200ReplayCollector();
  const first = next();
  const power = (s: typeof first) => s.find((x) => x.name === 'gpu_power_draw_watts')!.value;
  assert.equal(power(first), 692.07);
  assert.equal(power(next()), 690.93);
  assert.deepEqual(first.find((x) => x.name === 'gpu_throttle_active')!.labels, { gpu: '0', uuid: 'GPU-bced5929-bcff-66a2-d883-b400dc7b5a20', name: 'NVIDIA H200', reason: 'sw_power_cap' });
});
