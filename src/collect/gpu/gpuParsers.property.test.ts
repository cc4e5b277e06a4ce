// Property-based bad input for the GPU tools' outputs: nvidia-smi's query-gpu
// and compute-apps CSV, dmon/pmon (CSV and table forms), rocm-smi JSON and a
// DCGM exporter page, seeded with the real captures and then mutated (cut,
// duplicated columns, swapped values, garbage, `-`, `[N/A]`, huge numbers,
// NaN/Inf, prototype-named headers). Each parser gives readings or its
// documented error; every sample made of them is finite and, except a
// temperature, not negative; Object.prototype is untouched. Seeded (FC_SEED
// overrides); a failure prints the seed and path that replay it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { EchoPerfError } from '../../core/errors.js';
import { parseExposition } from '../../core/exposition/index.js';
import type { Sample } from '../../core/types.js';
import { dcgmReadings, MAX_DCGM_GPUS } from './dcgm.js';
import { DmonParser, PmonParser } from './dmon.js';
import { COMPUTE_APPS_FIELDS, FieldSet, parseComputeAppsCsv, parseNvidiaSmiCsv } from './nvidiaCsv.js';
import { emitProcesses, emitReading, emptyReading, GPU_METRICS, type GpuReading } from './reading.js';
import { MAX_ROCM_CARDS, parseRocmSmiJson } from './rocmSmi.js';

const SEED = Number(process.env['FC_SEED'] ?? 0x16f2);
const RUN = { seed: SEED, interruptAfterTimeLimit: 3000, markInterruptAsFailure: false, numRuns: 300 } as const;

const fixture = (name: string): string => readFileSync(new URL(`../../../test/fixtures/engines/${name}`, import.meta.url), 'utf8');
const H200 = 'nvidia-smi-h200-driver-580-';
const QUERY_GPU = [
  fixture('nvidia-smi-query-gpu-csv-nounits-tesla-p100.csv'),
  fixture('nvidia-smi-csv-units-2gpu-bpytop-issue26.csv'),
  fixture(`${H200}query-gpu-extra-load.csv`),
];
/** The query loop's field lists: core and classic optional fields (16 columns, as the load capture), and all of them. */
const ALL_FIELDS = new FieldSet().fields();
const QUERY_FIELD_LISTS = [ALL_FIELDS.slice(0, 16), ALL_FIELDS];
const QUERY_GPU_NOHEADER = [fixture(`${H200}query-gpu-load.csv`), fixture(`${H200}query-gpu-deep-loop-load.csv`)];
const COMPUTE_APPS = [fixture(`${H200}query-compute-apps-load.csv`), fixture(`${H200}compute-apps-loop-idle-then-load.csv`)];
const DMON = ['dmon-gpm-csv-load.txt', 'dmon-gpm-table-load.txt', 'dmon-loop-load.txt', 'dmon-csv-idle.txt', 'dmon-idle.txt'].map((f) => fixture(H200 + f));
const PMON = ['pmon-load.txt', 'pmon-loop-load.txt', 'pmon-idle.txt'].map((f) => fixture(H200 + f));
const ROCM = ['rocm-smi-a-json-mi250-single-line.json', 'rocm-smi-json-mi100_rocm602.json', 'rocm-smi-json-rx6700xt_rocm430.json', 'rocm-smi-json-rx6700xt_rocm612.json'].map(fixture);
const DCGM = [fixture('dcgm-exporter-nvidia-l4.metrics.txt'), fixture('dcgm-exporter-nvidia-l40s.metrics.txt')];

