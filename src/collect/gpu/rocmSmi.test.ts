import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ManualClock } from '../../core/clock.js';
import type { Sample } from '../../core/types.js';
import { emitReading, MHZ } from './reading.js';
import { MAX_ROCM_CARDS, parseRocmSmiJson, RocmSmiSource } from './rocmSmi.js';

const fixture = (name: string): string => readFileSync(new URL(`../../../test/fixtures/engines/${name}`, import.meta.url), 'utf8');

void test('MI100, ROCm 6.0.2: four cards, VRAM bytes, "GPU memory use (%)" as memory busy', () => {
  const rs = parseRocmSmiJson(fixture('rocm-smi-json-mi100_rocm602.json'));
  assert.deepEqual(
    rs.map((r) => r.index),
    ['0', '1', '2', '3'],
  );
  const c0 = rs[0]!;
  assert.equal(c0.uuid, '0x79ccd55167a2124a');
  assert.equal(c0.name, 'Arcturus GL-XL [Instinct MI100]');
  assert.equal(c0.utilization, 0);
  assert.equal(c0.memoryUtilization, 0);
  assert.equal(c0.memoryTotalBytes, 34342961152);
  assert.equal(c0.memoryUsedBytes, 6750208);
  assert.equal(c0.temperatureCelsius, 53);
  assert.equal(c0.powerDrawWatts, 36);
  assert.equal(c0.powerLimitWatts, 290);
  assert.equal(c0.smClockHz, 300 * MHZ);
  assert.equal(c0.memoryClockHz, 1200 * MHZ);
  assert.deepEqual(
    rs.map((r) => [r.temperatureCelsius, r.powerDrawWatts]),
    [
      [53, 36],
      [55, 44],
      [54, 43],
      [51, 39],
    ],
  );
});

void test('RX 6700 XT, ROCm 6.1.2: Device Name, VRAM% and Read/Write Activity keys; usage computed from bytes', () => {
  const [r, ...rest] = parseRocmSmiJson(fixture('rocm-smi-json-rx6700xt_rocm612.json'));
  assert.equal(rest.length, 0);
  assert.ok(r);
  assert.equal(r.name, 'Navi 22 [Radeon RX 6700/6700 XT / 6800M]');
  assert.equal(r.uuid, undefined); // "N/A"
  assert.equal(r.memoryUsagePercent, 12);
  assert.equal(r.memoryUtilization, 0);
  assert.equal(r.memoryUsedBytes, 1572745216);
  assert.equal(r.memoryTotalBytes, 12868124672);
  assert.equal(r.smClockHz, 0); // "(0Mhz)": a real 0, not a missing value
  assert.equal(r.temperatureCelsius, 45);
  const out: Sample[] = [];
  emitReading(r, 0, out);
  const usage = out.find((s) => s.name === 'gpu_memory_usage')!;
  assert.ok(Math.abs(usage.v - (1572745216 / 12868124672) * 100) < 1e-9);
  assert.deepEqual(usage.labels, { gpu: '0', name: 'Navi 22 [Radeon RX 6700/6700 XT / 6800M]' });
});

void test('RX 6700 XT, ROCm 4.3.0: old key set, HBM sensors "N/A"', () => {
  const [r] = parseRocmSmiJson(fixture('rocm-smi-json-rx6700xt_rocm430.json'));
  assert.ok(r);
  assert.equal(r.memoryUsedBytes, 1622728704);
  assert.equal(r.powerDrawWatts, 6);
  assert.equal(r.powerLimitWatts, 211);
  assert.equal(r.smClockHz, 500 * MHZ);
  assert.equal(r.memoryClockHz, 96 * MHZ);
  assert.equal(r.temperatureCelsius, 45);
  assert.equal(r.utilization, 0);
});

void test('MI250 `-a --json` single line: no VRAM bytes in -a, so no memory bytes samples', () => {
  const rs = parseRocmSmiJson(fixture('rocm-smi-a-json-mi250-single-line.json'));
  assert.equal(rs.length, 1);
  const r = rs[0]!;
  assert.equal(r.name, 'AMD INSTINCT MI250 (MCM) OAM AC MBA');
  assert.equal(r.uuid, '0x719d230578348e8c');
  assert.equal(r.temperatureCelsius, 32);
  assert.equal(r.powerDrawWatts, 89);
  assert.equal(r.powerLimitWatts, 560);
  assert.equal(r.smClockHz, 800 * MHZ);
  assert.equal(r.memoryClockHz, 1600 * MHZ);
  assert.equal(r.memoryUsedBytes, undefined);
  const out: Sample[] = [];
  emitReading(r, 0, out);
  assert.ok(!out.some((s) => s.name.startsWith('gpu_memory_used') || s.name === 'gpu_memory_usage'));
});

void test('MI300X-style keys: Current Socket power, no edge sensor (junction used), secondary die N/A', () => {
  const text =
    'WARNING: something the tool printed first\n' +
    JSON.stringify({
      card0: { 'Current Socket Graphics Package Power (W)': '140.0', 'Temperature (Sensor junction) (C)': '40.0', 'GPU use (%)': '3' },
      card1: { 'Average Graphics Package Power (W)': 'N/A (Secondary die)', 'GPU use (%)': '0' },
      system: { 'Driver version': '6.8.5' },
    });
  const [a, b] = parseRocmSmiJson(text);
  assert.equal(a?.powerDrawWatts, 140);
  assert.equal(a?.temperatureCelsius, 40);
  assert.equal(b?.powerDrawWatts, undefined);
  assert.equal(b?.utilization, 0);
});

