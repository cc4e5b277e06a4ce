/**
 * @module collect/system/loadavg
 * Load averages from /proc/loadavg: `0.22 0.21 0.09 2/83 3503`.
 */
import { ProcFile } from './procFile.js';
import type { Emit } from './samples.js';
import { Scanner } from './scan.js';

export interface LoadAverages {
  readonly m1: number;
  readonly m5: number;
  readonly m15: number;
}

const scanner = new Scanner();

/** The first three fields; NaN for any that is missing or malformed. */
export function parseLoadavg(text: string): LoadAverages {
  const s = scanner.reset(text);
  const m1 = Number(s.token() || NaN);
  const m5 = Number(s.token() || NaN);
  const m15 = Number(s.token() || NaN);
  return { m1, m5, m15 };
}

export function emitLoad(l: LoadAverages, emit: Emit): void {
  emit('load_average_1m', l.m1);
  emit('load_average_5m', l.m5);
  emit('load_average_15m', l.m15);
}

/** Reads /proc/loadavg. */
export class LoadavgReader {
  private readonly _file: ProcFile;

  /** Throws when the file cannot be read, so the collector can note the gap. */
  constructor(procRoot: string, reopenEvery: number) {
    this._file = new ProcFile(`${procRoot}/loadavg`, reopenEvery);
    this._file.read();
  }

  read(emit: Emit): void {
    emitLoad(parseLoadavg(this._file.read()), emit);
  }
}
