/**
 * @module store/disk/reader
 * Read-only access to a data dir, beside a running agent or without one: no
 * lock, no writes (WAL lets readers and the one writer work at once). For
 * `echo-perf query` and other tools.
 */
import { EchoPerfError, describeError } from '../../core/errors.js';
import { DecodedChunkCache } from './chunkCache.js';
import { toPoints, validateQuery, runBands, runQuery, type BandSeries } from './query.js';
import { readAlertEvents, readResolvedAcross } from './alertHistory.js';
import { readAlerts } from './restore.js';
import { dbPath, openReadonly, stmt, type Db } from './schema.js';
import { silentLogger } from '../../core/logger.js';
import type { PersistedAlert, QueryResult, RetentionMs, StoreQuery, StoredAlertEvent, Tier } from './types.js';

/** The defaults of `storage.retention` (2 d, 30 d, 365 d), for a database that never recorded its own. */
export const DEFAULT_RETENTION: RetentionMs = { rawMs: 172_800_000, minuteMs: 2_592_000_000, hourMs: 31_536_000_000 };
/** Names listed at most by seriesNames(). */
export const MAX_NAMES = 100_000;

export interface DiskReaderOptions {
  /** The time queries are answered as of (it picks the tier); default the wall clock. */
  now?: () => number;
}

export class DiskReader {
  /** Decoded chunks for repeated queries (16 MiB). */
  private readonly _cache = new DecodedChunkCache(16 * 1024 * 1024);

  private constructor(
    private readonly _db: Db,
    private readonly _retention: RetentionMs,
    private readonly _now: () => number,
  ) {}

  static open(dataDir: string, options: DiskReaderOptions = {}): DiskReader {
    if (typeof dataDir !== 'string' || dataDir === '') {
      throw new EchoPerfError('EP_ERR_ARGUMENT', `data dir: got ${JSON.stringify(dataDir)?.slice(0, 100)}; expected a directory path`);
    }
    const db = openReadonly(dbPath(dataDir));
    try {
      return new DiskReader(db, readRetention(db), options.now ?? Date.now);
    } catch (e) {
      db.close();
      throw new EchoPerfError('EP_ERR_STORE_OPEN', `cannot read ${dbPath(dataDir)}: ${describeError(e)}`, { cause: e });
    }
  }

  /** The stored points of `q` (see docs/storage.md for the tier and step rules). */
  query(q: StoreQuery): QueryResult {
    return toPoints(runQuery(this._db, validateQuery(q), this._now(), this._retention, this._cache));
  }

  /** Each rollup bucket's min and max for `q` (none when the range is in the raw tier), for bands around the means `query` gives. */
  bands(q: StoreQuery): { tier: Tier; series: BandSeries[] } {
    return runBands(this._db, validateQuery(q), this._now(), this._retention, this._cache);
  }

  /** The alert records the agent saved last: those firing at its last flush (records that are not JSON are skipped). */
  alerts(): PersistedAlert[] {
    return readAlerts(this._db, silentLogger);
  }

  /**
   * The alert history: every event (firing, escalated, repeated, resolved)
   * with from <= t <= to, oldest first, at most `limit` (1 to 100,000).
   * Events older than storage.retention.minute are gone.
   */
  alertEvents(from: number, to: number, limit = 10_000): StoredAlertEvent[] {
    return readAlertEvents(this._db, from, to, limit);
  }

  /** Resolved events after `at` of incidents already firing at `at` (at most `limit`), oldest first. */
  resolvedAcross(at: number, limit = 10_000): StoredAlertEvent[] {
    return readResolvedAcross(this._db, at, limit);
  }

  /** Names of the stored series, sorted. */
  seriesNames(): string[] {
    const rows = stmt(this._db, `SELECT DISTINCT name FROM series ORDER BY name LIMIT ${MAX_NAMES}`).all() as { name: string }[];
    return rows.map((r) => r.name);
  }

  close(): void {
    if (this._db.open) this._db.close();
  }
}

function readRetention(db: Db): RetentionMs {
  const row = stmt(db, `SELECT value FROM meta WHERE key = 'retention'`).get() as { value: string } | undefined;
  if (row === undefined) return DEFAULT_RETENTION;
  const r = JSON.parse(row.value) as Partial<RetentionMs>;
  const pick = (v: unknown, d: number): number => (typeof v === 'number' && v > 0 ? v : d);
  return {
    rawMs: pick(r.rawMs, DEFAULT_RETENTION.rawMs),
    minuteMs: pick(r.minuteMs, DEFAULT_RETENTION.minuteMs),
    hourMs: pick(r.hourMs, DEFAULT_RETENTION.hourMs),
  };
}
