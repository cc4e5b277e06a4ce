/**
 * @module store/disk/schema
 * The database file: its tables, its version, and how it is opened.
 *
 * `PRAGMA user_version` is the schema version. A file written by a newer
 * version is refused and left untouched (checked over a read-only connection,
 * so not even a WAL checkpoint touches it); an older one is migrated in one
 * transaction. `PRAGMA application_id` marks the file as ours, so another
 * program's SQLite file in the data dir is refused rather than added to.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EchoPerfError, describeError } from '../../core/errors.js';
import { preparePrivateFile } from '../../core/privateFile.js';

export type Db = Database.Database;

export const SCHEMA_VERSION = 3;
/** "EPDB" in ASCII. */
export const APPLICATION_ID = 0x45504442;
export const DB_FILE = 'echo-perf.db';

export function dbPath(dataDir: string): string {
  return join(dataDir, DB_FILE);
}

const chunkTable = (name: string): string => `
  CREATE TABLE ${name} (
    series_id INTEGER NOT NULL,
    start_t INTEGER NOT NULL,
    end_t INTEGER NOT NULL,
    count INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (series_id, start_t)
  ) WITHOUT ROWID;
  CREATE INDEX ${name}_end ON ${name} (end_t);`;

const SCHEMA_V1 = `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
  CREATE TABLE series (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    labels TEXT NOT NULL,
    type TEXT, help TEXT, unit TEXT, origin TEXT
  );
  CREATE INDEX series_name ON series (name);
  ${chunkTable('chunks_raw')}
  ${chunkTable('chunks_minute')}
  ${chunkTable('chunks_hour')}
  -- The rollup bucket still filling, per series and tier: start_t, then min, max, sum, count, last
  -- as float64 bytes (SQLite REAL turns NaN into NULL; the bytes keep every value exact).
  CREATE TABLE rollup_open (
    series_id INTEGER NOT NULL,
    tier TEXT NOT NULL,
    start_t INTEGER NOT NULL,
    state BLOB NOT NULL,
    PRIMARY KEY (series_id, tier)
  ) WITHOUT ROWID;
  CREATE TABLE alerts (fingerprint TEXT PRIMARY KEY, record TEXT NOT NULL) WITHOUT ROWID;
`;

const statements = new WeakMap<Db, Map<string, Database.Statement>>();

/** A prepared statement, compiled once per connection. */
export function stmt(db: Db, sql: string): Database.Statement {
  let m = statements.get(db);
  if (m === undefined) statements.set(db, (m = new Map<string, Database.Statement>()));
  let s = m.get(sql);
  if (s === undefined) m.set(sql, (s = db.prepare(sql)));
  return s;
}

/** Analysis state kept across restarts (silences, rule state), replaced a namespace at a time. */
const STATE_TABLE = `CREATE TABLE state (namespace TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (namespace, key)) WITHOUT ROWID;`;

/**
 * Every alert event (firing, escalated, repeated, resolved), appended and kept
 * for storage.retention.minute, so reports over past ranges show incidents that
 * have since resolved. `t` is when the event happened. IF NOT EXISTS: a file
 * whose version was set back by hand keeps the history it has.
 */
const ALERT_EVENTS_TABLE = `
  CREATE TABLE IF NOT EXISTS alert_events (
    seq INTEGER PRIMARY KEY,
    t INTEGER NOT NULL,
    id TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status TEXT NOT NULL,
    record TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS alert_events_t ON alert_events (t);`;

/** Steps from version i + 1 to i + 2. */
const MIGRATIONS: readonly ((db: Db) => void)[] = [(db) => db.exec(STATE_TABLE), (db) => db.exec(ALERT_EVENTS_TABLE)];

function openError(path: string, e: unknown): EchoPerfError {
  return new EchoPerfError('EP_ERR_STORE_OPEN', `cannot open the store database ${path}: ${describeError(e)}`, { cause: e });
}

/** Reads the version and owner marks of an existing file without writing to it. */
function checkExisting(path: string): void {
  let db: Db | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const version = db.pragma('user_version', { simple: true }) as number;
    const appId = db.pragma('application_id', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new EchoPerfError(
        'EP_ERR_STORE_VERSION',
        `the store database ${path} has schema version ${version}, newer than version ${SCHEMA_VERSION} that this echo-perf reads; ` +
          `run a newer echo-perf, or point storage.data_dir elsewhere (the file is left untouched)`,
      );
    }
    const tables = (db.prepare(`SELECT count(*) AS n FROM sqlite_master`).get() as { n: number }).n;
    if (appId !== APPLICATION_ID && (appId !== 0 || tables > 0)) {
      throw new EchoPerfError(
        'EP_ERR_STORE_OPEN',
        `${path} is not an echo-perf database (application_id ${appId}, expected ${APPLICATION_ID}); move it away or choose another storage.data_dir`,
      );
    }
  } catch (e) {
    if (e instanceof EchoPerfError) throw e;
    throw openError(path, e);
  } finally {
    db?.close();
  }
}

/** Sets the per-connection pragmas every writer needs. */
export function configureWriter(db: Db): void {
  // WAL + NORMAL: a commit survives a process crash; a power loss may undo the
  // commits since the last checkpoint, never corrupt the file (sqlite.org/wal.html).
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 2000');
  // A checkpointed WAL shrinks back to this size instead of keeping its peak.
  db.pragma('journal_size_limit = 16777216');
}

/** Opens the database for writing, creating or migrating the schema. Synchronous. */
export function openWritable(path: string): Db {
  if (existsSync(path)) checkExisting(path);
  let db: Db;
  try {
    // Created 0600 before SQLite opens it, so its -wal and -shm are 0600 too (core/privateFile).
    preparePrivateFile(path);
    db = new Database(path);
  } catch (e) {
    throw openError(path, e);
  }
  try {
    const version = db.pragma('user_version', { simple: true }) as number;
    // auto_vacuum takes effect only if set before the first table exists.
    if (version === 0) db.pragma('auto_vacuum = INCREMENTAL');
    configureWriter(db);
    if (version < SCHEMA_VERSION) {
      db.transaction(() => {
        if (version === 0) db.exec(SCHEMA_V1);
        for (let v = Math.max(version, 1); v < SCHEMA_VERSION; v++) MIGRATIONS[v - 1]!(db);
        db.pragma(`application_id = ${APPLICATION_ID}`);
        db.pragma(`user_version = ${SCHEMA_VERSION}`);
      })();
    }
    return db;
  } catch (e) {
    db.close();
    if (e instanceof EchoPerfError) throw e;
    throw openError(path, e);
  }
}

/** Opens an existing database read-only (no lock, no writes): for readers beside a running agent. */
export function openReadonly(path: string): Db {
  if (!existsSync(path)) {
    throw new EchoPerfError('EP_ERR_STORE_OPEN', `no echo-perf data at ${path}: the file does not exist (has an agent run with this data dir?)`);
  }
  checkExisting(path);
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 2000');
    if ((db.pragma('user_version', { simple: true }) as number) < SCHEMA_VERSION) {
      db.close();
      throw new EchoPerfError(
        'EP_ERR_STORE_OPEN',
        `${path} has an older schema than version ${SCHEMA_VERSION}; start the agent once on this data dir to migrate it`,
      );
    }
    return db;
  } catch (e) {
    if (e instanceof EchoPerfError) throw e;
    throw openError(path, e);
  }
}
