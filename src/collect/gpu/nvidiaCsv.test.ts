import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  COMPUTE_APPS_FIELDS,
  ComputeAppsParser,
  CORE_FIELDS,
  FieldSet,
  GpuRowParser,
  invalidFieldIn,
  parseComputeAppsCsv,
  parseNvidiaSmiCsv,
  parseSmiTimestamp,
  splitRow,
} from './nvidiaCsv.js';
import { MHZ, MIB } from './reading.js';

const fixture = (name: string): string => readFileSync(new URL(`../../../test/fixtures/engines/${name}`, import.meta.url), 'utf8');
const CAPTURE = fixture('nvidia-smi-capture-h100-80gb-hbm3-driver-590.48.01.txt');

/** The lines of one section of the H100 capture (`# load :: query-gpu …`), up to the blank line after it. */
function section(title: string): string[] {
  const lines = CAPTURE.split('\n');
  let i = lines.findIndex((l) => l.startsWith(`# ${title}`));
  assert.notEqual(i, -1, `capture section ${title}`);
  while (!lines[i]!.startsWith('####')) i++;
  const out: string[] = [];
  for (i++; i < lines.length && lines[i]!.trim() !== ''; i++) out.push(lines[i]!);
  return out;
}

void test('H100 capture, load: the 212-field csv with header and units gives every figure in base units', () => {
  const rows = section('load :: query-gpu');
  const { fields, readings, rejected } = parseNvidiaSmiCsv(rows.join('\n'));
  assert.equal(fields.length, 212);
  assert.equal(fields[47], 'fan.speed'); // "fan.speed [%]": the unit is stripped from the name
  assert.equal(rejected, 0);
  assert.equal(readings.length, 1);
  const r = readings[0]!;
  assert.equal(r.index, '0');
  assert.equal(r.uuid, 'GPU-00000000-0000-0000-0000-000000000000');
  assert.equal(r.name, 'NVIDIA H100 80GB HBM3');
  assert.equal(r.utilization, 100);
  assert.equal(r.memoryUtilization, 11);
  assert.equal(r.memoryUsedBytes, 19818 * MIB);
  assert.equal(r.memoryTotalBytes, 81559 * MIB);
  assert.equal(r.temperatureCelsius, 59);
  assert.equal(r.powerDrawWatts, 631.95);
  assert.equal(r.powerLimitWatts, 700);
  assert.equal(r.smClockHz, 1980 * MHZ); // clocks.current.sm, the alias of clocks.sm
  assert.equal(r.memoryClockHz, 2619 * MHZ);
  assert.equal(r.fanSpeedPercent, undefined); // "[N/A]" on this H100
  assert.equal(r.throttleReasons, 0);
  assert.equal(r.eccCorrected, 0);
  assert.equal(r.eccUncorrected, 0);
});

void test('H100 capture, idle: clocks_event_reasons.active 0x…01 (gpu_idle) and idle figures', () => {
  const r = parseNvidiaSmiCsv(section('idle :: query-gpu').join('\n')).readings[0]!;
  assert.equal(r.throttleReasons, 1);
  assert.equal(r.utilization, 0);
  assert.equal(r.memoryUsedBytes, 0);
  assert.equal(r.temperatureCelsius, 41);
  assert.equal(r.powerDrawWatts, 69.85);
  assert.equal(r.smClockHz, 345 * MHZ);
});

void test('H100 capture, compute apps: three processes with their MiB as bytes; the idle section has none', () => {
  const rows = parseComputeAppsCsv(section('load :: query-compute-apps').join('\n'));
  assert.deepEqual(
    rows.map((r) => [r.pid, r.process, r.usedBytes, r.timestamp]),
    [
      ['11327', '/root/tools/memhog', 2566 * MIB, '2026/07/14 08:12:53.500'],
      ['11328', '/root/tools/memhog', 1542 * MIB, '2026/07/14 08:12:53.500'],
      ['11345', './gpu_burn', 15690 * MIB, '2026/07/14 08:12:53.500'],
    ],
  );
  assert.ok(rows.every((r) => r.uuid === 'GPU-00000000-0000-0000-0000-000000000000'));
  assert.deepEqual(parseComputeAppsCsv(section('idle :: query-compute-apps').join('\n')), []);
});

