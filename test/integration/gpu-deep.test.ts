/**
 * GPU deep readings against real child processes: the fake nvidia-smi
 * (test/fixtures/bin) replaying the H200 (driver 580.159.04) captures for
 * query-gpu, dmon and pmon. Expected figures are read from the captures here,
 * independently of the collector's parsers. Waits are bounded; each test ends
 * itself in seconds.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createGpuCollector, type GpuCollector, type GpuCollectorOptions } from '../../src/collect/gpu/index.js';
import { ManualClock } from '../../src/core/clock.js';
import { MemoryLogger } from '../../src/core/logger.js';
import type { Sample } from '../../src/core/types.js';
import { until } from '../helpers/processes.js';
import { invocations, tempLog } from '../helpers/fakeTool.js';

const BIN = fileURLToPath(new URL('../fixtures/bin', import.meta.url));
const MIB = 1048576;
const fixture = (name: string): string => readFileSync(new URL(`../fixtures/engines/nvidia-smi-h200-driver-580-${name}`, import.meta.url), 'utf8');

/** A dmon table capture as records of its columns (`-` stays a string). */
function dmonTable(name: string): Record<string, string>[] {
  const lines = fixture(name).split('\n').filter((l) => l.trim() !== '');
  const names = lines[0]!.replace(/^#/, '').trim().split(/\s+/);
  return lines.slice(2).map((l) => Object.fromEntries(l.trim().split(/\s+/).map((v, i) => [names[i]!, v])));
}



function open(t: TestContext, o: GpuCollectorOptions): GpuCollector {
  const c = createGpuCollector({ startupWaitMs: 8000, path: BIN, rocmSmi: false, intervalMs: 100, ...o });
  t.after(() => c.close());
  return c;
}

const signal = (): AbortSignal => AbortSignal.timeout(10_000);
const find = (ss: Sample[], name: string, labels: Record<string, string> = {}): Sample[] =>
  ss.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
const value = (ss: Sample[], name: string, labels: Record<string, string> = {}): number | undefined => {
  const m = find(ss, name, labels);
  assert.ok(m.length <= 1, `${name} ${JSON.stringify(labels)} is one series`);
  return m[0]?.v;
};

const H200_ENV = { FAKE_NVIDIA_SMI_MODEL: 'h200', FAKE_NVIDIA_SMI_GPUS: '2' };

void test('H200: the query loop carries the deep fields and dmon adds violations, BAR1, replays and PCIe throughput, each equal to the capture in base units', async (t) => {
  const log = tempLog(t);
  const c = open(t, { deepIntervalS: 1, env: { ...process.env, ...H200_ENV, FAKE_NVIDIA_SMI_LOG: log } });
  let ss: Sample[] = [];
  await until(async () => {
    ss = await c.collect(Date.now(), signal());
    return find(ss, 'gpu_bar1_used_bytes').length === 2;
  }, 'dmon figures for both GPUs');
  const g0 = { gpu: '0' };
  const g1 = { gpu: '1' };

  // query-gpu-extra-load.csv (the load GPU) and -extra-idle.csv.
  assert.equal(value(ss, 'gpu_memory_temperature_celsius', g0), 51);
  assert.equal(value(ss, 'gpu_memory_temperature_celsius', g1), 42);
  assert.equal(value(ss, 'gpu_pcie_link_generation', g0), 5);
  assert.equal(value(ss, 'gpu_pcie_link_generation_max', g0), 5);
  assert.equal(value(ss, 'gpu_pcie_link_width', g0), 16);
  assert.equal(value(ss, 'gpu_pcie_link_width_max', g0), 16);
  assert.equal(value(ss, 'gpu_mig_enabled', g0), 0);
  assert.equal(value(ss, 'gpu_sm_clock_max_hz', g0), 1980e6);
  // q-x-load.xml: every media block 0 %.
  for (const block of ['encoder', 'decoder', 'jpeg', 'ofa']) assert.equal(value(ss, 'gpu_media_utilization', { ...g0, block }), 0, block);
  // q-perf-load.txt: SW Power Capping 5528715 us.
  assert.equal(value(ss, 'gpu_clock_event_seconds', { ...g0, reason: 'sw_power_cap' }), 5.528715);
  assert.equal(value(ss, 'gpu_clock_event_seconds', { ...g0, reason: 'hw_thermal_slowdown' }), 0);
  assert.deepEqual(find(ss, 'gpu_clock_event_seconds', g1), [], '[N/A] counters give no sample');
  assert.equal(value(ss, 'gpu_fan_speed', g0), undefined, '[N/A] fan gives no sample');
  assert.deepEqual(
    find(ss, 'gpu_throttle_active', g0).map((s) => s.labels['reason']),
    ['sw_power_cap'],
    'throttle reasons by name still come from the one bitmask',
  );

  // dmon-loop-load.txt (GPU 0 cycles its rows) and dmon-idle.txt (GPU 1).
  const dmon0 = {
    pviol: value(ss, 'gpu_power_violation', g0),
    tviol: value(ss, 'gpu_thermal_violation', g0),
    bar1: value(ss, 'gpu_bar1_used_bytes', g0),
    pci: value(ss, 'gpu_pcie_replays', g0),
    rxpci: value(ss, 'gpu_pcie_bytes_per_second', { ...g0, direction: 'rx' }),
    txpci: value(ss, 'gpu_pcie_bytes_per_second', { ...g0, direction: 'tx' }),
  };
  const asFigures = (r: Record<string, string>): typeof dmon0 => ({
    pviol: Number(r['pviol']),
    tviol: Number(r['tviol']),
    bar1: Number(r['bar1']) * MIB,
    pci: Number(r['pci']),
    rxpci: Number(r['rxpci']) * MIB,
    txpci: Number(r['txpci']) * MIB,
  });
  assert.ok(
    dmonTable('dmon-loop-load.txt').some((r) => JSON.stringify(asFigures(r)) === JSON.stringify(dmon0)),
    `GPU 0's dmon figures are one row of the capture: ${JSON.stringify(dmon0)}`,
  );
  assert.equal(value(ss, 'gpu_bar1_used_bytes', g1), Number(dmonTable('dmon-idle.txt')[0]!['bar1']) * MIB);
  assert.equal(value(ss, 'gpu_pcie_replays', g1), 2);
  // The GPM columns print `-` in that VM: no SM-activity, pipe or NVLink samples at all.
  for (const name of ['gpu_sm_active', 'gpu_sm_occupancy', 'gpu_pipe_active', 'gpu_dram_active', 'gpu_nvlink_bytes_per_second']) {
    assert.deepEqual(find(ss, name), [], name);
  }
  // One reading per GPU: dmon merges into the query row's identity.
  assert.deepEqual(find(ss, 'gpu_bar1_used_bytes', g0)[0]!.labels, { gpu: '0', uuid: 'GPU-00000000-0000-0000-0000-000000000000', name: 'NVIDIA H200' });
  assert.equal(value(ss, 'gpu_count'), 2);

  const nv = c.status().sources[0]!;
  assert.deepEqual(
    nv.children.map((ch) => [ch.label, ch.state]),
    [
      ['nvidia-smi --query-gpu', 'running'],
      ['nvidia-smi --query-compute-apps', 'running'],
      ['nvidia-smi dmon', 'running'],
    ],
  );
  assert.deepEqual(nv.droppedFields, []);
  assert.deepEqual(nv.droppedDmonOptions, []);
  assert.ok(nv.fields.includes('clocks_event_reasons_counters.sw_power_cap'));
  assert.equal(invocations(log).filter((a) => a[0] === 'pmon').length, 0, 'pmon is off by default');
});

void test('deep_interval 0 starts no dmon child; its figures are absent', async (t) => {
  const log = tempLog(t);
  const c = open(t, { deepIntervalS: 0, env: { ...process.env, ...H200_ENV, FAKE_NVIDIA_SMI_LOG: log } });
  const ss = await c.collect(Date.now(), signal());
  assert.equal(value(ss, 'gpu_memory_temperature_celsius', { gpu: '0' }), 51, 'the query loop still carries its deep fields');
  await new Promise((r) => setTimeout(r, 300));
  const again = await c.collect(Date.now(), signal());
  assert.deepEqual(find(again, 'gpu_bar1_used_bytes'), []);
  assert.deepEqual(find(again, 'gpu_power_violation'), []);
  const calls = invocations(log);
  assert.equal(calls.length, 2);
  assert.deepEqual(calls.map((a) => a[0]!.split('=')[0]).sort(), ['--query-compute-apps', '--query-gpu']);
  assert.equal(c.status().sources[0]!.children.length, 2);
});

void test('an older driver rejects --gpm-metrics and --format: dmon restarts at once without each, said once at info, and reads the table form', async (t) => {
  const log = tempLog(t);
  const logger = new MemoryLogger();
  const c = open(t, { deepIntervalS: 1, logger, env: { ...process.env, ...H200_ENV, FAKE_NVIDIA_SMI_OLD_DMON: '1', FAKE_NVIDIA_SMI_LOG: log } });
  let ss: Sample[] = [];
  await until(async () => {
    ss = await c.collect(Date.now(), signal());
    return find(ss, 'gpu_bar1_used_bytes').length === 2;
  }, 'dmon figures from the table form');
  assert.equal(value(ss, 'gpu_pcie_replays', { gpu: '1' }), 2);
  const nv = c.status().sources[0]!;
  assert.deepEqual(nv.droppedDmonOptions, ['--gpm-metrics', '--format']);
  const dmon = nv.children.find((ch) => ch.label === 'nvidia-smi dmon')!;
  assert.equal(dmon.state, 'running');
  assert.equal(dmon.restarts, 0, 'a changed command line is not a crash restart');
  assert.deepEqual(dmon.args, ['dmon', '-s', 'vmet', '-d', '1']);
  assert.equal(c.status().state, 'ok');
  assert.deepEqual(
    invocations(log).filter((a) => a[0] === 'dmon'),
    [
      ['dmon', '-s', 'vmet', '--gpm-metrics', '2,3,5,10,11,12,13,20,21,60,61', '--format', 'csv,nounit', '-d', '1'],
      ['dmon', '-s', 'vmet', '--format', 'csv,nounit', '-d', '1'],
      ['dmon', '-s', 'vmet', '-d', '1'],
    ],
  );
  assert.deepEqual(
    logger.lines.filter((l) => l.msg.startsWith('nvidia-smi dmon')).map((l) => [l.level, l.msg]),
    [
      ['info', 'nvidia-smi dmon: option --gpm-metrics is not supported by this driver; running dmon without it'],
      ['info', 'nvidia-smi dmon: option --format is not supported by this driver; running dmon without it'],
    ],
  );
});

void test('process_interval > 0: pmon adds per-process SM and memory % to the compute-apps rows of the same GPU and pid', async (t) => {
  const log = tempLog(t);
  const c = open(t, { deepIntervalS: 0, processIntervalS: 1, env: { ...process.env, ...H200_ENV, FAKE_NVIDIA_SMI_LOG: log } });
  let ss: Sample[] = [];
  await until(async () => {
    ss = await c.collect(Date.now(), signal());
    return find(ss, 'gpu_process_sm_utilization').length === 1;
  }, 'a pmon share joined to the compute-apps row');
  // query-compute-apps-load.csv: pid 543, python3, 11242 MiB; pmon-loop-load.txt: sm 98, mem 24.
  const labels = { gpu: '0', uuid: 'GPU-00000000-0000-0000-0000-000000000000', pid: '543', process: 'python3' };
  assert.equal(value(ss, 'gpu_process_memory_bytes', labels), 11242 * MIB);
  assert.equal(value(ss, 'gpu_process_sm_utilization', labels), 98);
  assert.equal(value(ss, 'gpu_process_memory_utilization', labels), 24);
  const pmon = c.status().sources[0]!.children.find((ch) => ch.label === 'nvidia-smi pmon')!;
  assert.deepEqual(pmon.args, ['pmon', '-s', 'u', '-d', '1']);
  assert.equal(pmon.state, 'running');
  assert.deepEqual(
    invocations(log).filter((a) => a[0] === 'pmon'),
    [['pmon', '-s', 'u', '-d', '1']],
  );
});

void test('a dmon figure older than 3 deep intervals is left out; the query figures stay', async (t) => {
  const clock = new ManualClock(1_000_000);
  // dmon prints its first row at once and the next only 10 s later (real time).
  const c = open(t, { clock, deepIntervalS: 10, env: { ...process.env, ...H200_ENV, FAKE_NVIDIA_SMI_GPUS: '1', FAKE_NVIDIA_SMI_APPS: '0' } });
  await until(async () => find(await c.collect(clock.now(), signal()), 'gpu_bar1_used_bytes').length === 1, 'the first dmon row');
  await clock.advance(30_000);
  let ss: Sample[] = [];
  await until(async () => {
    ss = await c.collect(clock.now(), signal());
    return find(ss, 'gpu_bar1_used_bytes').length === 1 && find(ss, 'gpu_utilization').length === 1;
  }, 'fresh query rows at 3 deep intervals');
  await clock.advance(1);
  await until(async () => {
    ss = await c.collect(clock.now(), signal());
    return find(ss, 'gpu_utilization').length === 1;
  }, 'a fresh query row after the dmon figure went stale');
  assert.deepEqual(find(ss, 'gpu_bar1_used_bytes'), []);
  assert.deepEqual(find(ss, 'gpu_power_violation'), []);
  assert.equal(value(ss, 'gpu_memory_temperature_celsius'), 51);
});

void test('bad deepIntervalS / processIntervalS are rejected with the field, the value and the range', () => {
  assert.throws(() => createGpuCollector({ path: '', deepIntervalS: 1.5 }), /deepIntervalS must be an integer from 0 \(off\) to 3600 s, got 1\.5/);
  assert.throws(() => createGpuCollector({ path: '', processIntervalS: 11 }), /processIntervalS must be an integer from 0 \(off\) to 10 s, got 11/);
});

void test('a GPU without dmon and pmon: each is given up after 3 failed starts, said once, and the source stays ok with its query readings', async (t) => {
  const logger = new MemoryLogger();
  const c = open(t, {
    deepIntervalS: 1,
    processIntervalS: 1,
    logger,
    backoff: { initialMs: 20, maxMs: 40 },
    env: { ...process.env, ...H200_ENV, FAKE_NVIDIA_SMI_NO_MONITOR: '1' },
  });
  const stopped = (): string[] => c.status().sources[0]!.children.filter((ch) => ch.state === 'stopped').map((ch) => ch.label);
  let ss: Sample[] = [];
  await until(async () => {
    ss = await c.collect(Date.now(), signal());
    return stopped().length === 2;
  }, 'dmon and pmon given up');
  assert.deepEqual(stopped().sort(), ['nvidia-smi dmon', 'nvidia-smi pmon']);
  const dmon = c.status().sources[0]!.children.find((ch) => ch.label === 'nvidia-smi dmon')!;
  assert.match(dmon.lastError ?? '', /exited with code 3: Failed to initialize: Not Supported/);
  assert.equal(dmon.restarts, 2, 'three starts: the first and two restarts');
  assert.equal(c.status().state, 'ok');
  assert.equal(find(ss, 'gpu_utilization').length, 2, 'the query loop still reads both GPUs');
  assert.equal(find(ss, 'gpu_bar1_used_bytes').length, 0);
  const gaveUp = logger.lines.filter((l) => /given up after 3 failed starts/.test(l.msg));
  assert.equal(gaveUp.length, 2);
  assert.ok(gaveUp.every((l) => l.level === 'info'));
});
