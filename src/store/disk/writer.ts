/**
 * @module store/disk/writer
 * The writer thread's work, over one database connection: pending samples
 * are applied to each series' open chunks and rollup buckets, and everything
 * a flush changed is written in one transaction. A failed transaction rolls
 * back the database; the writer then forgets its in-memory chunks too and
 * keeps the pending samples, so the retry re-applies them to what is on disk
 * (exactly once, whatever failed).
 */
import type { SeriesDescriptor } from '../persistence.js';
import { ChunkEncoder, MAX_CHUNK_SAMPLES } from '../chunks/index.js';
import { MAX_PENDING_ALERT_EVENTS } from './options.js';
import type { AlertEventRow, Batch } from './protocol.js';
import { stmt, type Db } from './schema.js';
import { loadSeriesState, type OpenChunk, type RollupTier, type SeriesState } from './seriesState.js';
import { MAX_SPAN_MS, PERIOD_MS, TABLE, bucketStart, retentionOf } from './tiers.js';
import type { RetentionMs, Tier } from './types.js';

/** A bucket is closed by time this long after its period ends, so samples stamped a little late still count. */
export const BUCKET_GRACE_MS = 60_000;
// Rows handed to the encoder, reused: no allocation per sample.
const one = new Float64Array(1);
const five = new Float64Array(5);

/** Largest timestamp stored: 2^53 ms, the chunk codec's range. */
const MAX_T = 2 ** 53;

export interface WriterOptions {
  retention: RetentionMs;
  maxPendingSamples: number;
  warn: (msg: string) => void;
}

export class ChunkWriter {
  private readonly _desc: (SeriesDescriptor | undefined)[] = [];
  private readonly _pendingDefs = new Set<number>();
  private _dbIdOf: (number | undefined)[] = [];
  private _stateOf: (SeriesState | undefined)[] = [];
  private readonly _states = new Map<number, SeriesState>();
  private readonly _openBuckets = new Set<SeriesState>();
  private _dirty: SeriesState[] = [];
  private _pending: Batch[] = [];
  private _alerts: [string, string][] | undefined;
  private _events: AlertEventRow[] = [];
  private readonly _state = new Map<string, [string, string][]>();
  private _txRejected = 0;
  pendingCount = 0;
  dropped = 0;
  rejected = 0;
  droppedEvents = 0;

  private _conn: Db | undefined;

  constructor(private readonly _o: WriterOptions) {}

  /** The connection commits go to; samples may be queued before there is one. */
  attach(db: Db): void {
    this._conn = db;
  }

  private get _db(): Db {
    if (this._conn === undefined) throw new Error('the store database is not open');
    return this._conn;
  }

  get hasPendingDefs(): boolean {
    return this._pendingDefs.size > 0;
  }

  define(id: number, d: SeriesDescriptor): void {
    this._desc[id] = d;
    this._pendingDefs.add(id);
  }

  /** Queues samples; past maxPendingSamples the oldest queued ones are dropped and counted. */
  enqueue(b: Batch): void {
    this._pending.push(b);
    this.pendingCount += b.n - b.off;
  }

  /** Drops the oldest pending samples over the bound (while commits fail). */
  bound(): void {
    let excess = this.pendingCount - this._o.maxPendingSamples;
    while (excess > 0 && this._pending.length > 0) {
      const b = this._pending[0]!;
      const k = Math.min(excess, b.n - b.off);
      b.off += k;
      excess -= k;
      this.pendingCount -= k;
      this.dropped += k;
      if (b.off === b.n) this._pending.shift();
    }
  }

  /** The alert set to write with the next commit, replacing the stored one. */
  setAlerts(alerts: [string, string][]): void {
    this._alerts = alerts;
  }

  /** Alert events to append with the next commit; kept across failed commits, the oldest dropped past the bound. */
  addEvents(rows: readonly AlertEventRow[]): void {
    for (const r of rows) this._events.push(r);
    const excess = this._events.length - MAX_PENDING_ALERT_EVENTS;
    if (excess > 0) {
      this._events.splice(0, excess);
      this.droppedEvents += excess;
    }
  }

  get pendingEvents(): number {
    return this._events.length;
  }

  /** A namespace's state rows to write with the next commit, replacing its stored rows. */
  setState(namespace: string, rows: [string, string][]): void {
    this._state.set(namespace, rows);
  }

