/**
 * @module collect/system/netdev
 * Network throughput from /proc/net/dev: two header lines, then per interface
 * `name: rx_bytes rx_packets rx_errs rx_drop rx_fifo rx_frame rx_compressed
 * rx_multicast tx_bytes …`. Large counters can touch the colon
 * (`eth0:145470498`). Every interface is reported, lo included.
 */
import { CounterRates } from './counterRates.js';
import { ProcFile } from './procFile.js';
import type { Emit } from './samples.js';
import { Scanner } from './scan.js';

/** One interface's cumulative byte counters. */
export interface NetCounters {
  readonly device: string;
  readonly receiveBytes: number;
  readonly transmitBytes: number;
}

const scanner = new Scanner();

/** Calls `each(device, rxBytes, txBytes)` per interface line. */
export function scanNetDev(text: string, each: (device: string, rxBytes: number, txBytes: number) => void): void {
  const s = scanner.reset(text);
  while (!s.eof) {
    const device = s.until(':');
    if (device !== undefined && device !== '') {
      const rx = s.uint();
      for (let i = 0; i < 7; i++) s.uint();
      const tx = s.uint();
      if (!Number.isNaN(tx)) each(device, rx, tx);
    }
    s.nextLine();
  }
}

/** The pure parse, as a list. */
export function parseNetDev(text: string): NetCounters[] {
  const out: NetCounters[] = [];
  scanNetDev(text, (device, receiveBytes, transmitBytes) => out.push({ device, receiveBytes, transmitBytes }));
  return out;
}

/** Reads /proc/net/dev; emits network_{receive,transmit}_bytes_per_second{device}. */
export class NetDevReader {
  private readonly _file: ProcFile;
  private readonly _rates = new CounterRates(
    'network_receive_bytes_per_second',
    'network_transmit_bytes_per_second',
    () => false,
  );
  private _emit: Emit = () => {};
  private readonly _each = (device: string, rx: number, tx: number): void => this._rates.observe(device, rx, tx, this._emit);

  /** Reads the baseline; throws when the file cannot be read, so the collector can note the gap. */
  constructor(procRoot: string, nowMs: number, reopenEvery: number) {
    this._file = new ProcFile(`${procRoot}/net/dev`, reopenEvery);
    this.read(() => {}, nowMs);
  }

  read(emit: Emit, nowMs: number): void {
    const text = this._file.read();
    this._emit = emit;
    this._rates.begin(nowMs);
    scanNetDev(text, this._each);
    this._rates.end();
  }
}
