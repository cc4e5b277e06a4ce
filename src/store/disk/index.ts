/**
 * @module store/disk
 * The persistent tier: SQLite (WAL) chunks, 1 min and 1 h rollups, retention,
 * restart, queries. See docs/storage.md.
 */
export { DiskStore, MAX_SERIES_ID } from './diskStore.js';
export { validateQuery } from './query.js';
export { DiskReader, DEFAULT_RETENTION, type DiskReaderOptions } from './reader.js';
export { DEFAULT_FLUSH_INTERVAL_MS } from './options.js';
export { SCHEMA_VERSION, DB_FILE } from './schema.js';
export { LOCK_FILE } from './lock.js';
export type { RawWindow, RecentSeries } from './restore.js';
export type { DiskHealth, DiskStoreOptions, PersistedAlert, QueryResult, RetentionMs, StoreQuery, StoredAlertEvent, Tier } from './types.js';
export type { AlertEventInput } from './options.js';
