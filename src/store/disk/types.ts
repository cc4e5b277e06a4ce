/**
 * @module store/disk/types
 * The persistent tier's public shapes: options, health, queries, persisted alerts.
 */
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { Labels } from '../../core/types.js';

export interface RetentionMs {
  rawMs: number;
  minuteMs: number;
  hourMs: number;
}

export interface DiskStoreOptions {
  dataDir: string;
  /** How often buffered samples are committed; default 5000 ms. */
  flushIntervalMs?: number;
  retention: RetentionMs;
  /** Samples held while the disk fails (and in flight); past it the oldest are dropped and counted. */
  maxPendingSamples: number;
  clock: Clock;
  logger: Logger;
  /** Called on every change ok <-> failing (not on every failed flush). */
  onHealth?: (h: DiskHealth) => void;
}

export interface DiskHealth {
  ok: boolean;
  /** The last failure, while failing. */
  error?: string;
  /** Clock time of the last change ok <-> failing. */
  since?: number;
  /** Samples accepted and not yet committed. */
  pendingSamples: number;
  /** Samples dropped because `maxPendingSamples` was reached while the disk failed. */
  droppedSamples: number;
  /** Samples refused by the writer: unknown series id, or a timestamp not after the series' last stored one. */
  rejectedSamples: number;
  /** Alert events not yet committed, and those dropped (over 10,000 waiting while the disk failed, or lost with the writer thread). */
  pendingAlertEvents: number;
  droppedAlertEvents: number;
  lastFlushAt?: number;
  lastFlushMs?: number;
  /** The database file and its write-ahead log. */
  bytesOnDisk: number;
  /** Series in the database. */
  series: number;
}

export interface PersistedAlert {
  fingerprint: string;
  /** The alert as the monitor gives it; stored as JSON. */
  record: unknown;
}

/** One row of the alert history: an incident's record as of one of its events. */
export interface StoredAlertEvent {
  t: number;
  id: string;
  fingerprint: string;
  status: string;
  record: unknown;
}

export interface StoreQuery {
  name: string;
  /** Exact match on each of these labels; other labels may have any value. */
  labels?: Labels;
  /** ms since the epoch, inclusive. */
  start: number;
  end: number;
  /** ms between points; without it, the stored points. */
  step?: number;
}

export type Tier = 'raw' | 'minute' | 'hour';

export interface QueryResult {
  tier: Tier;
  series: { labels: Labels; points: [number, number][] }[];
}
