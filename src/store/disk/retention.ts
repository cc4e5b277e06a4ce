/**
 * @module store/disk/retention
 * Deletes whole chunks past their tier's retention and alert events past the
 * minute tier's, a few small batches per flush (each its own short
 * transaction, so a big backlog never holds the writer for long), then hands
 * freed pages back to the file system.
 */
import { stmt, type Db } from './schema.js';
import { PERIOD_MS, TABLE, TIERS, retentionOf } from './tiers.js';
import type { RetentionMs } from './types.js';
import { BUCKET_GRACE_MS, type ChunkWriter } from './writer.js';

/** Chunks deleted per statement, and statements per tier and pass. */
export const RETENTION_BATCH = 500;
export const RETENTION_BATCHES_PER_PASS = 8;
/** Clock time between passes, unless the last one left work behind. */
export const RETENTION_EVERY_MS = 60_000;
/** Pages (4 KiB) returned to the file system per pass at most. */
export const VACUUM_PAGES_PER_PASS = 2048;
/** Series per pass whose long-expired open bucket gets loaded so the next commit closes it. */
const STALE_BUCKETS_PER_PASS = 1000;

/** One retention pass as of `now`: chunks deleted, and whether more are due (a batch limit was reached). */
export function retentionPass(db: Db, writer: ChunkWriter, now: number, r: RetentionMs): { deleted: number; more: boolean } {
  let deleted = 0;
  let more = false;
  for (const tier of TIERS) {
    const cutoff = now - retentionOf(tier, r);
    const del = stmt(
      db,
      `DELETE FROM ${TABLE[tier]} WHERE (series_id, start_t) IN
         (SELECT series_id, start_t FROM ${TABLE[tier]} WHERE end_t < ? LIMIT ${RETENTION_BATCH})`,
    );
    for (let i = 0; ; i++) {
      const n = del.run(cutoff).changes;
      deleted += n;
      if (n < RETENTION_BATCH) break;
      if (i + 1 === RETENTION_BATCHES_PER_PASS) {
        more = true;
        break;
      }
    }
  }
  // Alert history is kept as long as the minute tier: a report over any range that tier covers shows its incidents.
  const delEvents = stmt(db, `DELETE FROM alert_events WHERE seq IN (SELECT seq FROM alert_events WHERE t < ? LIMIT ${RETENTION_BATCH})`);
  for (let i = 0; ; i++) {
    const n = delEvents.run(now - r.minuteMs).changes;
    deleted += n;
    if (n < RETENTION_BATCH) break;
    if (i + 1 === RETENTION_BATCHES_PER_PASS) {
      more = true;
      break;
    }
  }
  // Buckets of series that stopped before this process started are still open on disk.
  for (const tier of ['minute', 'hour'] as const) {
    const rows = stmt(db, `SELECT series_id FROM rollup_open WHERE tier = ? AND start_t < ? LIMIT ${STALE_BUCKETS_PER_PASS}`).all(
      tier,
      now - PERIOD_MS[tier] - BUCKET_GRACE_MS,
    ) as { series_id: number }[];
    for (const row of rows) writer.touch(row.series_id);
  }
  const free = db.pragma('freelist_count', { simple: true }) as number;
  if (free > 0) db.pragma(`incremental_vacuum(${VACUUM_PAGES_PER_PASS})`);
  return { deleted, more: more || free > VACUUM_PAGES_PER_PASS };
}
