/**
 * @module export/remoteWrite
 * Every configured remote_write receiver, fed with what /metrics shows at
 * each tick. Their watermarks are kept in the data dir's state table
 * (namespace `remote_write`, one entry per queue name).
 */
import { childLogger, type Logger } from '../../core/logger.js';
import type { Sample } from '../../core/types.js';
import { remoteWriteNameOf, type RemoteWriteConfig } from '../../config/remoteWrite.js';
import { RemoteWriteQueue, type BacklogSeries } from './queue.js';

export { RemoteWriteQueue, type BacklogSeries, type QueueDeps } from './queue.js';
export { decodeWriteRequestBody, encodeWriteRequest, wireLabels, writeRequestBody, type WireSeries } from './encode.js';

export const REMOTE_WRITE_NAMESPACE = 'remote_write';

/** What the writers need of the persistent tier. */
export interface RemoteWriteStorage {
  loadState(namespace: string): [string, unknown][];
  saveState(namespace: string, version: number, entries: () => [string, unknown][]): void;
  backlog(sinceMs: number, maxPerSeries: number): readonly BacklogSeries[];
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
    const saved = new Map<string, number>();
    for (const [k, v] of storage?.loadState(REMOTE_WRITE_NAMESPACE) ?? []) {
      // Hostile until checked: only finite ms count.
      if (typeof v === 'number' && Number.isFinite(v)) saved.set(k, v);
    }
    for (const c of this._configs) {
      const name = remoteWriteNameOf(c);
      const q = new RemoteWriteQueue(name, c, {
        logger: childLogger(this._logger, { remote: name }),
        backlog: storage === undefined ? undefined : (since) => storage.backlog(since, 86_400),
        watermark: saved.get(name),
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
    s.saveState(REMOTE_WRITE_NAMESPACE, this._version, () => this._queues.filter((q) => Number.isFinite(q.watermark)).map((q): [string, unknown] => [q.name, q.watermark]));
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
