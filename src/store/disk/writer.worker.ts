/**
 * @module store/disk/writer.worker
 * The writer thread: owns the only writing connection, so commits, retention
 * and queries never run on the main thread. Failures are reported as status,
 * never thrown: the main thread decides what to tell the operator.
 */
import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { EchoPerfError, describeError } from '../../core/errors.js';
import type { FromWorker, ToWorker, WorkerInit, WriterStatus } from './protocol.js';
import { DecodedChunkCache } from './chunkCache.js';
import { runQuery, type ColumnResult } from './query.js';
import { RETENTION_EVERY_MS, retentionPass } from './retention.js';
import { configureWriter, stmt, type Db } from './schema.js';
import { ChunkWriter } from './writer.js';

const port = parentPort!;
const init = workerData as WorkerInit;
/** Commit without waiting for the flush tick once this many samples wait (bounds memory at high rates). */
const commitEvery = Math.max(1, Math.min(init.maxPendingSamples >> 1, 262_144));

const send = (m: FromWorker, transfer?: ArrayBuffer[]): void => port.postMessage(m, transfer);
const warn = (msg: string): void => send({ type: 'log', level: 'warn', msg });

let db: Db | undefined;
const writer = new ChunkWriter({ retention: init.retention, maxPendingSamples: init.maxPendingSamples, warn });
let ok = true;
let error: string | undefined;
let lastFlushMs: number | undefined;
let series = 0;
let retentionFailures = 0;
let retentionAt = -Infinity;
let retentionMore = false;
/** Decoded chunks for repeated queries (32 MiB). */
const cache = new DecodedChunkCache(32 * 1024 * 1024);

/** Opens lazily, so a database that fails to open is retried at each flush. */
function ready(): Db {
  if (db !== undefined) return db;
  const conn = new Database(init.path);
  try {
    configureWriter(conn);
  } catch (e) {
    conn.close();
    throw e;
  }
  writer.attach(conn);
  return (db = conn);
}

function bytesOnDisk(): number {
  let n = 0;
  for (const f of [init.path, `${init.path}-wal`]) {
    try {
      n += statSync(f).size;
    } catch {
      // no WAL between checkpoints
    }
  }
  return n;
}

function status(): WriterStatus {
  const s: WriterStatus = {
    ok,
    pending: writer.pendingCount,
    dropped: writer.dropped,
    rejected: writer.rejected,
    pendingEvents: writer.pendingEvents,
    droppedEvents: writer.droppedEvents,
    bytesOnDisk: bytesOnDisk(),
    series,
  };
  if (error !== undefined) s.error = error;
  if (lastFlushMs !== undefined) s.lastFlushMs = lastFlushMs;
  return s;
}

function commit(now: number): void {
  const t0 = performance.now();
  try {
    const conn = ready();
    const defined = writer.commit(now);
    if (defined || series === 0) series = (stmt(conn, `SELECT count(*) AS n FROM series`).get() as { n: number }).n;
    ok = true;
    error = undefined;
    try {
      if (retentionMore || now - retentionAt >= RETENTION_EVERY_MS) {
        retentionAt = now;
        retentionMore = retentionPass(conn, writer, now, init.retention).more;
      }
    } catch (e) {
      // Samples are safe; old chunks wait for the next pass.
      retentionFailures++;
      if (retentionFailures === 1 || retentionFailures % 100 === 0) warn(`store: retention pass failed (${retentionFailures} so far): ${describeError(e)}`);
    }
  } catch (e) {
    ok = false;
    error = describeError(e);
    writer.bound();
  }
  lastFlushMs = performance.now() - t0;
}

function handle(m: ToWorker): void {
  switch (m.type) {
    case 'samples':
    case 'flush': {
      const w = writer;
      for (const [id, d] of m.defs) w.define(id, d);
      const batches = m.type === 'samples' ? [m.batch] : m.batches;
      let n = 0;
      for (const b of batches) {
        w.enqueue(b);
        n += b.n - b.off;
      }
      if (m.type === 'flush') {
        send({ type: 'ack', n, pending: w.pendingCount, dropped: w.dropped });
        if (m.alerts !== undefined) w.setAlerts(m.alerts);
        w.addEvents(m.events);
        for (const [ns, rows] of m.state) w.setState(ns, rows);
        commit(m.now);
        send({ type: 'status', seq: m.seq, status: status() });
        return;
      }
      if (ok && w.pendingCount >= commitEvery) {
        commit(m.now);
        send({ type: 'status', seq: undefined, status: status() });
      } else if (!ok) {
        w.bound();
      }
      send({ type: 'ack', n, pending: w.pendingCount, dropped: w.dropped });
      return;
    }
    case 'query': {
      // What the caller appended before asking is committed first, so the answer includes it.
      let n = 0;
      for (const [id, d] of m.defs) writer.define(id, d);
      for (const b of m.batches) {
        writer.enqueue(b);
        n += b.n - b.off;
      }
      send({ type: 'ack', n, pending: writer.pendingCount, dropped: writer.dropped });
      if (ok && (writer.pendingCount > 0 || writer.hasPendingDefs)) {
        commit(m.now);
        send({ type: 'status', seq: undefined, status: status() });
      }
      let result: ColumnResult | undefined;
      try {
        result = runQuery(ready(), m.q, m.now, init.retention, cache);
      } catch (e) {
        const err = e instanceof EchoPerfError ? { message: e.message, code: e.code, details: [...e.details] } : { message: describeError(e) };
        send({ type: 'result', seq: m.seq, error: err });
        return;
      }
      const transfer: ArrayBuffer[] = [];
      for (const s of result.series) transfer.push(s.t.buffer as ArrayBuffer, s.v.buffer as ArrayBuffer);
      send({ type: 'result', seq: m.seq, result }, transfer);
      return;
    }
    case 'close': {
      commit(m.now);
      send({ type: 'status', seq: undefined, status: status() });
      try {
        db?.close();
      } catch (e) {
        warn(`store: closing the database: ${describeError(e)}`);
      }
      send({ type: 'closed', seq: m.seq });
      port.close();
      return;
    }
  }
}

port.on('message', handle);
