/**
 * @module collect/system/procStat
 * CPU busy % from /proc/stat tick deltas, with psutil's cpu_percent()
 * definition (psutil/__init__.py `_cpu_tot_time`, `_cpu_busy_time`,
 * `_cpu_times_deltas`): per-field deltas clamped at 0;
 * total = Σ fields − guest − guest_nice (guest time is already inside user and
 * nice); busy = total − idle − iowait; busy/total × 100. Steal counts as busy,
 * as in psutil. Unlike psutil we do not round to 0.1, and a baseline is read at
 * construction so the first collect() already has a delta.
 */
import type { Labels } from '../../core/types.js';
import type { Emit } from './samples.js';
import { ProcFile } from './procFile.js';
import { Scanner } from './scan.js';

/** user nice system idle iowait irq softirq steal guest guest_nice (proc(5)). */
export const CPU_FIELDS = 10;
const IDLE = 3;
const IOWAIT = 4;
const GUEST = 8;
const GUEST_NICE = 9;

/** One reading of /proc/stat's cpu lines. Buffers are reused between reads. */
export class CpuTicks {
  /** The aggregate `cpu` line; NaN-filled when the line is missing. */
  readonly all = new Float64Array(CPU_FIELDS).fill(NaN);
  /** `cpuN` ids, in file order; only the first `count` entries are valid. */
  ids: number[] = [];
  cores: Float64Array[] = [];
  count = 0;
}

/** Busy % between two tick readings of one cpu line; NaN when no tick elapsed. */
export function busyPercent(prev: Float64Array, cur: Float64Array): number {
  let total = 0;
  let idle = 0;
  for (let i = 0; i < CPU_FIELDS; i++) {
    if (i === GUEST || i === GUEST_NICE) continue;
    const d = Math.max(0, cur[i]! - prev[i]!);
    total += d;
    if (i === IDLE || i === IOWAIT) idle += d;
  }
  return total > 0 ? ((total - idle) / total) * 100 : NaN;
}

const scanner = new Scanner();

/**
 * Parses the `cpu` and `cpuN` lines of /proc/stat into `into`. Stops at the
 * first other line: the cpu lines come first, and the `intr` line after them
 * can be kilobytes long. Fields a kernel does not have read as 0.
 */
export function parseProcStat(text: string, into: CpuTicks): CpuTicks {
  const s = scanner.reset(text);
  into.all.fill(NaN);
  into.count = 0;
  while (!s.eof && s.startsWith('cpu')) {
    s.pos += 3;
    let row: Float64Array;
    if (s.text.charCodeAt(s.pos) === 32) {
      row = into.all;
    } else {
      const id = s.uint();
      const n = into.count++;
      let r = into.cores[n];
      if (r === undefined) into.cores.push((r = new Float64Array(CPU_FIELDS)));
      into.ids[n] = id;
      row = r;
    }
    for (let i = 0; i < CPU_FIELDS; i++) {
      const v = s.uint();
      row[i] = Number.isNaN(v) ? 0 : v;
    }
    s.nextLine();
  }
  return into;
}

/** Reads /proc/stat; emits cpu_cores, cpu_usage and cpu_core_usage{core}. */
export class ProcStatReader {
  private _prev = new CpuTicks();
  private _cur = new CpuTicks();
  private readonly _coreLabels: Labels[] = [];
  private readonly _file: ProcFile;

  /** Reads the baseline; throws when the file cannot be read, so the collector can note the gap. */
  constructor(procRoot: string, reopenEvery: number) {
    this._file = new ProcFile(`${procRoot}/stat`, reopenEvery);
    parseProcStat(this._file.read(), this._prev);
  }

  /** CPUs online at the last read (the number of cpuN lines). */
  get cpuCount(): number {
    return this._prev.count;
  }

  read(emit: Emit): void {
    const cur = parseProcStat(this._file.read(), this._cur);
    const prev = this._prev;
    if (cur.count > 0) emit('cpu_cores', cur.count);
    emit('cpu_usage', busyPercent(prev.all, cur.all));
    for (let i = 0; i < cur.count; i++) {
      const id = cur.ids[i]!;
      // CPUs can go offline between reads; match rows by id, not by position.
      const j = prev.ids[i] === id && i < prev.count ? i : prev.ids.indexOf(id, 0);
      if (j < 0 || j >= prev.count) continue;
      emit('cpu_core_usage', busyPercent(prev.cores[j]!, cur.cores[i]!), this._coreLabel(id));
    }
    this._prev = cur;
    this._cur = prev;
  }

  private _coreLabel(id: number): Labels {
    return (this._coreLabels[id] ??= Object.freeze({ core: String(id) }));
  }
}
