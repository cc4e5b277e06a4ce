/**
 * @module collect/system/diskstats
 * Disk throughput from /proc/diskstats. Fields after major, minor and name
 * (Documentation/admin-guide/iostats.rst): 1 reads completed, 2 reads merged,
 * 3 sectors read, 4 ms reading, 5 writes completed, 6 writes merged,
 * 7 sectors written, … A sector here is always 512 bytes, whatever the
 * device's real sector size.
 */
import { CounterRates } from './counterRates.js';
import { ProcFile } from './procFile.js';
import type { Emit } from './samples.js';
import { Scanner } from './scan.js';

/**
 * node_exporter's default `--collector.diskstats.device-exclude`
 * (collector/diskstats_linux.go): partitions, loop, ram/zram and floppy
 * devices, so whole disks are counted once.
 */
export const IGNORED_DEVICES = /^(z?ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$/;

const SECTOR_BYTES = 512;

/** One device's cumulative byte counters. */
export interface DiskCounters {
  readonly device: string;
  readonly readBytes: number;
  readonly writtenBytes: number;
}

const scanner = new Scanner();

/** Calls `each(device, readBytes, writtenBytes)` per well-formed line. */
export function scanDiskstats(text: string, each: (device: string, readBytes: number, writtenBytes: number) => void): void {
  const s = scanner.reset(text);
  while (!s.eof) {
    s.uint(); // major
    s.uint(); // minor
    const device = s.token();
    s.uint(); // reads completed
    s.uint(); // reads merged
    const sectorsRead = s.uint();
    s.uint(); // ms reading
    s.uint(); // writes completed
    s.uint(); // writes merged
    const sectorsWritten = s.uint();
    if (device !== '' && !Number.isNaN(sectorsWritten)) each(device, sectorsRead * SECTOR_BYTES, sectorsWritten * SECTOR_BYTES);
    s.nextLine();
  }
}

/** The pure parse, as a list (tests and one-off use; the reader streams). */
export function parseDiskstats(text: string): DiskCounters[] {
  const out: DiskCounters[] = [];
  scanDiskstats(text, (device, readBytes, writtenBytes) => out.push({ device, readBytes, writtenBytes }));
  return out;
}

/** Reads /proc/diskstats; emits disk_{read,write}_bytes_per_second{device}. */
export class DiskstatsReader {
  private readonly _file: ProcFile;
  private readonly _rates = new CounterRates('disk_read_bytes_per_second', 'disk_write_bytes_per_second', (d) =>
    IGNORED_DEVICES.test(d),
  );
  private _emit: Emit = () => {};
  private readonly _each = (device: string, r: number, w: number): void => this._rates.observe(device, r, w, this._emit);

  /** Reads the baseline; throws when the file cannot be read, so the collector can note the gap. */
  constructor(procRoot: string, nowMs: number, reopenEvery: number) {
    this._file = new ProcFile(`${procRoot}/diskstats`, reopenEvery);
    this.read(() => {}, nowMs);
  }

  read(emit: Emit, nowMs: number): void {
    const text = this._file.read();
    this._emit = emit;
    this._rates.begin(nowMs);
    scanDiskstats(text, this._each);
    this._rates.end();
  }
}