void test('bpytop #26: csv with units, two GPUs, no index field (rows numbered from 0)', () => {
  const { readings, rejected } = parseNvidiaSmiCsv(fixture('nvidia-smi-csv-units-2gpu-bpytop-issue26.csv'));
  assert.equal(rejected, 0);
  assert.deepEqual(
    readings.map((r) => [r.index, r.name, r.fanSpeedPercent, r.memoryTotalBytes, r.memoryUsedBytes, r.utilization, r.temperatureCelsius, r.powerDrawWatts, r.memoryClockHz]),
    [
      ['0', 'GeForce GTX 1080 Ti', 29, 11175 * MIB, 2856 * MIB, 36, 60, 106.56, 5508 * MHZ],
      ['1', 'GeForce GTX 1060 6GB', 29, 6078 * MIB, 4 * MIB, 0, 49, 5.68, 405 * MHZ],
    ],
  );
  // clocks.current.graphics is not the SM clock: not mapped
  assert.equal(readings[0]!.smClockHz, undefined);
});

void test('Tesla P100 (netdata): csv,nounits keeps the units in the header only; [N/A] fan is left out', () => {
  const { readings } = parseNvidiaSmiCsv(fixture('nvidia-smi-query-gpu-csv-nounits-tesla-p100.csv'));
  assert.equal(readings.length, 1);
  const r = readings[0]!;
  assert.equal(r.name, 'Tesla P100-PCIE-16GB');
  assert.equal(r.uuid, 'GPU-ef1b2c9b-38d8-2090-2bd1-f567a3eb42a6');
  assert.equal(r.fanSpeedPercent, undefined);
  assert.equal(r.memoryUsedBytes, 0);
  assert.equal(r.memoryTotalBytes, undefined); // not queried in this capture
  assert.equal(r.temperatureCelsius, 37);
  assert.equal(r.powerDrawWatts, 28.16);
  assert.equal(r.smClockHz, 405 * MHZ);
  assert.equal(r.memoryClockHz, 715 * MHZ);
});

void test('i3pystatus #776: noheader,nounits with [N/A]', () => {
  const fields = ['memory.total', 'memory.free', 'memory.used', 'temperature.gpu', 'fan.speed', 'utilization.gpu', 'utilization.memory'];
  const { readings } = parseNvidiaSmiCsv(fixture('nvidia-smi-csv-noheader-nounits-i3pystatus-pr776.txt'), fields);
  assert.equal(readings.length, 1);
  const r = readings[0]!;
  assert.equal(r.memoryTotalBytes, 2004 * MIB);
  assert.equal(r.memoryUsedBytes, 0);
  assert.equal(r.temperatureCelsius, 44);
  assert.equal(r.fanSpeedPercent, undefined);
  assert.equal(r.utilization, 0);
  assert.equal(r.memoryUtilization, 0);
});

void test('polybar #42: loop output is one row per period, parsed line by line', () => {
  const p = new GpuRowParser(['temperature.gpu', 'utilization.gpu', 'utilization.memory']);
  const lines = fixture('nvidia-smi-loop-csv-noheader-nounits-polybar-issue42.txt').split('\n').filter((l) => l !== '');
  const rs = lines.map((l) => p.parse(l, '0'));
  assert.equal(rs.length, 9);
  assert.deepEqual(
    rs.map((r) => r?.utilization),
    [6, 6, 5, 7, 12, 8, 4, 6, 5],
  );
  assert.equal(rs[4]!.memoryUtilization, 15);
  assert.ok(rs.every((r) => r!.temperatureCelsius === 41));
});