/** Cells a tool (or a broken one) may print. */
const cell = fc.oneof(
  fc.constantFrom('-', '[N/A]', '[Not Supported]', 'N/A', '', ' ', 'NaN', 'Infinity', '-Infinity', '1e308', '1e400', '-1', '-0', '-5 MiB', '0x', '0xFFFFFFFFFFFFFFFFFF'),
  fc.constantFrom('9'.repeat(400), '1'.repeat(30), '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'gpu', '#', '# gpu', 'Idx', ',', ', ', '\t', '\r', 'Enabled'),
  fc.double().map(String),
  fc.integer({ min: -1e6, max: 1e9 }).map(String),
  fc.string({ maxLength: 12 }),
);
/** Header names, prototype-named ones among them. */
const headerName = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'gpu', 'pid', 'index', 'name', 'memory.used [MiB]', 'bar1', 'pviol', 'sm', 'mem', 'used_memory', 'gpu_uuid');

type Mutation =
  | { kind: 'cut'; at: number }
  | { kind: 'dupColumn'; col: number }
  | { kind: 'swap'; a: number; b: number }
  | { kind: 'setCell'; line: number; col: number; v: string }
  | { kind: 'setHeader'; col: number; v: string }
  | { kind: 'garbage'; at: number; v: string }
  | { kind: 'dupLine'; line: number; times: number }
  | { kind: 'hugeLine'; line: number };

const index = fc.nat({ max: 10_000 });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('cut' as const), at: index }),
  fc.record({ kind: fc.constant('dupColumn' as const), col: index }),
  fc.record({ kind: fc.constant('swap' as const), a: index, b: index }),
  fc.record({ kind: fc.constant('setCell' as const), line: index, col: index, v: cell }),
  fc.record({ kind: fc.constant('setHeader' as const), col: index, v: headerName }),
  fc.record({ kind: fc.constant('garbage' as const), at: index, v: fc.string({ unit: 'binary', maxLength: 40 }) }),
  fc.record({ kind: fc.constant('dupLine' as const), line: index, times: fc.integer({ min: 1, max: 300 }) }),
  fc.record({ kind: fc.constant('hugeLine' as const), line: index }),
);

/** Splits a line into cells with their separators kept, so a mutated line still looks like the tool's. */
function splitCells(line: string): { sep: string; cells: string[] } {
  const sep = line.includes(', ') ? ', ' : line.includes(',') ? ',' : ' ';
  return { sep, cells: line.split(sep) };
}

function mutate(text: string, muts: readonly Mutation[]): string {
  let lines = text.split('\n');
  for (const m of muts) {
    const pick = (i: number): number => i % Math.max(1, lines.length);
    switch (m.kind) {
      case 'cut': {
        const s = lines.join('\n');
        lines = s.slice(0, m.at % (s.length + 1)).split('\n');
        break;
      }
      case 'dupColumn':
        lines = lines.map((l) => {
          const { sep, cells } = splitCells(l);
          const c = m.col % Math.max(1, cells.length);
          return [...cells.slice(0, c + 1), cells[c] ?? '', ...cells.slice(c + 1)].join(sep);
        });
        break;
      case 'swap': {
        const l = pick(m.a);
        const { sep, cells } = splitCells(lines[l] ?? '');
        const a = m.a % Math.max(1, cells.length);
        const b = m.b % Math.max(1, cells.length);
        [cells[a], cells[b]] = [cells[b] ?? '', cells[a] ?? ''];
        lines[l] = cells.join(sep);
        break;
      }
      case 'setCell':
      case 'setHeader': {
        const l = m.kind === 'setHeader' ? 0 : pick(m.line);
        const { sep, cells } = splitCells(lines[l] ?? '');
        cells[m.col % Math.max(1, cells.length)] = m.v;
        lines[l] = cells.join(sep);
        break;
      }
      case 'garbage': {
        const s = lines.join('\n');
        const at = m.at % (s.length + 1);
        lines = (s.slice(0, at) + m.v + s.slice(at)).split('\n');
        break;
      }
      case 'dupLine': {
        const l = pick(m.line);
        lines.splice(l, 0, ...Array.from({ length: m.times }, () => lines[l] ?? ''));
        break;
      }
      case 'hugeLine': {
        const l = pick(m.line);
        lines[l] = (lines[l] ?? '') + ', 1'.repeat(20_000);
        break;
      }
    }
  }
  return lines.join('\n');
}

