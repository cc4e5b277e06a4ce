/**
 * @module collect/system/selfProcess
 * The monitor's own cost: CPU from process.cpuUsage() deltas (user + system,
 * all threads, libuv's threadpool included) over wall time, as % of one core
 * (so it can exceed 100 on several cores, like `top`), and resident memory
 * from process.memoryUsage.rss(), which reads /proc/self/statm without
 * building the heap statistics memoryUsage() would.
 */
import type { Emit } from './samples.js';

/** CPU % of one core between two cpuUsage() totals (µs) taken `elapsedMs` apart; NaN for no elapsed time. */
export function processCpuPercent(prevUs: number, curUs: number, elapsedMs: number): number {
  if (!(elapsedMs > 0) || curUs < prevUs) return NaN;
  return ((curUs - prevUs) / 1000 / elapsedMs) * 100;
}

/** Emits process_cpu_usage and process_resident_memory_bytes. */
export class SelfProcessReader {
  private _prevUs: number;
  private _prevMs: number;

  constructor(nowMs: number) {
    const u = process.cpuUsage();
    this._prevUs = u.user + u.system;
    this._prevMs = nowMs;
  }

  read(emit: Emit, nowMs: number): void {
    const u = process.cpuUsage();
    const us = u.user + u.system;
    emit('process_cpu_usage', processCpuPercent(this._prevUs, us, nowMs - this._prevMs));
    emit('process_resident_memory_bytes', process.memoryUsage.rss());
    this._prevUs = us;
    this._prevMs = nowMs;
  }
}