void test('the collector query: core fields, then optional ones; a line that is not a row is rejected', () => {
  const fs = new FieldSet();
  // The first 16 fields: the query of the A100 row below (the deep fields follow them).
  const p = new GpuRowParser(fs.fields().slice(0, 16));
  assert.deepEqual(fs.fields().slice(0, CORE_FIELDS.length), [...CORE_FIELDS]);
  assert.equal(fs.fields()[15], 'fan.speed');
  const r = p.parse('1, GPU-abc, NVIDIA A100-SXM4-40GB, 87, 30000, 40960, 71, 301.5, 400.00, 1410, 1215, 0x0000000000000044, 0, 3, 40, [Not Supported]');
  assert.ok(r);
  assert.equal(r.index, '1');
  assert.equal(r.throttleReasons, 0x44);
  assert.equal(r.eccCorrected, 3);
  assert.equal(r.fanSpeedPercent, undefined);
  assert.equal(p.parse('Field "fan.speed" is not a valid field to query.'), undefined);
  assert.equal(p.parse('No devices were found'), undefined);
  // a header line: index is not a number
  assert.equal(p.parse(fs.fields().join(', ')), undefined);
});

void test('a GPU name holding ", " is joined back into the name column', () => {
  assert.deepEqual(splitRow('0, Foo, Bar GPU, 12', 3, 1), ['0', 'Foo, Bar GPU', '12']);
  assert.equal(splitRow('0, 12', 3, 1), undefined);
  const r = new GpuRowParser(['index', 'name', 'utilization.gpu']).parse('0, Foo, Bar GPU, 12');
  assert.equal(r?.name, 'Foo, Bar GPU');
  assert.equal(r?.utilization, 12);
});

void test('FieldSet: a rejected throttle field falls back to the old name, then is given up; core fields are not dropped', () => {
  const fs = new FieldSet();
  assert.ok(fs.fields().includes('clocks_event_reasons.active'));
  assert.equal(fs.drop('clocks_event_reasons.active'), true);
  assert.ok(fs.fields().includes('clocks_throttle_reasons.active'));
  assert.equal(fs.drop('clocks_throttle_reasons.active'), true);
  assert.ok(!fs.fields().some((f) => f.includes('reasons.active')));
  assert.equal(fs.drop('fan.speed'), true);
  assert.equal(fs.drop('fan.speed'), false);
  assert.equal(fs.drop('memory.used'), false);
  assert.deepEqual(fs.dropped, ['clocks_event_reasons.active', 'clocks_throttle_reasons.active', 'fan.speed']);
  assert.equal(fs.dropAllOptional(), true);
  assert.deepEqual(fs.fields(), [...CORE_FIELDS]);
  assert.equal(fs.dropAllOptional(), false);
});

void test('invalidFieldIn reads nvidia-smi\'s message', () => {
  assert.equal(invalidFieldIn('Field "clocks_event_reasons.active" is not a valid field to query.'), 'clocks_event_reasons.active');
  assert.equal(invalidFieldIn('0, 12, 13'), undefined);
});

void test('compute-apps rows: [N/A] memory is dropped, a process name with ", " survives', () => {
  const p = new ComputeAppsParser(COMPUTE_APPS_FIELDS);
  assert.equal(p.parse('2026/07/14 08:12:53.500, 11345, ./gpu_burn, [N/A], GPU-1'), undefined);
  const r = p.parse('2026/07/14 08:12:53.500, 42, /opt/a, b/python, 100, GPU-1');
  assert.equal(r?.process, '/opt/a, b/python');
  assert.equal(r?.usedBytes, 100 * MIB);
  assert.equal(r?.uuid, 'GPU-1');
});

void test('parseSmiTimestamp: differences in ms; malformed is NaN', () => {
  assert.equal(parseSmiTimestamp('2026/07/14 08:12:53.500') - parseSmiTimestamp('2026/07/14 08:12:52.250'), 1250);
  assert.ok(Number.isNaN(parseSmiTimestamp('yesterday')));
});

void test('deep fields from the H100 capture (load): media engines, memory temperature, PCIe link, MIG, max SM clock, clock-event counters', () => {
  const r = parseNvidiaSmiCsv(section('load :: query-gpu').join('\n')).readings[0]!;
  assert.equal(r.encoderUtilization, 0);
  assert.equal(r.decoderUtilization, 0);
  assert.equal(r.jpegUtilization, 0);
  assert.equal(r.ofaUtilization, 0);
  assert.equal(r.memoryTemperatureCelsius, 54);
  assert.equal(r.pcieLinkGen, 5);
  assert.equal(r.pcieLinkGenMax, 5);
  assert.equal(r.pcieLinkWidth, 16);
  assert.equal(r.pcieLinkWidthMax, 16);
  assert.equal(r.migEnabled, 0); // "Disabled"
  assert.equal(r.smClockMaxHz, 1980 * MHZ);
  assert.deepEqual(r.clockEventSeconds, { sw_power_cap: 0, sync_boost: 0, sw_thermal_slowdown: 0, hw_thermal_slowdown: 0, hw_power_brake_slowdown: 0 });
});