const mutated = (seeds: readonly string[]): fc.Arbitrary<string> =>
  fc.tuple(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([s, muts]) => mutate(s, muts));

/** Only a temperature may be below zero. */
const SIGNED = new Set<string>([GPU_METRICS.temperature, GPU_METRICS.memoryTemperature]);

function assertSamplesSound(out: readonly Sample[]): void {
  for (const s of out) {
    assert.ok(Number.isFinite(s.v), `${s.name} = ${s.v} is finite`);
    if (!SIGNED.has(s.name)) assert.ok(s.v >= 0, `${s.name} = ${s.v} is not negative`);
    for (const v of Object.values(s.labels)) assert.ok(v.length <= 20_100, `label of ${v.length} characters`);
  }
}

function emitAll(readings: readonly GpuReading[]): Sample[] {
  const out: Sample[] = [];
  for (const r of readings) emitReading(r, 0, out);
  assertSamplesSound(out);
  return out;
}

function untouched(): void {
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  assert.equal(Object.getPrototypeOf({}), Object.prototype);
  assert.equal(typeof Object.prototype.toString, 'function');
}

describe('GPU tool outputs: property-based bad input', () => {
  it('query-gpu CSV, with a header or without: readings whose samples are finite and not negative', () => {
    fc.assert(
      fc.property(mutated(QUERY_GPU), mutated(QUERY_GPU_NOHEADER), fc.constantFrom(...QUERY_FIELD_LISTS), (withHeader, rows, fields) => {
        const a = parseNvidiaSmiCsv(withHeader);
        emitAll(a.readings);
        const b = parseNvidiaSmiCsv(rows, fields);
        emitAll(b.readings);
        untouched();
      }),
      RUN,
    );
  });

  it('compute-apps CSV: rows whose samples are finite and not negative', () => {
    fc.assert(
      fc.property(mutated(COMPUTE_APPS), fc.boolean(), (text, header) => {
        const rows = header ? parseComputeAppsCsv(`${COMPUTE_APPS_FIELDS.join(', ')}\n${text}`) : parseComputeAppsCsv(text, COMPUTE_APPS_FIELDS);
        const out: Sample[] = [];
        emitProcesses(rows, () => '0', 0, out);
        assertSamplesSound(out);
        untouched();
      }),
      RUN,
    );
  });

  it('dmon and pmon, CSV and table forms: rows, headers or nothing; figures finite and not negative once emitted', () => {
    fc.assert(
      fc.property(mutated(DMON), mutated(PMON), (dmon, pmon) => {
        const d = new DmonParser();
        const readings: GpuReading[] = [];
        for (const line of dmon.split('\n')) {
          const row = d.parse(line);
          if (row === undefined || row === 'header') continue;
          assert.match(row.index, /^\d+$/);
          if (readings.length < 64) readings.push({ ...emptyReading(row.index), ...row.figures });
        }
        emitAll(readings);
        const p = new PmonParser();
        const procs = [];
        for (const line of pmon.split('\n')) {
          const row = p.parse(line);
          if (row === undefined || row === 'header') continue;
          assert.match(row.pid, /^\d+$/);
          if (procs.length < 64) procs.push({ pid: row.pid, process: 'p', uuid: 'GPU-x', usedBytes: 0, smPercent: row.smPercent, memoryPercent: row.memoryPercent });
        }
        const out: Sample[] = [];
        emitProcesses(procs, () => '0', 0, out);
        assertSamplesSound(out);
        untouched();
      }),
      RUN,
    );
  });

  it('rocm-smi JSON: readings (at most MAX_ROCM_CARDS) or an Error with a short message', () => {
    const json = fc.oneof(
      { weight: 3, arbitrary: mutated(ROCM) },
      { weight: 1, arbitrary: fc.json({ maxDepth: 3 }) },
      { weight: 1, arbitrary: fc.dictionary(fc.constantFrom('card0', 'card1', '__proto__', 'constructor', 'card999999', 'card-1', 'system'), fc.dictionary(fc.constantFrom('GPU use (%)', 'VRAM Total Used Memory (B)', 'VRAM Total Memory (B)', 'Fan speed (%)', 'pcie clock level', 'sclk clock speed:', '__proto__'), fc.oneof(cell, fc.double(), fc.constant(null)))).map((o) => JSON.stringify(o)) },
    );
    fc.assert(
      fc.property(json, (text) => {
        let readings: GpuReading[];
        try {
          readings = parseRocmSmiJson(text);
        } catch (e) {
          assert.ok(e instanceof Error, `an Error: ${String(e)}`);
          assert.ok(e.message.length <= 400, `${e.message.length} characters`);
          return;
        }
        assert.ok(readings.length <= MAX_ROCM_CARDS);
        emitAll(readings);
        untouched();
      }),
      RUN,
    );
  });

  it('DCGM exporter page: the exposition parser\'s error or readings (at most MAX_DCGM_GPUS) with sound samples', () => {
    fc.assert(
      fc.property(mutated(DCGM), (page) => {
        let families;
        try {
          families = parseExposition(page);
        } catch (e) {
          assert.ok(e instanceof EchoPerfError, `an EchoPerfError: ${String(e)}`);
          return;
        }
        const readings = dcgmReadings(families);
        assert.ok(readings.length <= MAX_DCGM_GPUS);
        emitAll(readings);
        untouched();
      }),
      { ...RUN, numRuns: 200 },
    );
  });

  it('impossible figures (negative sizes and shares, 1e308 MiB) give no sample; a negative temperature does', () => {
    const out: Sample[] = [];
    const csv = parseNvidiaSmiCsv('index, memory.used [MiB], utilization.gpu [%], temperature.gpu, power.draw [W]\n0, -5, -1, -3, 1e308\n');
    emitAll(csv.readings).forEach((s) => out.push(s));
    assert.deepEqual(out.map((s) => `${s.name} ${s.v}`), ['gpu_temperature_celsius -3', 'gpu_power_draw_watts 1e+308']);
    const apps = parseComputeAppsCsv('1, a, 1e308, GPU-x\n2, b, -3, GPU-y\n3, c, 7, GPU-z\n', ['pid', 'process_name', 'used_memory', 'gpu_uuid']);
    const procs: Sample[] = [];
    emitProcesses(apps, () => undefined, 0, procs);
    assert.deepEqual(procs.map((s) => `${s.labels['pid']} ${s.v}`), [`3 ${7 * 1048576}`]);
  });

  it('the unmutated captures read whole under these field lists (the seeds are real rows)', () => {
    assert.equal(parseNvidiaSmiCsv(QUERY_GPU_NOHEADER[0]!, QUERY_FIELD_LISTS[0]).rejected, 0);
    assert.ok(parseNvidiaSmiCsv(QUERY_GPU_NOHEADER[0]!, QUERY_FIELD_LISTS[0]).readings.length >= 1);
  });

  it('a prototype-named header column fills nothing and throws nothing', () => {
    for (const h of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const r = parseNvidiaSmiCsv(`index, ${h}, utilization.gpu\n0, 5, 7\n`);
      assert.equal(r.readings[0]?.utilization, 7, h);
    }
    untouched();
  });

  it('a page naming many GPUs keeps MAX_DCGM_GPUS of them', () => {
    const lines = Array.from({ length: MAX_DCGM_GPUS + 50 }, (_, i) => `DCGM_FI_DEV_GPU_UTIL{gpu="${i}",UUID="GPU-${i}"} 5`);
    assert.equal(dcgmReadings(parseExposition(lines.join('\n') + '\n')).length, MAX_DCGM_GPUS);
  });
});
