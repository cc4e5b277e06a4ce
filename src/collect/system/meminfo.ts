/**
 * @module collect/system/meminfo
 * Memory from /proc/meminfo with psutil's virtual_memory() definitions
 * (psutil/_pslinux.py): available = MemAvailable; used = total − available;
 * percent = used / total × 100. node_exporter's NodeMemoryHighUtilization alert
 * uses the same ratio (100 − Avail/Total × 100).
 */
import { ProcFile } from './procFile.js';
import type { Emit } from './samples.js';

/** The /proc/meminfo fields we use, in bytes; NaN when a field is absent. */
export interface MemInfo {
  readonly total: number;
  readonly free: number;
  readonly available: number;
  readonly buffers: number;
  readonly cached: number;
  readonly swapTotal: number;
  readonly swapFree: number;
}

/**
 * One field's value in bytes. Searching for "\nKey:" with indexOf is cheaper
 * than splitting ~50 lines, and the newline keeps `Cached:` from matching
 * `SwapCached:`.
 */
function field(text: string, key: string): number {
  let i: number;
  if (text.startsWith(key)) i = key.length;
  else {
    i = text.indexOf('\n' + key);
    if (i < 0) return NaN;
    i += key.length + 1;
  }
  while (text.charCodeAt(i) === 32) i++;
  let v = 0;
  const start = i;
  for (let c = text.charCodeAt(i); c >= 48 && c <= 57; c = text.charCodeAt(++i)) v = v * 10 + (c - 48);
  if (i === start) return NaN;
  // Every sized field is in kB (really KiB, proc(5)); HugePages_* counts are bare.
  return text.startsWith(' kB', i) ? v * 1024 : v;
}

export function parseMeminfo(text: string): MemInfo {
  return {
    total: field(text, 'MemTotal:'),
    free: field(text, 'MemFree:'),
    available: field(text, 'MemAvailable:'),
    buffers: field(text, 'Buffers:'),
    cached: field(text, 'Cached:'),
    swapTotal: field(text, 'SwapTotal:'),
    swapFree: field(text, 'SwapFree:'),
  };
}

/**
 * Available memory as psutil computes it. MemAvailable exists since Linux
 * 3.14; when it is missing (or 0, a kernel bug psutil works around, gh-1915)
 * we estimate MemFree + Buffers + Cached. psutil's own estimate also subtracts
 * the zone low watermarks from /proc/zoneinfo; ours is the rougher one. When
 * available exceeds total (seen in LXC containers) it falls back to MemFree.
 */
export function availableBytes(m: MemInfo): number {
  let avail = m.available;
  if (!(avail > 0)) avail = m.free + (m.buffers || 0) + (m.cached || 0);
  if (avail > m.total) avail = m.free;
  return avail;
}

/** Emits memory_usage, memory_{total,available,used}_bytes and swap_usage. */
export function emitMemory(m: MemInfo, emit: Emit): void {
  if (!(m.total > 0)) return;
  const avail = availableBytes(m);
  emit('memory_total_bytes', m.total);
  emit('memory_available_bytes', avail);
  emit('memory_used_bytes', m.total - avail);
  emit('memory_usage', ((m.total - avail) / m.total) * 100);
  // psutil swap_memory(): used = total − free, percent = used / total; no swap → omitted.
  if (m.swapTotal > 0) emit('swap_usage', ((m.swapTotal - m.swapFree) / m.swapTotal) * 100);
}

/** Reads /proc/meminfo. */
export class MeminfoReader {
  private readonly _file: ProcFile;

  /** Throws when the file cannot be read, so the collector can note the gap. */
  constructor(procRoot: string, reopenEvery: number) {
    this._file = new ProcFile(`${procRoot}/meminfo`, reopenEvery);
    this._file.read();
  }

  read(emit: Emit): void {
    emitMemory(parseMeminfo(this._file.read()), emit);
  }
}