void test('H200 query loop with the deep fields (noheader, nounits): PCIe gen/width, memory temperature, MIG mode', () => {
  // The field list of that capture (SOURCES.md): the collector's 16 fields and ten more.
  const fields = [
    ...CORE_FIELDS,
    'clocks_event_reasons.active',
    'ecc.errors.uncorrected.volatile.total',
    'ecc.errors.corrected.volatile.total',
    'utilization.memory',
    'fan.speed',
    'pcie.link.gen.current',
    'pcie.link.width.current',
    'temperature.memory',
    'enforced.power.limit',
    'mig.mode.current',
    'clocks_event_reasons.sw_power_cap',
    'clocks_event_reasons.hw_slowdown',
    'clocks_event_reasons.sw_thermal_slowdown',
    'clocks_event_reasons.hw_thermal_slowdown',
    'clocks_event_reasons.hw_power_brake_slowdown',
  ];
  const { readings, rejected } = parseNvidiaSmiCsv(fixture('nvidia-smi-h200-driver-580-query-gpu-deep-loop-load.csv'), fields);
  assert.equal(rejected, 0);
  assert.equal(readings.length, 5);
  const r = readings[0]!;
  assert.equal(r.name, 'NVIDIA H200');
  assert.equal(r.pcieLinkGen, 5);
  assert.equal(r.pcieLinkWidth, 16);
  assert.equal(r.memoryTemperatureCelsius, 35);
  assert.equal(r.migEnabled, 0);
  assert.equal(r.throttleReasons, 4); // sw_power_cap, by name from the bitmask: one field, not five
  assert.equal(r.fanSpeedPercent, undefined, '[N/A] gives no figure');
  assert.deepEqual(
    readings.map((x) => x.memoryTemperatureCelsius),
    [35, 36, 36, 36, 37],
  );
});

void test('H200 extra fields with header and units: max link and clock, MIG Disabled as 0', () => {
  const r = parseNvidiaSmiCsv(fixture('nvidia-smi-h200-driver-580-query-gpu-extra-idle.csv')).readings[0]!;
  assert.equal(r.pcieLinkGenMax, 5);
  assert.equal(r.pcieLinkWidthMax, 16);
  assert.equal(r.smClockMaxHz, 1980 * MHZ); // "1980 MHz"
  assert.equal(r.memoryTemperatureCelsius, 42);
  assert.equal(r.migEnabled, 0);
  const on = new GpuRowParser(['index', 'mig.mode.current', 'clocks_event_reasons_counters.sw_power_cap']);
  assert.equal(on.parse('0, Enabled, 5428714')!.migEnabled, 1);
  // 5428714 µs: the SW power-cap counter of the H200's `nvidia-smi -q -x` under load.
  assert.deepEqual(on.parse('0, Enabled, 5428714')!.clockEventSeconds, { sw_power_cap: 5.428714 });
  assert.equal(on.parse('0, [N/A], [N/A]')!.migEnabled, undefined);
  assert.equal(on.parse('0, [N/A], [N/A]')!.clockEventSeconds, undefined);
});

void test('a driver without the clock-event counters loses all five in one restart', () => {
  const fs = new FieldSet();
  const counters = fs.fields().filter((f) => f.startsWith('clocks_event_reasons_counters.'));
  assert.equal(counters.length, 5);
  assert.equal(fs.drop('clocks_event_reasons_counters.sync_boost'), true);
  assert.deepEqual(fs.fields().filter((f) => f.startsWith('clocks_event_reasons_counters.')), []);
  assert.equal(fs.dropped[0], 'clocks_event_reasons_counters.sync_boost');
  assert.equal(fs.dropped.length, 5);
  assert.ok(fs.fields().includes('utilization.encoder'), 'other deep fields stay');
});
