import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { DMON_GPM_METRICS, DmonParser, dmonArgs, PmonParser, pmonArgs, unrecognizedOptionIn, type DmonRow, type PmonRow } from './dmon.js';
import { MIB } from './reading.js';

const fixture = (name: string): string => readFileSync(new URL(`../../../test/fixtures/engines/nvidia-smi-h200-driver-580-${name}`, import.meta.url), 'utf8');

function parseAll<T>(p: { parse(line: string): T | 'header' | undefined }, text: string): { rows: T[]; headers: number; other: number } {
  const out = { rows: [] as T[], headers: 0, other: 0 };
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const r = p.parse(line);
    if (r === 'header') out.headers++;
    else if (r === undefined) out.other++;
    else out.rows.push(r);
  }
  return out;
}

void test('dmon table form (-s pucvmet loop under load): violation, BAR1, replays and PCIe MiB/s in base units', () => {
  const { rows, headers, other } = parseAll<DmonRow>(new DmonParser(), fixture('dmon-loop-load.txt'));
  assert.equal(headers, 2, 'the names line and the units line');
  assert.equal(other, 0);
  assert.equal(rows.length, 10);
  assert.deepEqual(rows[0], {
    index: '0',
    figures: { powerViolationPercent: 0, thermalViolation: 0, bar1UsedBytes: 1140 * MIB, pcieReplays: 0, pcieRxBytesPerSecond: 15 * MIB, pcieTxBytesPerSecond: 8 * MIB },
  });
  assert.deepEqual(
    rows.map((r) => r.figures.powerViolationPercent),
    [0, 100, 100, 100, 100, 100, 100, 100, 100, 100],
  );
  assert.equal(rows[3]!.figures.pcieTxBytesPerSecond, 13 * MIB);
});

void test('dmon csv form with GPM columns: `-` gives no figure (absent, never 0)', () => {
  const { rows, headers } = parseAll<DmonRow>(new DmonParser(), fixture('dmon-gpm-csv-load.txt'));
  assert.equal(headers, 1, 'nounit: no units line');
  assert.equal(rows.length, 2);
  assert.deepEqual(rows[1]!.figures, {
    powerViolationPercent: 100,
    thermalViolation: 0,
    bar1UsedBytes: 1140 * MIB,
    pcieReplays: 0,
    pcieRxBytesPerSecond: 15 * MIB,
    pcieTxBytesPerSecond: 6 * MIB,
  });
  for (const k of ['smActive', 'smOccupancy', 'tensorActive', 'dramActive', 'fp64Active', 'nvlinkRxBytesPerSecond'] as const) {
    assert.equal(k in rows[1]!.figures, false, k);
  }
});

void test('dmon GPM columns where the GPU has GPM: SM/tensor/DRAM/FP activity and NVLink; GPM PCIe wins over the sampled rxpci', () => {
  const text = fixture('dmon-gpm-csv-load.txt');
  const [header, row] = text.split('\n');
  // The capture's own header and row, its `-` GPM cells given figures (that VM had no GPM).
  const gpm = ['71', '42', '63', '25', '0', '12', '3', '5', '9', '100', '200'];
  const cells = row!.split(', ');
  const filled = [...cells.slice(0, cells.length - gpm.length), ...gpm].join(', ');
  const p = new DmonParser();
  assert.equal(p.parse(header!), 'header');
  const r = p.parse(filled);
  assert.ok(r !== undefined && r !== 'header');
  assert.deepEqual(r.figures, {
    powerViolationPercent: 0,
    thermalViolation: 0,
    bar1UsedBytes: 1140 * MIB,
    pcieReplays: 0,
    smActive: 71,
    smOccupancy: 42,
    tensorActive: 63,
    dramActive: 25,
    fp64Active: 0,
    fp32Active: 12,
    fp16Active: 3,
    pcieTxBytesPerSecond: 5 * MIB,
    pcieRxBytesPerSecond: 9 * MIB,
    nvlinkRxBytesPerSecond: 100 * MIB,
    nvlinkTxBytesPerSecond: 200 * MIB,
  });
});

void test('dmon table form with GPM columns, other column orders, and lines that are not rows', () => {
  const { rows, headers } = parseAll<DmonRow>(new DmonParser(), fixture('dmon-gpm-table-load.txt'));
  assert.equal(headers, 2);
  assert.equal(rows.length, 2);
  assert.deepEqual(rows[0]!.figures, {}, 'no v/m/e/t group and GPM `-`: nothing to add');
  const p = new DmonParser();
  assert.equal(p.parse(' 0, 1, 2'), undefined, 'a row before any header');
  assert.equal(p.parse('#gpu, txpci, pviol, newcol'), 'header');
  assert.deepEqual(p.parse(' 3, 7, 50, 9'), { index: '3', figures: { pcieTxBytesPerSecond: 7 * MIB, powerViolationPercent: 50 } });
  assert.equal(p.parse(' 3, 7'), undefined, 'too few cells');
  assert.equal(p.parse('Option "--gpm-metrics" is not recognized.'), undefined);
  assert.equal(p.parse(`#gpu${', x'.repeat(200)}`), undefined, 'an absurdly wide header is not taken');
});

void test('pmon: per-process SM and memory %, idle rows of `-` are not processes', () => {
  const load = parseAll<PmonRow>(new PmonParser(), fixture('pmon-loop-load.txt'));
  assert.equal(load.headers, 2);
  assert.equal(load.rows.length, 4);
  assert.deepEqual(load.rows[0], { index: '0', pid: '479', smPercent: 98, memoryPercent: 24 });
  const idle = parseAll<PmonRow>(new PmonParser(), fixture('pmon-idle.txt'));
  assert.equal(idle.rows.length, 0);
  assert.equal(idle.other, 2);
  const um = parseAll<PmonRow>(new PmonParser(), fixture('pmon-load.txt'));
  assert.deepEqual(um.rows[2], { index: '0', pid: '447', smPercent: 99, memoryPercent: 22 });
});

void test('dmon and pmon arguments; the rejected-option message', () => {
  assert.deepEqual(dmonArgs(10, { gpm: true, csv: true }), ['dmon', '-s', 'vmet', '--gpm-metrics', DMON_GPM_METRICS, '--format', 'csv,nounit', '-d', '10']);
  assert.deepEqual(dmonArgs(5, { gpm: false, csv: false }), ['dmon', '-s', 'vmet', '-d', '5']);
  assert.deepEqual(pmonArgs(2), ['pmon', '-s', 'u', '-d', '2']);
  assert.equal(unrecognizedOptionIn('Option "--format" is not recognized.'), '--format');
  assert.equal(unrecognizedOptionIn(' 0, 1'), undefined);
});

test('dmon: a header naming Object.prototype members reads nothing from them', () => {
  const p = new DmonParser();
  assert.equal(p.parse('#gpu, constructor, toString, __proto__, pviol'), 'header');
  const row = p.parse(' 0, 5, 6, 7, 100');
  assert.deepEqual(row, { index: '0', figures: { powerViolationPercent: 100 } });
});
