/**
 * @module store/disk/diskStore
 * The persistent tier as the monitor sees it. The main thread only buffers
 * samples in typed arrays and posts them; the writer thread commits, runs
 * retention and answers queries, so no disk work ever lands in a tick.
 */
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import type { Timer } from '../../core/clock.js';
import { EchoPerfError, describeError } from '../../core/errors.js';
import type { SeriesDescriptor, SeriesPersistence } from '../persistence.js';
import { acquireLock } from './lock.js';
import { MAX_PENDING_ALERT_EVENTS, MAX_STATE_NAMESPACES, checkAlertEvent, checkAlerts, checkOptions, checkState, type AlertEventInput } from './options.js';
import type { AlertEventRow, Batch, Def, FromWorker, ToWorker, WriterStatus } from './protocol.js';
import { toPointsAsync, validateQuery, type ColumnResult } from './query.js';
import { readAlerts, readRecent, readState, readWindow, type RawWindow, type RecentSeries } from './restore.js';
import { SampleBuffer } from './sampleBuffer.js';
import { dbPath, openWritable, stmt, type Db } from './schema.js';
import { spawnWriter } from './spawnWriter.js';
import type { DiskHealth, DiskStoreOptions, PersistedAlert, QueryResult, StoreQuery } from './types.js';

/** Hot-tier ids are small sequential integers; this bound keeps the writer's per-id arrays dense. */
export const MAX_SERIES_ID = 2 ** 24;

const sum = (xs: Iterable<number>): number => {
  let n = 0;
  for (const x of xs) n += x;
  return n;
};

type Resolver = { ok: (r: ColumnResult | undefined) => void; fail: (e: Error) => void };

export class DiskStore implements SeriesPersistence {
  private readonly _buf: SampleBuffer;
  private readonly _defs: Def[] = [];
  private _alerts: [string, string][] | undefined;
  private _events: AlertEventRow[] = [];
  private _eventsDropped = 0;
  private _eventsLost = 0;
  /** Events posted with each flush, by its seq, until its status comes back. */
  private readonly _eventsInFlight = new Map<number, number>();
  private readonly _state = new Map<string, [string, string][]>();
  private readonly _waiting = new Map<number, Resolver>();
  private _seq = 0;
  private _inFlight = 0;
  private _worker: Worker | undefined;
  private _w: WriterStatus = { ok: true, pending: 0, dropped: 0, rejected: 0, pendingEvents: 0, droppedEvents: 0, bytesOnDisk: 0, series: 0 };
  private _lost = 0;
  private _since: number | undefined;
  private _lastFlushAt: number | undefined;
  private _flushing = false;
  private readonly _timer: Timer;
  private _closing: Promise<void> | undefined;
  private _db: Db | undefined;

  private constructor(
    private readonly _o: Required<Omit<DiskStoreOptions, 'onHealth'>> & Pick<DiskStoreOptions, 'onHealth'>,
    db: Db,
    private readonly _release: () => void,
    private readonly _saved: PersistedAlert[],
    private readonly _savedState: Map<string, [string, unknown][]>,
  ) {
    this._db = db;
    this._buf = new SampleBuffer(_o.maxPendingSamples);
    this._w.series = (stmt(db, `SELECT count(*) AS n FROM series`).get() as { n: number }).n;
    this._startWorker();
    this._timer = _o.clock.every(_o.flushIntervalMs, () => {
      if (!this._flushing) void this.flush();
    });
  }

  /** Creates the dir (0700), takes the lock, opens or migrates the database and starts the writer. Synchronous. */
  static open(options: DiskStoreOptions): DiskStore {
    const o = checkOptions(options);
    try {
      mkdirSync(o.dataDir, { recursive: true, mode: 0o700 });
      if (!statSync(o.dataDir).isDirectory()) throw new Error('not a directory');
    } catch (e) {
      throw new EchoPerfError('EP_ERR_STORE_OPEN', `cannot use the data dir ${o.dataDir}: ${describeError(e)}`, { cause: e });
    }
    const release = acquireLock(o.dataDir, o.logger);
    try {
      const path = dbPath(o.dataDir);
      const db = openWritable(path);
      try {
        chmodSync(path, 0o600);
        stmt(db, `INSERT OR REPLACE INTO meta (key, value) VALUES ('retention', ?)`).run(JSON.stringify(o.retention));
        return new DiskStore(o, db, release, readAlerts(db, o.logger), readState(db, o.logger));
      } catch (e) {
        db.close();
        throw e;
      }
    } catch (e) {
      release();
      if (e instanceof EchoPerfError) throw e;
      throw new EchoPerfError('EP_ERR_STORE_OPEN', `cannot open the store in ${o.dataDir}: ${describeError(e)}`, { cause: e });
    }
  }

