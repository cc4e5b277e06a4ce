/**
 * @module store/disk/protocol
 * Messages between the DiskStore (main thread) and its writer thread.
 * Samples travel as typed arrays whose buffers are transferred, not copied.
 */
import type { SeriesDescriptor } from '../persistence.js';
import type { ColumnResult } from './query.js';
import type { RetentionMs, StoreQuery } from './types.js';

export interface WorkerInit {
  path: string;
  retention: RetentionMs;
  maxPendingSamples: number;
}

/** Samples i in [off, n) of three parallel columns. */
export interface Batch {
  ids: Uint32Array;
  ts: Float64Array;
  vs: Float64Array;
  n: number;
  off: number;
}

export type Def = [id: number, d: SeriesDescriptor];

/** One alert event as the `alert_events` table stores it; the record is JSON. */
export type AlertEventRow = [t: number, id: string, fingerprint: string, status: string, record: string];

export type ToWorker =
  | { type: 'samples'; now: number; defs: Def[]; batch: Batch }
  | { type: 'flush'; seq: number; now: number; defs: Def[]; batches: Batch[]; alerts: [string, string][] | undefined; events: AlertEventRow[]; state: [string, [string, string][]][] }
  | { type: 'query'; seq: number; now: number; defs: Def[]; batches: Batch[]; q: StoreQuery }
  | { type: 'close'; seq: number; now: number };

export interface WriterStatus {
  ok: boolean;
  error?: string;
  pending: number;
  dropped: number;
  rejected: number;
  /** Alert events waiting for a commit, and those dropped past the bound while commits failed. */
  pendingEvents: number;
  droppedEvents: number;
  lastFlushMs?: number;
  bytesOnDisk: number;
  series: number;
}

export type FromWorker =
  | { type: 'ack'; n: number; pending: number; dropped: number }
  | { type: 'status'; seq: number | undefined; status: WriterStatus }
  | { type: 'result'; seq: number; result?: ColumnResult; error?: { message: string; code?: string; details?: unknown[] } }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; msg: string }
  | { type: 'closed'; seq: number };
