/**
 * @module store/disk/seriesState
 * What the writer holds per stored series: the open chunk of each tier and
 * the rollup buckets still filling. Loaded from the database on a series'
 * first sample (after a start or a failed flush), so memory always matches
 * what is committed plus what is pending.
 */
import { ChunkEncoder, MAX_CHUNK_SAMPLES } from '../chunks/index.js';
import { Bucket } from './rollup.js';
import { stmt, type Db } from './schema.js';
import { TABLE } from './tiers.js';
import type { Tier } from './types.js';

export interface OpenChunk {
  enc: ChunkEncoder | undefined;
  startT: number;
  /** Newest timestamp stored in this tier, sealed chunks included. */
  lastT: number;
  /** Appended to since the chunk was last written. */
  dirty: boolean;
}

export type RollupTier = 'minute' | 'hour';

export class SeriesState {
  readonly chunks: Record<Tier, OpenChunk>;
  readonly buckets: Record<RollupTier, Bucket> = { minute: new Bucket(), hour: new Bucket() };
  /** Whether rollup_open holds a row for the tier, and whether the row is out of date. */
  readonly bucketSaved: Record<RollupTier, boolean> = { minute: false, hour: false };
  readonly bucketDirty: Record<RollupTier, boolean> = { minute: false, hour: false };
  /** In the writer's list of series to write at the end of the transaction. */
  queued = false;

  constructor(
    readonly dbId: number,
    chunks: Record<Tier, OpenChunk>,
  ) {
    this.chunks = chunks;
  }
}

interface LatestRow {
  start_t: number;
  end_t: number;
  count: number;
  data: Uint8Array;
}

function loadChunk(db: Db, tier: Tier, dbId: number, onCorrupt: (msg: string) => void): OpenChunk {
  const row = stmt(db, `SELECT start_t, end_t, count, data FROM ${TABLE[tier]} WHERE series_id = ? ORDER BY start_t DESC LIMIT 1`).get(dbId) as
    | LatestRow
    | undefined;
  if (row === undefined) return { enc: undefined, startT: NaN, lastT: -Infinity, dirty: false };
  let enc: ChunkEncoder | undefined;
  if (row.count < MAX_CHUNK_SAMPLES) {
    try {
      enc = ChunkEncoder.resume(row.data);
    } catch (e) {
      // Leave the damaged chunk as it is and start a new one after it.
      onCorrupt(`${TABLE[tier]} chunk of series ${dbId} at ${row.start_t} cannot be resumed (${e instanceof Error ? e.message : String(e)}); a new chunk starts after it`);
    }
  }
  return { enc, startT: row.start_t, lastT: row.end_t, dirty: false };
}

export function loadSeriesState(db: Db, dbId: number, onCorrupt: (msg: string) => void): SeriesState {
  const st = new SeriesState(dbId, {
    raw: loadChunk(db, 'raw', dbId, onCorrupt),
    minute: loadChunk(db, 'minute', dbId, onCorrupt),
    hour: loadChunk(db, 'hour', dbId, onCorrupt),
  });
  const rows = stmt(db, `SELECT tier, start_t, state FROM rollup_open WHERE series_id = ?`).all(dbId) as {
    tier: string;
    start_t: number;
    state: Uint8Array;
  }[];
  for (const r of rows) {
    if (r.tier !== 'minute' && r.tier !== 'hour') continue;
    st.buckets[r.tier].restore(r.start_t, r.state);
    st.bucketSaved[r.tier] = true;
  }
  return st;
}