  defineSeries(id: number, d: SeriesDescriptor): void {
    if (!Number.isInteger(id) || id < 0 || id >= MAX_SERIES_ID) {
      throw new EchoPerfError('EP_ERR_ARGUMENT', `defineSeries id: got ${String(id).slice(0, 100)}; expected an integer in [0, ${MAX_SERIES_ID})`);
    }
    if (typeof d?.key !== 'string' || typeof d.name !== 'string') {
      throw new EchoPerfError('EP_ERR_ARGUMENT', `defineSeries descriptor of id ${id}: expected {key, name, labels} strings`);
    }
    this._defs.push([id, d]);
  }

  append(id: number, t: number, v: number): void {
    if (this._buf.push(id, t, v)) this._handOver();
  }

  /** Samples of each stored series newer than `sinceMs` (the newest `maxPerSeries`), to refill the hot tier at start. */
  recent(sinceMs: number, maxPerSeries: number): RecentSeries[] {
    if (typeof sinceMs !== 'number' || Number.isNaN(sinceMs)) {
      throw new EchoPerfError('EP_ERR_ARGUMENT', `recent sinceMs: got ${String(sinceMs).slice(0, 100)}; expected ms since the epoch`);
    }
    if (!Number.isInteger(maxPerSeries) || maxPerSeries < 1 || maxPerSeries > 10_000_000) {
      throw new EchoPerfError('EP_ERR_ARGUMENT', `recent maxPerSeries: got ${String(maxPerSeries).slice(0, 100)}; expected an integer in [1, 10000000]`);
    }
    if (this._db === undefined) throw this._closedError();
    return readRecent(this._db, sinceMs, maxPerSeries, this._o.logger);
  }

  /**
   * One window of stored samples after `sinceMs`, about `maxSamples` in all
   * (see readWindow): call again from its `until` for the next.
   */
  window(sinceMs: number, maxSamples: number): RawWindow {
    if (typeof sinceMs !== 'number' || Number.isNaN(sinceMs)) {
      throw new EchoPerfError('EP_ERR_ARGUMENT', `window sinceMs: got ${String(sinceMs).slice(0, 100)}; expected ms since the epoch`);
    }
    if (!Number.isInteger(maxSamples) || maxSamples < 1 || maxSamples > 10_000_000) {
      throw new EchoPerfError('EP_ERR_ARGUMENT', `window maxSamples: got ${String(maxSamples).slice(0, 100)}; expected an integer in [1, 10000000]`);
    }
    if (this._db === undefined) throw this._closedError();
    return readWindow(this._db, sinceMs, maxSamples, this._o.logger);
  }

  saveAlerts(active: readonly PersistedAlert[]): void {
    this._alerts = checkAlerts(active);
  }

  /**
   * Appends an alert event to the history with the next flush (the writer
   * thread does the writing). Throws EP_ERR_ARGUMENT naming the bad field.
   */
  recordAlertEvent(e: AlertEventInput): void {
    this._events.push(checkAlertEvent(e));
    if (this._events.length > MAX_PENDING_ALERT_EVENTS) {
      this._events.shift();
      this._eventsDropped++;
    }
  }

  loadAlerts(): PersistedAlert[] {
    return this._saved.slice();
  }

