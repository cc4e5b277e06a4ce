/**
 * @module collect/gpu/dmon
 * `nvidia-smi dmon` and `pmon` output: a header line naming the columns
 * (`# gpu    pwr  gtemp …` in the table form, `#gpu, pwr, gtemp, …` with
 * `--format csv`), in the table form a units line (`# Idx      W      C …`),
 * then one row per GPU (per process for pmon) every period; `-` where the
 * figure is not available. Columns are found by their header names, so order,
 * the selected groups and columns this code does not know do not matter.
 * Facts from the H200 (driver 580.159.04) captures in
 * test/fixtures/engines/nvidia-smi-h200-driver-580-{dmon,pmon}-*.
 */
import { MIB, parseNumber, type GpuReading } from './reading.js';

/**
 * dmon groups read: v (pviol, tviol), m (fb, bar1, ccpm), e (sbecc, dbecc,
 * pci replays), t (rxpci, txpci). p, u and c repeat what the query loop reads.
 */
export const DMON_GROUPS = 'vmet';
/** GPM metric ids (`nvidia-smi dmon -h`): SM activity, SM occupancy, tensor, DRAM, FP64, FP32, FP16, PCIe TX/RX, NVLink RX/TX. */
export const DMON_GPM_METRICS = '2,3,5,10,11,12,13,20,21,60,61';

/** Which optional dmon options are still in use (an older driver rejects them). */
export interface DmonOptionState {
  gpm: boolean;
  csv: boolean;
}

/** `nvidia-smi dmon …` arguments for a sample period of `intervalS` seconds. */
export function dmonArgs(intervalS: number, o: DmonOptionState): string[] {
  return [
    'dmon',
    '-s',
    DMON_GROUPS,
    ...(o.gpm ? ['--gpm-metrics', DMON_GPM_METRICS] : []),
    ...(o.csv ? ['--format', 'csv,nounit'] : []),
    '-d',
    String(intervalS),
  ];
}

/** `nvidia-smi pmon …` arguments: per-process SM and memory-controller shares. pmon has no --format. */
export function pmonArgs(intervalS: number): string[] {
  return ['pmon', '-s', 'u', '-d', String(intervalS)];
}

/** The option named by nvidia-smi's `Option "--format" is not recognized.`, if `line` is that message. */
export function unrecognizedOptionIn(line: string): string | undefined {
  return /Option "([^"]+)" is not recognized/.exec(line)?.[1];
}

/** More columns than this is not dmon output; such a header is ignored. */
const MAX_COLUMNS = 128;

/** The cells of a header or data line, and whether it was a `#` line. */
function cells(line: string): { hash: boolean; cells: string[] } {
  let s = line.trim();
  const hash = s.startsWith('#');
  if (hash) s = s.slice(1);
  const parts = s.includes(',') ? s.split(',').map((c) => c.trim()) : s.trim().split(/\s+/);
  return { hash, cells: parts };
}

/**
 * Column headers, kept from the last `#` line that names a `gpu` column. The
 * units line (`# Idx …`) is recognised and skipped.
 */
class Columns {
  names: string[] | undefined;

  /** 'header' for a header or units line, 'row' for a data row, undefined for anything else (a message). */
  classify(line: string): { kind: 'header' } | { kind: 'row'; cells: string[] } | undefined {
    const c = cells(line);
    if (c.hash) {
      const first = c.cells[0]?.toLowerCase();
      if (first === 'idx') return { kind: 'header' };
      if (first !== 'gpu' || c.cells.length > MAX_COLUMNS) return undefined;
      this.names = c.cells.map((n) => n.toLowerCase());
      return { kind: 'header' };
    }
    if (this.names === undefined || c.cells.length < this.names.length || !/^\d+$/.test(c.cells[0] ?? '')) return undefined;
    return { kind: 'row', cells: c.cells };
  }
}

/** The figures a dmon row adds to a GPU's reading. */
export type DmonFigures = Partial<
  Pick<
    GpuReading,
    | 'powerViolationPercent'
    | 'thermalViolation'
    | 'bar1UsedBytes'
    | 'pcieReplays'
    | 'pcieRxBytesPerSecond'
    | 'pcieTxBytesPerSecond'
    | 'nvlinkRxBytesPerSecond'
    | 'nvlinkTxBytesPerSecond'
    | 'smActive'
    | 'smOccupancy'
    | 'tensorActive'
    | 'dramActive'
    | 'fp64Active'
    | 'fp32Active'
    | 'fp16Active'
  >
>;

type DmonSetter = (f: DmonFigures, v: number) => void;