  /** Applies everything pending in one transaction; true when series were (re)defined. Throws (with memory reset) when it fails. */
  commit(now: number): boolean {
    const defined = this._pendingDefs.size > 0;
    try {
      this._db.transaction(() => {
        for (const id of this._pendingDefs) this._upsertSeries(id);
        for (const b of this._pending) {
          const { ids, ts, vs, n } = b;
          for (let i = b.off; i < n; i++) this._apply(ids[i]!, ts[i]!, vs[i]!);
        }
        this._closeExpiredBuckets(now);
        this._writeDirty();
        if (this._alerts !== undefined) {
          stmt(this._db, `DELETE FROM alerts`).run();
          const ins = stmt(this._db, `INSERT OR REPLACE INTO alerts (fingerprint, record) VALUES (?, ?)`);
          for (const [fp, json] of this._alerts) ins.run(fp, json);
        }
        if (this._events.length > 0) {
          const ins = stmt(this._db, `INSERT INTO alert_events (t, id, fingerprint, status, record) VALUES (?, ?, ?, ?, ?)`);
          for (const [t, id, fp, status, json] of this._events) ins.run(Math.round(t), id, fp, status, json);
        }
        for (const [ns, rows] of this._state) {
          stmt(this._db, `DELETE FROM state WHERE namespace = ?`).run(ns);
          const ins = stmt(this._db, `INSERT INTO state (namespace, key, value) VALUES (?, ?, ?)`);
          for (const [k, json] of rows) ins.run(ns, k, json);
        }
      })();
    } catch (e) {
      this._reset();
      throw e;
    }
    this._pendingDefs.clear();
    this._pending = [];
    this.pendingCount = 0;
    this._alerts = undefined;
    this._events = [];
    this._state.clear();
    this.rejected += this._txRejected;
    this._txRejected = 0;
    return defined;
  }

  /** A series the retention pass found with a bucket left open long ago: loaded so the next commit closes it. */
  touch(dbId: number): void {
    if (this._states.has(dbId)) return;
    const st = loadSeriesState(this._db, dbId, this._o.warn);
    this._states.set(dbId, st);
    if (st.buckets.minute.open || st.buckets.hour.open) this._openBuckets.add(st);
  }

  private _reset(): void {
    this._dbIdOf = [];
    this._stateOf = [];
    this._states.clear();
    this._openBuckets.clear();
    this._dirty = [];
    this._txRejected = 0;
    // Definitions rolled back with the transaction: define them all again.
    this._desc.forEach((_d, id) => this._pendingDefs.add(id));
  }

  private _upsertSeries(id: number): number | undefined {
    const d = this._desc[id];
    if (d === undefined) return undefined;
    const row = stmt(
      this._db,
      `INSERT INTO series (key, name, labels, type, help, unit, origin) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET type = coalesce(excluded.type, type), help = coalesce(excluded.help, help),
         unit = coalesce(excluded.unit, unit), origin = coalesce(excluded.origin, origin)
       RETURNING id`,
    ).get(d.key, d.name, JSON.stringify(d.labels), d.type ?? null, d.help ?? null, d.unit ?? null, d.origin ?? null) as { id: number };
    if (this._dbIdOf[id] !== row.id) this._stateOf[id] = undefined;
    this._dbIdOf[id] = row.id;
    return row.id;
  }

  private _stateFor(id: number): SeriesState | undefined {
    const dbId = this._dbIdOf[id] ?? this._upsertSeries(id);
    if (dbId === undefined) return undefined;
    let st = this._states.get(dbId);
    if (st === undefined) {
      st = loadSeriesState(this._db, dbId, this._o.warn);
      this._states.set(dbId, st);
      if (st.buckets.minute.open || st.buckets.hour.open) this._openBuckets.add(st);
    }
    this._stateOf[id] = st;
    return st;
  }

  private _apply(id: number, t: number, v: number): void {
    const st = this._stateOf[id] ?? this._stateFor(id);
    // Stored time has 1 ms resolution, as in Prometheus.
    t = Math.round(t);
    if (st === undefined || !(t > st.chunks.raw.lastT) || !(t >= 0 && t < MAX_T)) {
      this._txRejected++;
      return;
    }
    if (!this._append(st, 'raw', t, v, 0, 0, 0, 0)) return;
    this._roll(st, 'minute', t, v);
    this._roll(st, 'hour', t, v);
  }

