/**
 * @module export/remoteWrite
 * Every configured remote_write receiver, fed with what /metrics shows at
 * each tick. Their positions (watermark and last request) are kept in the
 * data dir's state table (namespace `remote_write`, one entry per queue
 * name), committed before each request goes out.
 */
import { childLogger, type Logger } from '../../core/logger.js';
import type { Sample } from '../../core/types.js';
import { remoteWriteNameOf, type RemoteWriteConfig } from '../../config/remoteWrite.js';
import { RemoteWriteQueue, type BacklogWindow, type SavedPosition } from './queue.js';

export { BACKLOG_WINDOW, RemoteWriteQueue, type BacklogSeries, type BacklogWindow, type QueueDeps, type SavedPosition } from './queue.js';
export { decodeWriteRequestBody, encodeWriteRequest, wireLabels, writeRequestBody, type WireSeries } from './encode.js';

export const REMOTE_WRITE_NAMESPACE = 'remote_write';

/** What the writers need of the persistent tier. */
export interface RemoteWriteStorage {
  loadState(namespace: string): [string, unknown][];
  saveState(namespace: string, version: number, entries: () => [string, unknown][]): void;
  /** Commits the namespace's state now, with every sample stored so far. */
  saveStateNow(namespace: string, entries: [string, unknown][]): Promise<void>;
  backlog(sinceMs: number, maxSamples: number): BacklogWindow;
}

/** A saved position as read back: hostile until checked (an old release saved the bare watermark). */
export function savedPosition(v: unknown): SavedPosition | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? { w: v } : undefined;
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  if (typeof o['w'] !== 'number' || !Number.isFinite(o['w'])) return undefined;
  const p: { w: number; b?: string; h?: number } = { w: o['w'] };
  if (typeof o['b'] === 'string' && o['b'].length <= 256 * 1024 && /^[A-Za-z0-9+/]*={0,2}$/.test(o['b'])) p.b = o['b'];
  if (typeof o['h'] === 'number' && Number.isFinite(o['h'])) p.h = o['h'];
  return p;
}

export class RemoteWriters {
  private _queues: RemoteWriteQueue[] = [];
  private _version = 0;
  private _storage: RemoteWriteStorage | undefined;

  constructor(
    private readonly _configs: readonly RemoteWriteConfig[],
    private readonly _logger: Logger,
  ) {}

  get size(): number {
    return this._configs.length;
  }

  get queues(): readonly RemoteWriteQueue[] {
    return this._queues;
  }

  /** Starts the senders (once), resuming each after its saved watermark when `storage` is given. */
  start(storage: RemoteWriteStorage | undefined): void {
    if (this._queues.length > 0 || this._configs.length === 0) return;
    this._storage = storage;
    const saved = new Map<string, SavedPosition>();
    for (const [k, v] of storage?.loadState(REMOTE_WRITE_NAMESPACE) ?? []) {
      const p = savedPosition(v);
      if (p !== undefined) saved.set(k, p);
    }
    for (const c of this._configs) {
      const name = remoteWriteNameOf(c);
      const q = new RemoteWriteQueue(name, c, {
        logger: childLogger(this._logger, { remote: name }),
        backlog: storage === undefined ? undefined : (since, max) => storage.backlog(since, max),
        saved: saved.get(name),
        persist: storage === undefined ? undefined : () => storage.saveStateNow(REMOTE_WRITE_NAMESPACE, this._positions()),
        onWatermark: () => this._version++,
      });
      this._queues.push(q);
      q.start();
    }
  }

  observe(samples: readonly Sample[]): void {
    for (const q of this._queues) q.observe(samples);
    this.saveWatermarks();
  }

  /** Saves the watermarks when one moved (written with the next flush). */
  saveWatermarks(): void {
    const s = this._storage;
    if (s === undefined) return;
    s.saveState(REMOTE_WRITE_NAMESPACE, this._version, () => this._positions());
  }

  private _positions(): [string, unknown][] {
    const out: [string, unknown][] = [];
    for (const q of this._queues) {
      const p = q.position;
      if (p !== undefined) out.push([q.name, p]);
    }
    return out;
  }

  selfSamples(at: number): Sample[] {
    return this._queues.flatMap((q) => q.selfSamples(at));
  }

  /** Sends what is queued (within `ms`), stops the senders and saves where they are. */
  async close(ms = 5000): Promise<void> {
    await Promise.all(this._queues.map((q) => q.close(ms)));
    this.saveWatermarks();
    this._queues = [];
  }
}