  /**
   * Replaces a namespace's saved state (`silences`, `rules`, …) with these
   * [key, value] pairs, written with the next flush. Values must be JSON-serialisable.
   * Throws EP_ERR_ARGUMENT naming the bad entry.
   */
  setState(namespace: string, entries: readonly (readonly [string, unknown])[]): void {
    const rows = checkState(namespace, entries);
    if (!this._state.has(namespace) && this._state.size >= MAX_STATE_NAMESPACES) {
      throw new EchoPerfError('EP_ERR_ARGUMENT', `state namespace: got ${JSON.stringify(namespace)}; expected at most ${MAX_STATE_NAMESPACES} namespaces per flush`);
    }
    this._state.set(namespace, rows);
  }

  /** A namespace's state as the last flush before this open wrote it: [key, value] pairs ([] when none). */
  loadState(namespace: string): [string, unknown][] {
    return (this._savedState.get(namespace) ?? []).slice();
  }

  /** Commits everything buffered; resolves once the writer has tried (see `health()` for the outcome). */
  flush(): Promise<void> {
    if (this._closing !== undefined) return Promise.resolve();
    if (this._worker === undefined) this._startWorker();
    const batches = this._buf.takeAll();
    const m: ToWorker = { type: 'flush', seq: ++this._seq, now: this._o.clock.now(), defs: this._defs.splice(0), batches, alerts: this._alerts, events: this._events, state: [...this._state] };
    this._alerts = undefined;
    this._events = [];
    if (this._worker === undefined) this._eventsLost += m.events.length;
    else if (m.events.length > 0) this._eventsInFlight.set(m.seq, m.events.length);
    this._state.clear();
    this._flushing = true;
    const settled = (): void => {
      this._flushing = false;
    };
    const done = this._request(m.seq).then(settled, settled);
    this._post(m, batches);
    return done;
  }

  /**
   * Runs in the writer thread, which first commits what was appended before
   * the call, so the answer includes it (while the disk fails, only what is
   * on disk is answered).
   */
  async query(q: StoreQuery): Promise<QueryResult> {
    const vq = validateQuery(q);
    if (this._closing !== undefined) throw this._closedError();
    if (this._worker === undefined) this._startWorker();
    const seq = ++this._seq;
    const r = this._request(seq);
    const batches = this._buf.takeAll();
    this._post({ type: 'query', seq, now: this._o.clock.now(), defs: this._defs.splice(0), batches, q: vq }, batches);
    // Converted in slices: the main thread keeps its rhythm whatever the size of the answer.
    return toPointsAsync((await r)!);
  }

  health(): DiskHealth {
    const h: DiskHealth = {
      ok: this._w.ok,
      pendingSamples: this._w.pending + this._inFlight + this._buf.count,
      droppedSamples: this._w.dropped + this._buf.dropped + this._lost,
      rejectedSamples: this._w.rejected,
      bytesOnDisk: this._w.bytesOnDisk,
      series: this._w.series,
      pendingAlertEvents: this._events.length + sum(this._eventsInFlight.values()) + this._w.pendingEvents,
      droppedAlertEvents: this._eventsDropped + this._eventsLost + this._w.droppedEvents,
    };
    if (this._w.error !== undefined) h.error = this._w.error;
    if (this._since !== undefined) h.since = this._since;
    if (this._lastFlushAt !== undefined) h.lastFlushAt = this._lastFlushAt;
    if (this._w.lastFlushMs !== undefined) h.lastFlushMs = this._w.lastFlushMs;
    return h;
  }

  /** Last flush, writer stopped, lock released. Idempotent. */
  close(): Promise<void> {
    if (this._closing !== undefined) return this._closing;
    const done = (async () => {
      this._timer.stop();
      await this.flush();
      this._db?.close();
      this._db = undefined;
      const w = this._worker;
      if (w !== undefined) {
        const exited = new Promise<void>((r) => w.once('exit', () => r()));
        this._post({ type: 'close', seq: ++this._seq, now: this._o.clock.now() }, []);
        w.ref();
        await exited;
      }
      this._release();
    })();
    this._closing = done;
    return done;
  }

  private _closedError(): EchoPerfError {
    return new EchoPerfError('EP_ERR_STORE_OPEN', `the store in ${this._o.dataDir} is closed`);
  }

  private _handOver(): void {
    if (this._worker === undefined || this._closing !== undefined) return;
    while (this._inFlight < this._o.maxPendingSamples) {
      const b = this._buf.takeFull();
      if (b === undefined) return;
      this._post({ type: 'samples', now: this._o.clock.now(), defs: this._defs.splice(0), batch: b }, [b]);
    }
  }