  private _roll(st: SeriesState, tier: RollupTier, t: number, v: number): void {
    const b = st.buckets[tier];
    const start = bucketStart(t, PERIOD_MS[tier]);
    if (b.open && start !== b.start) this._closeBucket(st, tier);
    if (v !== v) return; // NaN: no magnitude to roll up
    b.add(start, v);
    st.bucketDirty[tier] = true;
    this._openBuckets.add(st);
  }

  private _closeBucket(st: SeriesState, tier: RollupTier): void {
    const b = st.buckets[tier];
    this._append(st, tier, b.start, b.min, b.max, b.sum, b.count, b.last);
    b.clear();
    st.bucketDirty[tier] = true;
  }

  /** Appends one point to the tier's open chunk, sealing it first when full, too long, or older than retention. */
  private _append(st: SeriesState, tier: Tier, t: number, a: number, b: number, c: number, d: number, e: number): boolean {
    const ch = st.chunks[tier];
    if (
      ch.enc !== undefined &&
      (ch.enc.count >= MAX_CHUNK_SAMPLES || t - ch.startT >= MAX_SPAN_MS[tier] || t - ch.lastT >= retentionOf(tier, this._o.retention))
    ) {
      this._seal(st, ch, tier);
    }
    if (ch.enc === undefined) {
      ch.enc = new ChunkEncoder(tier === 'raw' ? 1 : 5);
      ch.startT = t;
    }
    let ok: boolean;
    if (tier === 'raw') {
      one[0] = a;
      ok = ch.enc.appendRow(t, one);
    } else {
      five[0] = a;
      five[1] = b;
      five[2] = c;
      five[3] = d;
      five[4] = e;
      ok = ch.enc.appendRow(t, five);
    }
    if (!ok) {
      this._txRejected++;
      return false;
    }
    ch.lastT = t;
    ch.dirty = true;
    if (!st.queued) {
      st.queued = true;
      this._dirty.push(st);
    }
    return true;
  }

  private _seal(st: SeriesState, ch: OpenChunk, tier: Tier): void {
    if (ch.dirty) this._writeChunk(st, ch, tier);
    ch.enc = undefined;
    ch.dirty = false;
  }

  private _writeChunk(st: SeriesState, ch: OpenChunk, tier: Tier): void {
    const enc = ch.enc!;
    stmt(
      this._db,
      `INSERT INTO ${TABLE[tier]} (series_id, start_t, end_t, count, data) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (series_id, start_t) DO UPDATE SET end_t = excluded.end_t, count = excluded.count, data = excluded.data`,
    ).run(st.dbId, ch.startT, enc.lastT, enc.count, enc.bytes());
  }

  private _closeExpiredBuckets(now: number): void {
    for (const st of this._openBuckets) {
      for (const tier of ['minute', 'hour'] as const) {
        const b = st.buckets[tier];
        if (b.open && now >= b.start + PERIOD_MS[tier] + BUCKET_GRACE_MS) this._closeBucket(st, tier);
      }
      if (!st.buckets.minute.open && !st.buckets.hour.open) this._openBuckets.delete(st);
      if (!st.queued && (st.bucketDirty.minute || st.bucketDirty.hour)) {
        st.queued = true;
        this._dirty.push(st);
      }
    }
  }

  private _writeDirty(): void {
    const upsertOpen = stmt(
      this._db,
      `INSERT INTO rollup_open (series_id, tier, start_t, state) VALUES (?, ?, ?, ?)
       ON CONFLICT (series_id, tier) DO UPDATE SET start_t = excluded.start_t, state = excluded.state`,
    );
    const deleteOpen = stmt(this._db, `DELETE FROM rollup_open WHERE series_id = ? AND tier = ?`);
    for (const st of this._dirty) {
      for (const tier of ['raw', 'minute', 'hour'] as const) {
        const ch = st.chunks[tier];
        if (ch.dirty) {
          this._writeChunk(st, ch, tier);
          ch.dirty = false;
        }
      }
      for (const tier of ['minute', 'hour'] as const) {
        if (!st.bucketDirty[tier]) continue;
        const b = st.buckets[tier];
        if (b.open) upsertOpen.run(st.dbId, tier, b.start, b.state());
        else if (st.bucketSaved[tier]) deleteOpen.run(st.dbId, tier);
        st.bucketSaved[tier] = b.open;
        st.bucketDirty[tier] = false;
      }
      st.queued = false;
    }
    this._dirty = [];
  }
}
