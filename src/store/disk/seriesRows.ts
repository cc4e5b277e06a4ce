/**
 * @module store/disk/seriesRows
 * The `series` table's rows as descriptors, and the reads of stored chunks
 * that both the writer thread and read-only readers share.
 */
import { EchoPerfError, describeError } from '../../core/errors.js';
import { setLabel } from '../../core/labels.js';
import type { Labels, MetricType } from '../../core/types.js';
import { decodeChunk, type DecodedChunk } from '../chunks/index.js';
import type { SeriesDescriptor } from '../persistence.js';
import type { DecodedChunkCache } from './chunkCache.js';
import { stmt, type Db } from './schema.js';
import { MAX_SPAN_MS, TABLE } from './tiers.js';
import type { Tier } from './types.js';

export interface SeriesRow {
  id: number;
  key: string;
  name: string;
  labels: string;
  type: string | null;
  help: string | null;
  unit: string | null;
  origin: string | null;
}

/** Labels from their stored JSON; `__proto__` stays an own label (JSON.parse keeps it as data). */
export function parseLabels(json: string): Labels {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(json) as Record<string, unknown>;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
  } catch (e) {
    throw new EchoPerfError('EP_ERR_STORE_CORRUPT', `series labels: got ${JSON.stringify(String(json).slice(0, 100))}; expected a JSON object (${describeError(e)})`);
  }
  const out: Record<string, string> = {};
  for (const k of Object.keys(parsed)) {
    const v = parsed[k];
    if (typeof v === 'string') setLabel(out, k, v);
  }
  return out;
}

export function descriptorOf(row: SeriesRow): SeriesDescriptor {
  return {
    key: row.key,
    name: row.name,
    labels: parseLabels(row.labels),
    ...(row.type !== null && { type: row.type as MetricType }),
    ...(row.help !== null && { help: row.help }),
    ...(row.unit !== null && { unit: row.unit }),
    ...(row.origin !== null && { origin: row.origin }),
  };
}

/** A growable pair of float64 columns: decoded points without per-point objects. */
export class Points {
  t = new Float64Array(256);
  v = new Float64Array(256);
  n = 0;

  push(t: number, v: number): void {
    if (this.n === this.t.length) {
      const t2 = new Float64Array(this.n * 2);
      const v2 = new Float64Array(this.n * 2);
      t2.set(this.t);
      v2.set(this.v);
      this.t = t2;
      this.v = v2;
    }
    this.t[this.n] = t;
    this.v[this.n++] = v;
  }

  /** Exact-length copies (transferable). */
  trimmed(): { t: Float64Array; v: Float64Array } {
    return { t: this.t.slice(0, this.n), v: this.v.slice(0, this.n) };
  }
}

interface ChunkRow {
  start_t: number;
  end_t: number;
  count: number;
  data: Uint8Array;
}

/** Decoded chunks of one series that may hold a point in [from, to], oldest first. */
export function chunksBetween(db: Db, tier: Tier, seriesId: number, from: number, to: number, cache?: DecodedChunkCache): DecodedChunk[] {
  const rows = stmt(
    db,
    `SELECT start_t, end_t, count, data FROM ${TABLE[tier]} WHERE series_id = ? AND start_t > ? AND start_t <= ? AND end_t >= ? ORDER BY start_t`,
  ).all(seriesId, from - MAX_SPAN_MS[tier], to, from) as ChunkRow[];
  return rows.map((r) => {
    if (cache === undefined) return decodeChunk(r.data);
    const key = `${tier}:${seriesId}:${r.start_t}:${r.end_t}:${r.count}`;
    let d = cache.get(key);
    if (d === undefined) cache.set(key, (d = decodeChunk(r.data)));
    return d;
  });
}