  private _post(m: ToWorker, batches: Batch[]): void {
    if (this._worker === undefined) {
      for (const b of batches) this._lost += b.n - b.off;
      return;
    }
    const transfer: ArrayBuffer[] = [];
    for (const b of batches) {
      this._inFlight += b.n - b.off;
      transfer.push(b.ids.buffer as ArrayBuffer, b.ts.buffer as ArrayBuffer, b.vs.buffer as ArrayBuffer);
    }
    this._worker.postMessage(m, transfer);
  }

  private _request(seq: number): Promise<ColumnResult | undefined> {
    return new Promise((ok, fail) => {
      if (this._waiting.size === 0) this._worker?.ref();
      this._waiting.set(seq, { ok, fail });
    });
  }

  private _settle(seq: number | undefined, fn: (r: Resolver) => void): void {
    if (seq === undefined) return;
    const r = this._waiting.get(seq);
    if (r === undefined) return;
    this._waiting.delete(seq);
    if (this._waiting.size === 0) this._worker?.unref();
    fn(r);
  }

  private _startWorker(): void {
    const w = spawnWriter({ path: dbPath(this._o.dataDir), retention: this._o.retention, maxPendingSamples: this._o.maxPendingSamples });
    w.unref();
    w.on('message', (m: FromWorker) => this._onMessage(m));
    w.on('error', (e) => {
      this._o.logger.error(`store: the writer thread failed: ${describeError(e)}`);
      this._setStatus({ ...this._w, ok: false, error: `writer thread failed: ${describeError(e)}` });
    });
    w.on('exit', () => {
      if (this._worker !== w) return;
      this._worker = undefined;
      // What the thread held is gone with it.
      this._lost += this._inFlight + this._w.pending;
      this._inFlight = 0;
      this._eventsLost += sum(this._eventsInFlight.values()) + this._w.pendingEvents;
      this._eventsInFlight.clear();
      this._w = { ...this._w, pending: 0, pendingEvents: 0 };
      for (const seq of [...this._waiting.keys()]) this._settle(seq, (r) => r.fail(new Error('the store writer thread stopped')));
      // A new thread starts with the next flush: at most one start per flush interval.
      if (this._closing === undefined) this._o.logger.warn('store: the writer thread stopped; a new one starts with the next flush');
    });
    this._worker = w;
  }

  private _onMessage(m: FromWorker): void {
    switch (m.type) {
      case 'ack':
        this._inFlight -= m.n;
        this._w = { ...this._w, pending: m.pending, dropped: m.dropped };
        this._handOver();
        return;
      case 'status':
        // A flush's status comes once its events reached the writer (counted in pendingEvents from then on).
        if (m.seq !== undefined) this._eventsInFlight.delete(m.seq);
        this._setStatus(m.status);
        if (m.seq !== undefined) this._lastFlushAt = this._o.clock.now();
        this._settle(m.seq, (r) => r.ok(undefined));
        return;
      case 'result':
        this._settle(m.seq, (r) => {
          if (m.result !== undefined) r.ok(m.result);
          else if (m.error?.code !== undefined) r.fail(new EchoPerfError(m.error.code as 'EP_ERR_ARGUMENT', m.error.message, { details: m.error.details ?? [] }));
          else r.fail(new Error(m.error?.message ?? 'query failed'));
        });
        return;
      case 'log':
        this._o.logger[m.level](m.msg);
        return;
      case 'closed':
        return;
    }
  }

  private _setStatus(s: WriterStatus): void {
    const was = this._w.ok;
    this._w = s;
    if (s.ok === was) return;
    this._since = this._o.clock.now();
    if (s.ok) this._o.logger.info(`store: writing to ${this._o.dataDir} works again`);
    else this._o.logger.error(`store: cannot write to ${this._o.dataDir}: ${s.error ?? 'unknown error'}; holding samples in memory and retrying`);
    try {
      this._o.onHealth?.(this.health());
    } catch (e) {
      this._o.logger.warn(`store: the onHealth callback threw: ${describeError(e)}`);
    }
  }
}
