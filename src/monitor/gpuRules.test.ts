import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ManualClock } from '../core/clock.js';
import type { CollectedSample, Sample } from '../core/types.js';
import { parseNvidiaSmiCsv } from '../collect/gpu/nvidiaCsv.js';
import { H200_QUERY_FIELDS } from '../../test/helpers/h200.js';
import { emitReading, type GpuReading } from '../collect/gpu/reading.js';
import { UnifiedPerformanceMonitor } from './unifiedMonitor.js';

// The H200 captures (test/fixtures/engines/SOURCES.md): the collector's query-gpu row idle and under
// a bf16 matmul load, and `dmon -s pucvmet` rows (pviol = % of the period at the power cap, pci = replays).
const FIX = new URL('../../test/fixtures/engines/', import.meta.url);
const FIELDS = H200_QUERY_FIELDS;
function capture(name: string): GpuReading {
  const r = parseNvidiaSmiCsv(readFileSync(new URL(`nvidia-smi-h200-driver-580-${name}.csv`, FIX), 'utf8'), FIELDS);
  assert.equal(r.rejected, 0);
  return r.readings[0]!;
}
function dmonRows(name: string): Record<string, number>[] {
  const lines = readFileSync(new URL(`nvidia-smi-h200-driver-580-${name}.txt`, FIX), 'utf8').split('\n');
  const cols = lines[0]!.slice(1).trim().split(/\s+/);
  return lines.filter((l) => l.trim() !== '' && !l.startsWith('#')).map((l) => Object.fromEntries(l.trim().split(/\s+/).map((v, i) => [cols[i]!, Number(v)])));
}
const IDLE = capture('query-gpu-idle');
const LOAD = capture('query-gpu-load');
const LOAD_DMON = dmonRows('dmon-load');
const IDLE_DMON = dmonRows('dmon-idle');

/** A GPU as the collector and the analysis would write it: the reading's samples, the dmon replay counter, the power-capped share. */
function gpuSamples(r: GpuReading, extra: { pcieReplays?: number | undefined; powerCapped?: number | undefined } = {}): CollectedSample[] {
  const out: Sample[] = [];
  emitReading({ ...r, pcieReplays: extra.pcieReplays }, 0, out);
  const samples: CollectedSample[] = out.map((s) => ({ name: s.name, value: s.v, labels: { ...s.labels } }));
  if (extra.powerCapped !== undefined) samples.push({ name: 'gpu_power_capped', value: extra.powerCapped, labels: { gpu: r.index, uuid: r.uuid!, name: r.name! } });
  return samples;
}

interface Event {
  readonly at: number;
  readonly rule: string | undefined;
  readonly severity: string;
  readonly status: string;
  readonly message: string;
  readonly labels: Readonly<Record<string, string>> | undefined;
}

/** Runs a monitor (1-s ticks, ManualClock) whose `gpu` collector answers `at(second)`, for `seconds`. */
async function run(seconds: number, at: (s: number) => CollectedSample[]): Promise<Event[]> {
  const clock = new ManualClock(0);
  const m = new UnifiedPerformanceMonitor({ config: { log_level: 'silent', gpu: { enabled: false } }, clock, systemCollector: false });
  let s = 0;
  m.registerCollector('gpu', () => at(s++));
  const events: Event[] = [];
  m.registerAlertHandler((a) => void events.push({ at: clock.now(), rule: a.rule, severity: a.severity, status: a.status, message: a.message, labels: a.labels }));
  m.startMonitoring();
  await clock.advance(seconds * 1000);
  m.stopMonitoring();
  await m.flushAlerts();
  return events;
}

const mean = (rows: Record<string, number>[], k: string): number => rows.reduce((a, r) => a + r[k]!, 0) / rows.length;

test('H200 idle: no GPU rule fires', async () => {
  const events = await run(180, () => gpuSamples(IDLE, { pcieReplays: IDLE_DMON[0]!['pci'], powerCapped: mean(IDLE_DMON, 'pviol') }));
  assert.deepEqual(events, []);
});

