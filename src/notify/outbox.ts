/**
 * @module notify/outbox
 * Notifications not yet delivered, and each notifier's groups, in SQLite
 * (`notify.sqlite` in the data dir, beside the history; in memory for a
 * monitor without one). A notification is written before anyone tries to
 * send it and deleted once its receiver took it, in one synchronous
 * statement each: WAL with synchronous=NORMAL survives the process being
 * killed (kill -9) at any point, losing nothing it committed (sqlite.org/wal.html).
 * A crash between a receiver's answer and the delete sends that one
 * notification again after the restart: delivery is at least once, in order,
 * and receivers can drop the repeat by its id (Alertmanager's HA is "fail
 * open" the same way).
 *
 * The file is opened on the main thread on purpose: writes are a few rows per
 * tick, far below what would block the loop, and a worker would add a window
 * in which an accepted notification exists nowhere on disk.
 */
import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describeError, EchoPerfError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { preparePrivateFile } from '../core/privateFile.js';
import type { Notification } from './notification.js';
import type { SavedGroup } from './groups.js';

export const OUTBOX_FILE = 'notify.sqlite';
const SCHEMA_VERSION = 1;

export interface OutboxEntry {
  readonly seq: number;
  readonly createdAt: number;
  readonly attempts: number;
  readonly nextAt: number;
  readonly notification: Notification;
}

export class Outbox {
  private readonly _db: Database.Database;
  private readonly _s: {
    insert: Database.Statement;
    head: Database.Statement;
    del: Database.Statement;
    retry: Database.Statement;
    count: Database.Statement;
    oldest: Database.Statement;
    trim: Database.Statement;
    expire: Database.Statement;
    putGroup: Database.Statement;
    delGroup: Database.Statement;
    groups: Database.Statement;
  };

  /** `dataDir` undefined: in memory. A file that is not a database is set aside (renamed) and a new one begun. */
  constructor(dataDir: string | undefined, logger: Logger) {
    this._db = openDb(dataDir, logger);
    const db = this._db;
    this._s = {
      insert: db.prepare('INSERT INTO outbox (notifier, created_at, attempts, next_at, body) VALUES (?, ?, 0, ?, ?)'),
      head: db.prepare('SELECT seq, created_at AS createdAt, attempts, next_at AS nextAt, body FROM outbox WHERE notifier = ? ORDER BY seq LIMIT 1'),
      del: db.prepare('DELETE FROM outbox WHERE seq = ?'),
      retry: db.prepare('UPDATE outbox SET attempts = ?, next_at = ? WHERE seq = ?'),
      count: db.prepare('SELECT count(*) AS n FROM outbox WHERE notifier = ?'),
      // The queue is FIFO by seq and created_at only grows: the head is the oldest, one index step away.
      oldest: db.prepare('SELECT created_at AS t FROM outbox WHERE notifier = ? ORDER BY seq LIMIT 1'),
      trim: db.prepare('DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox WHERE notifier = ? ORDER BY seq LIMIT ?)'),
      expire: db.prepare('DELETE FROM outbox WHERE notifier = ? AND created_at < ?'),
      putGroup: db.prepare('INSERT OR REPLACE INTO groups (notifier, key, state) VALUES (?, ?, ?)'),
      delGroup: db.prepare('DELETE FROM groups WHERE notifier = ? AND key = ?'),
      groups: db.prepare('SELECT state FROM groups WHERE notifier = ? LIMIT 100000'),
    };
  }

  /** Adds notifications for a notifier, then drops its oldest past `maxQueue`; returns how many were dropped. */
  enqueue(notifier: string, ns: readonly Notification[], maxQueue: number): number {
    if (ns.length === 0) return 0;
    return this._db.transaction(() => {
      for (const n of ns) this._s.insert.run(notifier, n.createdAt, n.createdAt, JSON.stringify(n));
      const over = this.count(notifier) - maxQueue;
      return over > 0 ? this._s.trim.run(notifier, over).changes : 0;
    })();
  }