void test('the --csv output (marimo #9237) is not what the collector asks for: a clear error, not garbage', () => {
  assert.throws(() => parseRocmSmiJson(fixture('rocm-smi-csv-rx7900xt-marimo-issue9237.csv')), /rocm-smi printed no JSON object/);
  assert.throws(() => parseRocmSmiJson('[1,2]'), /printed no JSON object|not an object/);
});

void test('deep figures from the real captures: memory temperature, PCIe replays, PCIe link from "pcie clock level"', () => {
  const mi100 = parseRocmSmiJson(fixture('rocm-smi-json-mi100_rocm602.json'));
  assert.deepEqual(
    mi100.map((r) => [r.memoryTemperatureCelsius, r.pcieReplays, r.pcieLinkGen, r.pcieLinkWidth]),
    [
      [53, 0, 4, 16],
      [54, 0, 4, 16],
      [55, 0, 4, 16],
      [50, 0, 4, 16],
    ],
  );
  const [rx612] = parseRocmSmiJson(fixture('rocm-smi-json-rx6700xt_rocm612.json'));
  assert.deepEqual([rx612?.memoryTemperatureCelsius, rx612?.pcieReplays, rx612?.pcieLinkGen, rx612?.pcieLinkWidth], [46, 0, 4, 16]);
  const [rx430] = parseRocmSmiJson(fixture('rocm-smi-json-rx6700xt_rocm430.json'));
  assert.deepEqual([rx430?.memoryTemperatureCelsius, rx430?.pcieReplays, rx430?.pcieLinkGen, rx430?.pcieLinkWidth], [46, 0, 4, 16]);
  // -a on the MI250: replays and memory temperature, but no "pcie clock level" and an accumulator
  // under "Memory Activity" that must not become a percentage.
  const [mi250] = parseRocmSmiJson(fixture('rocm-smi-a-json-mi250-single-line.json'));
  assert.ok(mi250);
  assert.equal(mi250.pcieReplays, 147);
  assert.equal(mi250.memoryTemperatureCelsius, 43);
  assert.equal(mi250.memoryUtilization, 0); // "GPU memory use (%)", not "Memory Activity" 2189510857
  assert.equal(mi250.pcieLinkGen, undefined);
  assert.equal(mi250.pcieLinkWidth, undefined);
  // rocm-smi gives no PCIe or NVLink throughput, SM activity or violation time: absent, not 0.
  for (const k of ['pcieRxBytesPerSecond', 'pcieTxBytesPerSecond', 'smActive', 'dramActive', 'clockEventSeconds', 'bar1UsedBytes'] as const) {
    assert.equal(mi250[k], undefined, k);
  }
  const out: Sample[] = [];
  emitReading(mi250, 0, out);
  assert.equal(out.find((s) => s.name === 'gpu_pcie_replays')?.v, 147);
  assert.equal(out.find((s) => s.name === 'gpu_memory_temperature_celsius')?.v, 43);
});

void test('"pcie clock level" spellings: unknown speeds give no generation; hostile card counts are capped', () => {
  const [a, b, c] = parseRocmSmiJson(
    JSON.stringify({
      card0: { 'pcie clock level': '2 (32.0GT/s x8)' },
      card1: { 'pcie clock level': '0 (12.5GT/s x4)' },
      card2: { 'pcie clock level': 'N/A' },
    }),
  );
  assert.deepEqual([a?.pcieLinkGen, a?.pcieLinkWidth], [5, 8]);
  assert.deepEqual([b?.pcieLinkGen, b?.pcieLinkWidth], [undefined, 4]);
  assert.deepEqual([c?.pcieLinkGen, c?.pcieLinkWidth], [undefined, undefined]);
  const many: Record<string, object> = {};
  for (let i = 0; i < MAX_ROCM_CARDS + 10; i++) many[`card${i}`] = { 'GPU use (%)': '1' };
  assert.equal(parseRocmSmiJson(JSON.stringify(many)).length, MAX_ROCM_CARDS);
});

void test('RocmSmiSource through the fake rocm-smi: asks for the replay count in the same run; deep samples out', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'echo-perf-rocm-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const log = join(dir, 'args.jsonl');
  const src = new RocmSmiSource({
    binary: fileURLToPath(new URL('../../../test/fixtures/bin/rocm-smi', import.meta.url)),
    timeoutMs: 10_000,
    clock: new ManualClock(5),
    env: { ...process.env, FAKE_ROCM_SMI_LOG: log, FAKE_ROCM_SMI_FIXTURE: 'rocm-smi-json-rx6700xt_rocm612.json' },
  });
  const out: Sample[] = [];
  assert.equal(await src.collect(3, AbortSignal.timeout(15_000), out), 1);
  assert.equal(src.lastError, undefined);
  const args = readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as string[]);
  assert.equal(args.length, 1);
  assert.ok(args[0]!.includes('--showreplaycount'));
  const v = (name: string): number | undefined => out.find((s) => s.name === name)?.v;
  assert.equal(v('gpu_memory_temperature_celsius'), 46);
  assert.equal(v('gpu_pcie_replays'), 0);
  assert.equal(v('gpu_pcie_link_generation'), 4);
  assert.equal(v('gpu_pcie_link_width'), 16);
  assert.equal(v('gpu_memory_utilization'), 0);
  assert.ok(!out.some((s) => s.name === 'gpu_pcie_bytes_per_second'));
});