test('H200 under full load at its power cap: gpu:power_capped is INFO naming the share; no GPU warning beyond the seed’s utilisation line', async () => {
  // Under load dmon's pviol reads 100 on every loaded row: the whole window at the cap.
  const loaded = LOAD_DMON.filter((r) => r['sm']! > 0);
  const events = await run(180, () => gpuSamples(LOAD, { pcieReplays: loaded[0]!['pci'], powerCapped: mean(loaded, 'pviol') }));
  const firing = events.filter((e) => e.status === 'firing');
  assert.deepEqual(firing.map((e) => [e.rule, e.severity]).sort(), [
    ['gpu:power_capped', 'info'],
    // The seed's PerformanceThresholds.maxGpuUtilization (95 %), unchanged.
    ['threshold:gpu_utilization', 'warning'],
  ]);
  const capped = firing.find((e) => e.rule === 'gpu:power_capped')!;
  assert.match(capped.message, /^gpu_power_capped\{gpu="0",name="NVIDIA H200",uuid="GPU-5fcc8910-[^"]+"\} 100 % above 50 % \(info\)$/);
  assert.equal(capped.at, 61_000, 'held default_for (60 s) from the first tick');
});

test('a thermal slowdown fires gpu:slowdown (WARNING) on that reason, and resolves once the reason is no longer reported', async () => {
  // The load row with hw_thermal_slowdown (0x40) set beside sw_power_cap (0x04) for 90 s, then the real load row again.
  const hot = { ...LOAD, throttleReasons: 0x44 };
  const events = await run(120, (s) => gpuSamples(s < 90 ? hot : LOAD));
  const slow = events.filter((e) => e.rule === 'gpu:slowdown');
  assert.deepEqual(slow.map((e) => [e.status, e.severity, e.labels?.['reason']]), [
    ['firing', 'warning', 'hw_thermal_slowdown'],
    ['resolved', 'warning', 'hw_thermal_slowdown'],
  ]);
  assert.equal(slow[0]!.at, 61_000);
  // Last sample at 90 s; stale after 3 readings of 1 s: resolved at the first tick past 93 s, not 5 minutes later.
  assert.ok(slow[1]!.at > 93_000 && slow[1]!.at <= 95_000, `resolved at ${slow[1]!.at}`);
  assert.match(slow[1]!.message, /^gpu_throttle_active\{.*reason="hw_thermal_slowdown".*\} no longer reported \(no sample for \d+ s\)/);
  assert.equal(events.filter((e) => e.labels?.['reason'] === 'sw_power_cap').length, 0, 'the power cap is not a slowdown');
});

test('uncorrected ECC errors rising fire gpu:ecc_uncorrected (CRITICAL) at once; a standing count and a counter reset do not', async () => {
  const events = await run(60, (s) => gpuSamples({ ...LOAD, eccUncorrected: s < 20 ? 3 : s < 40 ? 0 : 1 }));
  const ecc = events.filter((e) => e.rule === 'gpu:ecc_uncorrected');
  // 3 standing since start-up: quiet. Reset to 0 at 20 s (driver reload): quiet. 0 → 1 at 40 s: critical.
  assert.deepEqual(ecc.map((e) => [e.status, e.severity, e.at]), [['firing', 'critical', 41_000]]);
  assert.match(ecc[0]!.message, /^gpu_ecc_errors\{.*type="uncorrected".*\} increase over 600 s 1 errors above 0 errors \(critical\)$/);
  assert.equal(events.filter((e) => e.rule === 'gpu:ecc_uncorrected' && e.labels?.['type'] === 'corrected').length, 0);
});

test('PCIe replays rising fire gpu:pcie_replays (WARNING); the H200’s standing 2 replays do not', async () => {
  const events = await run(60, (s) => gpuSamples(LOAD, { pcieReplays: s < 30 ? 2 : 7 }));
  const pcie = events.filter((e) => e.rule === 'gpu:pcie_replays');
  assert.deepEqual(pcie.map((e) => [e.status, e.severity, e.at]), [['firing', 'warning', 31_000]]);
  assert.match(pcie[0]!.message, /increase over 600 s 5 replays above 0 replays \(warning\)$/);
});

test('GPU memory filling toward 95 % fires forecast:gpu_memory_usage before it is full; the load capture’s steady 8 % does not', async () => {
  const total = LOAD.memoryTotalBytes!;
  // From the load capture's 11251 MiB, +0.1 % of the card a second: 95 % in about 15 min.
  const events = await run(600, (s) => gpuSamples({ ...LOAD, memoryUsedBytes: LOAD.memoryUsedBytes! + (s * total) / 1000 }));
  const f = events.filter((e) => e.rule === 'forecast:gpu_memory_usage' && e.status === 'firing');
  assert.equal(f.length, 1);
  assert.ok(f[0]!.at < 600_000, `fired at ${f[0]!.at}`);
  assert.match(f[0]!.message, /^gpu_memory_usage\{gpu="0".*\} saturates \(95 %\) in \d+ min/);
  const steady = await run(300, () => gpuSamples(LOAD));
  assert.equal(steady.filter((e) => e.rule === 'forecast:gpu_memory_usage').length, 0);
});