  /** The oldest notification waiting for a notifier. A row that does not parse is deleted and reported. */
  head(notifier: string, onBad: (why: string) => void): OutboxEntry | undefined {
    for (let i = 0; i < 100; i++) {
      const r = this._s.head.get(notifier) as { seq: number; createdAt: number; attempts: number; nextAt: number; body: string } | undefined;
      if (r === undefined) return undefined;
      try {
        return { seq: r.seq, createdAt: r.createdAt, attempts: r.attempts, nextAt: r.nextAt, notification: JSON.parse(r.body) as Notification };
      } catch (e) {
        this._s.del.run(r.seq);
        onBad(`outbox row ${r.seq} is not JSON (${describeError(e)}); dropped`);
      }
    }
    return undefined;
  }

  delete(seq: number): void {
    this._s.del.run(seq);
  }

  retryLater(seq: number, attempts: number, nextAt: number): void {
    this._s.retry.run(attempts, nextAt, seq);
  }

  count(notifier: string): number {
    return (this._s.count.get(notifier) as { n: number }).n;
  }

  /** created_at of the oldest waiting notification, ms; undefined when none waits. */
  oldest(notifier: string): number | undefined {
    return (this._s.oldest.get(notifier) as { t: number } | undefined)?.t;
  }

  /** Drops notifications created before `before`; returns how many. */
  expire(notifier: string, before: number): number {
    return this._s.expire.run(notifier, before).changes;
  }

  saveGroups(notifier: string, changed: readonly { key: string; saved: SavedGroup | undefined }[]): void {
    if (changed.length === 0) return;
    this._db.transaction(() => {
      for (const c of changed) {
        if (c.saved === undefined) this._s.delGroup.run(notifier, c.key);
        else this._s.putGroup.run(notifier, c.key, JSON.stringify(c.saved));
      }
    })();
  }

  /** A notifier's saved groups, parsed; rows that do not parse come back as strings saying so. */
  loadGroups(notifier: string): unknown[] {
    return (this._s.groups.all(notifier) as { state: string }[]).map((r) => {
      try {
        return JSON.parse(r.state) as unknown;
      } catch (e) {
        return `a saved group is not JSON (${describeError(e)})`;
      }
    });
  }

  close(): void {
    if (this._db.open) this._db.close();
  }
}

function openDb(dataDir: string | undefined, logger: Logger): Database.Database {
  if (dataDir === undefined) return init(new Database(':memory:'));
  const path = join(dataDir, OUTBOX_FILE);
  // Queued notifications carry alert text and receiver names: 0600, as the store (core/privateFile).
  const open = (): Database.Database => {
    preparePrivateFile(path);
    return init(new Database(path));
  };
  try {
    return open();
  } catch (e) {
    if (!existsSync(path) || e instanceof EchoPerfError) throw e;
    // Not a database (or a damaged one): keep it for inspection, start afresh rather than deliver nothing.
    const aside = `${path}.unreadable-${Date.now()}`;
    renameSync(path, aside);
    logger.error(`notification outbox ${path} cannot be read (${describeError(e)}); kept as ${aside}, starting a new one`);
    return open();
  }
}

function init(db: Database.Database): Database.Database {
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 1000');
    const v = db.pragma('user_version', { simple: true }) as number;
    if (v > SCHEMA_VERSION) throw new EchoPerfError('EP_ERR_STORE_VERSION', `notification outbox: schema version ${v}; expected ${SCHEMA_VERSION} or older (written by a newer echo-perf)`);
    db.exec(`
      CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, notifier TEXT NOT NULL, created_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL, next_at INTEGER NOT NULL, body TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS outbox_by_notifier ON outbox (notifier, seq);
      CREATE TABLE IF NOT EXISTS groups (notifier TEXT NOT NULL, key TEXT NOT NULL, state TEXT NOT NULL, PRIMARY KEY (notifier, key)) WITHOUT ROWID;
      PRAGMA user_version = ${SCHEMA_VERSION};
    `);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}
