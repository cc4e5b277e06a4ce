/**
 * @module collect/system/nodeOs
 * The portable fallback for platforms without /proc (darwin, win32, the BSDs):
 * CPU from os.cpus() tick deltas, memory from os.totalmem()/os.freemem(), load
 * from os.loadavg(). os.cpus() has no iowait field, so busy = total − idle.
 */
import os from 'node:os';
import type { Labels } from '../../core/types.js';
import type { Emit } from './samples.js';

type CpuTimes = os.CpuInfo['times'];

/** Busy % between two os.cpus() time readings; NaN when no time elapsed. */
export function cpuTimesBusyPercent(prev: CpuTimes, cur: CpuTimes): number {
  const d = (k: keyof CpuTimes): number => Math.max(0, cur[k] - prev[k]);
  const idle = d('idle');
  const total = d('user') + d('nice') + d('sys') + d('irq') + idle;
  return total > 0 ? ((total - idle) / total) * 100 : NaN;
}

function sumTimes(cpus: readonly os.CpuInfo[]): CpuTimes {
  const t: CpuTimes = { user: 0, nice: 0, sys: 0, idle: 0, irq: 0 };
  for (const c of cpus) {
    t.user += c.times.user;
    t.nice += c.times.nice;
    t.sys += c.times.sys;
    t.idle += c.times.idle;
    t.irq += c.times.irq;
  }
  return t;
}

/** What the portable path cannot report, one line per capability. */
export function portableNotes(platform: NodeJS.Platform): string[] {
  const notes = [
    `cpu: from os.cpus(); iowait is not separated on ${platform}`,
    `memory: from os.totalmem()/os.freemem(); no swap_usage on ${platform}`,
    `disk I/O: not available on ${platform}`,
    `network: not available on ${platform}`,
    `filesystems: only disk_usage of / on ${platform}; no per-mount filesystem_* series`,
    `cgroup: not available on ${platform}`,
  ];
  if (platform === 'win32') notes.push('load average: not available on win32 (os.loadavg() is always 0)');
  return notes;
}

/** Emits cpu_cores, cpu_usage, cpu_core_usage{core}, memory_* and load_average_* from node:os. */
export class NodeOsReader {
  private _prev: os.CpuInfo[];
  private readonly _coreLabels: Labels[] = [];

  constructor(private readonly _platform: NodeJS.Platform) {
    this._prev = os.cpus();
  }

  read(emit: Emit): void {
    const cur = os.cpus();
    const prev = this._prev;
    if (cur.length > 0) emit('cpu_cores', cur.length);
    if (cur.length === prev.length) {
      emit('cpu_usage', cpuTimesBusyPercent(sumTimes(prev), sumTimes(cur)));
      for (let i = 0; i < cur.length; i++) {
        emit('cpu_core_usage', cpuTimesBusyPercent(prev[i]!.times, cur[i]!.times), this._coreLabel(i));
      }
    }
    this._prev = cur;

    const total = os.totalmem();
    const free = os.freemem();
    if (total > 0) {
      emit('memory_total_bytes', total);
      emit('memory_available_bytes', free);
      emit('memory_used_bytes', total - free);
      emit('memory_usage', ((total - free) / total) * 100);
    }
    if (this._platform !== 'win32') {
      const [m1, m5, m15] = os.loadavg();
      emit('load_average_1m', m1 ?? NaN);
      emit('load_average_5m', m5 ?? NaN);
      emit('load_average_15m', m15 ?? NaN);
    }
  }

  private _coreLabel(i: number): Labels {
    return (this._coreLabels[i] ??= Object.freeze({ core: String(i) }));
  }
}