/**
 * dmon column → figure, in base units. dmon's `MB` is MiB and its PCIe `MB/s`
 * is NVML's KB/s ÷ 1024, so MiB/s (nvml.h nvmlDeviceGetPcieThroughput). The
 * GPM PCIe columns (pcirx/pcitx, measured over the whole period) win over the
 * t group's rxpci/txpci (NVML samples 20 ms of it) when the GPU has GPM.
 */
// A Map: the names come from the tool's header line, and `constructor` must not find Object's.
const DMON_COLUMNS: ReadonlyMap<string, DmonSetter> = new Map<string, DmonSetter>([
  ['pviol', (f, v) => (f.powerViolationPercent = v)],
  ['tviol', (f, v) => (f.thermalViolation = v)],
  ['bar1', (f, v) => (f.bar1UsedBytes = v * MIB)],
  ['pci', (f, v) => (f.pcieReplays = v)],
  ['rxpci', (f, v) => (f.pcieRxBytesPerSecond = v * MIB)],
  ['txpci', (f, v) => (f.pcieTxBytesPerSecond = v * MIB)],
  ['pcirx', (f, v) => (f.pcieRxBytesPerSecond = v * MIB)],
  ['pcitx', (f, v) => (f.pcieTxBytesPerSecond = v * MIB)],
  ['nvlrx', (f, v) => (f.nvlinkRxBytesPerSecond = v * MIB)],
  ['nvltx', (f, v) => (f.nvlinkTxBytesPerSecond = v * MIB)],
  ['smutil', (f, v) => (f.smActive = v)],
  ['smocc', (f, v) => (f.smOccupancy = v)],
  ['mmaact', (f, v) => (f.tensorActive = v)],
  ['dram', (f, v) => (f.dramActive = v)],
  ['fp64', (f, v) => (f.fp64Active = v)],
  ['fp32', (f, v) => (f.fp32Active = v)],
  ['fp16', (f, v) => (f.fp16Active = v)],
]);

/** A parsed dmon data row: the GPU index and what it says. */
export interface DmonRow {
  index: string;
  figures: DmonFigures;
}

/**
 * Reads dmon output line by line. The GPM columns come after the groups'
 * columns; GPM (`pcirx`) is applied after `rxpci` whatever the order, so it wins.
 * @example
 * const p = new DmonParser();
 * p.parse('#gpu, pviol, bar1, rxpci'); // 'header'
 * p.parse(' 0, 100, 1140, 15');        // { index: '0', figures: { powerViolationPercent: 100, bar1UsedBytes: 1140 * 2**20, pcieRxBytesPerSecond: 15 * 2**20 } }
 */
export class DmonParser {
  private readonly _cols = new Columns();

  parse(line: string): DmonRow | 'header' | undefined {
    const c = this._cols.classify(line);
    if (c === undefined || c.kind === 'header') return c === undefined ? undefined : 'header';
    const names = this._cols.names!;
    const figures: DmonFigures = {};
    const late: [DmonSetter, number][] = [];
    for (let i = 1; i < names.length; i++) {
      const name = names[i]!;
      const set = DMON_COLUMNS.get(name);
      if (set === undefined) continue;
      // `-` (not available) parses as undefined: absent, never 0.
      const v = parseNumber(c.cells[i]);
      if (v === undefined) continue;
      if (name === 'pcirx' || name === 'pcitx') late.push([set, v]);
      else set(figures, v);
    }
    for (const [set, v] of late) set(figures, v);
    return { index: c.cells[0]!, figures };
  }
}

/** One pmon row: a process's share of one GPU over the last period. */
export interface PmonRow {
  index: string;
  pid: string;
  smPercent: number | undefined;
  memoryPercent: number | undefined;
}

/**
 * Reads `pmon -s u` output. An idle GPU prints one row of `-` (no pid): not a
 * process, so undefined. The command name is the last column and may hold
 * spaces; it is not needed (compute-apps gives the full name).
 */
export class PmonParser {
  private readonly _cols = new Columns();

  parse(line: string): PmonRow | 'header' | undefined {
    const c = this._cols.classify(line);
    if (c === undefined || c.kind === 'header') return c === undefined ? undefined : 'header';
    const names = this._cols.names!;
    const at = (n: string): string | undefined => {
      const i = names.indexOf(n);
      return i < 0 ? undefined : c.cells[i];
    };
    const pid = at('pid');
    if (pid === undefined || !/^\d+$/.test(pid)) return undefined;
    return { index: c.cells[0]!, pid, smPercent: parseNumber(at('sm')), memoryPercent: parseNumber(at('mem')) };
  }
}
