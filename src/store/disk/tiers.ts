/**
 * @module store/disk/tiers
 * The three tiers, their tables and the limits that let a range read find
 * every chunk it needs from the primary key alone.
 */
import type { RetentionMs, Tier } from './types.js';

export const TIERS: readonly Tier[] = ['raw', 'minute', 'hour'];

/** Bucket length of each rollup tier. */
export const PERIOD_MS = { minute: 60_000, hour: 3_600_000 } as const;

/**
 * A chunk is sealed once a sample would make it span this long, so every
 * chunk holding a time t starts after t - MAX_SPAN_MS: range reads bound
 * `start_t` on both sides. Raw: 2 h (Prometheus's head block cuts chunks at
 * its 2 h block boundary too). Rollups: 120 buckets of a regular series span
 * 2 h and 5 days; the caps only matter for series with gaps.
 */
export const MAX_SPAN_MS: Readonly<Record<Tier, number>> = { raw: 7_200_000, minute: 86_400_000, hour: 30 * 86_400_000 };

export const TABLE: Readonly<Record<Tier, string>> = { raw: 'chunks_raw', minute: 'chunks_minute', hour: 'chunks_hour' };

/** Rollup chunks hold these five columns per bucket, in this order. */
export const ROLLUP_COLUMNS = ['min', 'max', 'sum', 'count', 'last'] as const;

/** The finest tier whose retention reaches back to `start`. */
export function tierFor(start: number, now: number, r: RetentionMs): Tier {
  if (start >= now - r.rawMs) return 'raw';
  if (start >= now - r.minuteMs) return 'minute';
  return 'hour';
}

export function retentionOf(tier: Tier, r: RetentionMs): number {
  return tier === 'raw' ? r.rawMs : tier === 'minute' ? r.minuteMs : r.hourMs;
}

/** Start of the bucket holding `t`. */
export function bucketStart(t: number, period: number): number {
  return Math.floor(t / period) * period;
}
