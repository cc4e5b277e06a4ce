/**
 * @module export/remoteWrite/queue
 * One remote_write receiver's queue, after Prometheus's QueueManager
 * (storage/remote/queue_manager.go): samples wait in memory, go out in
 * requests of up to max_samples_per_send or after batch_send_deadline, and a
 * failed request is retried with exponential backoff (min_backoff doubling to
 * max_backoff) on 5xx, 429 and network errors; other 4xx are dropped, logged
 * and counted.
 *
 * Nothing lost, nothing sent twice: a "sent up to" watermark (every sample at
 * or before it was accepted or refused for good) is saved with the history.
 * After a restart, or once the queue overflowed during an outage, the samples
 * after the watermark are read back from the data dir and sent before the
 * queue. Per series, samples go out in time order and never at or before the
 * newest one sent, since a receiver without out-of-order ingestion refuses
 * the whole request for one older sample.
 */
import { hostname } from 'node:os';
import { describeError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Sample } from '../../core/types.js';
import type { RemoteWriteConfig } from '../../config/remoteWrite.js';
import { exposedSample } from '../exposition.js';
import { wireLabels, writeRequestBody, type WireLabel, type WireSeries } from './encode.js';
import { postWrite, RemoteWriteError, remoteWriteUserAgent } from './post.js';

/** Stored series read back after the watermark (the data dir's raw tier), oldest first per series. */
export interface BacklogSeries {
  readonly descriptor: { readonly name: string; readonly labels: Readonly<Record<string, string>> };
  readonly t: ArrayLike<number>;
  readonly v: ArrayLike<number>;
}

export interface QueueDeps {
  readonly logger: Logger;
  /** The stored samples after `sinceMs`; undefined when this monitor keeps no history on disk. */
  readonly backlog?: ((sinceMs: number) => readonly BacklogSeries[]) | undefined;
  /** Where the last run left off (ms), if it saved a watermark. */
  readonly watermark?: number | undefined;
  /** Called after the watermark moved (the owner saves it with the next flush). */
  readonly onWatermark?: (() => void) | undefined;
}

interface Pending {
  readonly key: string;
  readonly labels: WireLabel[];
  readonly t: number;
  readonly v: number;
}

/** Samples read back at most per series per pass: a day at 1 s. */
const BACKLOG_PER_SERIES = 86_400;
/** Per-series "newest sent" entries held before those at or below the watermark are pruned. */
const MAX_LAST_SENT = 200_000;

export class RemoteWriteQueue {
  private _queue: Pending[] = [];
  private _head = 0;
  private _watermark: number;
  /** Oldest sample time dropped from a full queue, not yet read back from the data dir. */
  private _lostFrom = Infinity;
  private _needBackfill: boolean;
  private readonly _lastSent = new Map<string, number>();
  private _maxObserved = -Infinity;
  private _firstPendingAt: number | undefined;
  private _closed = false;
  private _wake: (() => void) | undefined;
  private _timer: NodeJS.Timeout | undefined;
  private _loop: Promise<void> | undefined;
  private _abort = new AbortController();
  private readonly _external: Record<string, string>;
  private readonly _keep: ((labels: WireLabel[]) => boolean)[];
  sent = 0;
  failed = 0;
  retried = 0;
  highestSent = 0;

  constructor(
    readonly name: string,
    private readonly _c: RemoteWriteConfig,
    private readonly _d: QueueDeps,
  ) {
    this._watermark = _d.watermark ?? -Infinity;
    this._needBackfill = _d.watermark !== undefined && _d.backlog !== undefined;
    this._external = _c.external_labels ?? { job: 'echo-perf', instance: hostname() };
    this._keep = _c.write_relabel.map((r) => {
      const re = new RegExp(`^(?:${r.regex})$`);
      return (labels: WireLabel[]) => {
        const joined = r.source_labels.map((n) => labels.find((l) => l.name === n)?.value ?? '').join(r.separator);
        return re.test(joined) === (r.action === 'keep');
      };
    });
  }

  /** Every sample at or before it was accepted or refused for good (ms; -Infinity before the first). */
  get watermark(): number {
    return this._watermark;
  }

  get pending(): number {
    return this._queue.length - this._head;
  }

  start(): void {
    this._loop ??= this._run().catch((e: unknown) => this._d.logger.error(`remote_write ${this.name}: sender stopped: ${describeError(e)}`));
  }

  /** Queues one tick's samples (internal names; renamed as /metrics shows them). */
  observe(samples: Iterable<Sample>): void {
    if (this._closed) return;
    for (const s of samples) {
      if (!Number.isFinite(s.t) || s.t <= this._watermark) continue;
      const e = exposedSample(s);
      const p = this._pending(e.name, e.labels, s.t, e.value);
      if (p !== undefined) this._queue.push(p);
    }
    this._firstPendingAt ??= Date.now();
    this._bound();
    if (this.pending >= this._c.queue.max_samples_per_send) this._wake?.();
  }

  /** Sends what is queued (within `ms`), then stops. The watermark is as of the last accepted request. */
  async close(ms = 5000): Promise<void> {
    if (this._closed) return;
    this._closed = true;
    const giveUp = setTimeout(() => this._abort.abort(), ms);
    giveUp.unref();
    this._wake?.();
    await this._loop;
    clearTimeout(giveUp);
  }

  selfSamples(at: number): Sample[] {
    const labels = { remote: this.name };
    const g = (name: string, v: number): Sample => ({ name, labels, t: at, v });
    return [
      g('echo_perf_remote_write_samples_pending', this.pending),
      g('echo_perf_remote_write_samples_sent_total', this.sent),
      g('echo_perf_remote_write_samples_failed_total', this.failed),
      g('echo_perf_remote_write_samples_retried_total', this.retried),
      g('echo_perf_remote_write_highest_sent_timestamp_seconds', this.highestSent / 1000),
    ];
  }

  private _pending(name: string, labels: Record<string, string>, t: number, v: number): Pending | undefined {
    const all: Record<string, string> = { ...this._external };
    // Like Prometheus's external_labels: the series' own labels win.
    for (const k of Object.keys(labels)) all[k] = labels[k]!;
    const wire = wireLabels(name, all);
    for (const keep of this._keep) if (!keep(wire)) return undefined;
    let key = '';
    for (const l of wire) key += l.name + '\u0000' + l.value + '\u0000';
    if (t > this._maxObserved) this._maxObserved = t;
    return { key, labels: wire, t: Math.round(t), v };
  }

  /** A full queue drops its oldest; they are read back from the data dir later, or counted failed without one. */
  private _bound(): void {
    const over = this.pending - this._c.queue.capacity;
    if (over <= 0) return;
    let oldest = Infinity;
    for (let i = this._head; i < this._head + over; i++) oldest = Math.min(oldest, this._queue[i]!.t);
    this._head += over;
    if (this._d.backlog !== undefined) {
      this._lostFrom = Math.min(this._lostFrom, oldest);
      this._needBackfill = true;
    } else {
      this.failed += over;
    }
    this._compact();
  }

  private _compact(): void {
    if (this._head > 4096 && this._head * 2 > this._queue.length) {
      this._queue = this._queue.slice(this._head);
      this._head = 0;
    }
  }

  private async _run(): Promise<void> {
    const q = this._c.queue;
    while (!this._closed || (this.pending > 0 && !this._abort.signal.aborted)) {
      if (this._needBackfill && !this._closed) {
        await this._backfill();
        continue;
      }
      if (this.pending === 0) {
        if (this._closed) break;
        this._firstPendingAt = undefined;
        await this._sleep(q.batch_send_deadline * 1000);
        continue;
      }
      const waited = Date.now() - (this._firstPendingAt ?? Date.now());
      if (!this._closed && this.pending < q.max_samples_per_send && waited < q.batch_send_deadline * 1000) {
        await this._sleep(q.batch_send_deadline * 1000 - waited);
        continue;
      }
      const batch = this._takeFromQueue(q.max_samples_per_send);
      this._firstPendingAt = this.pending > 0 ? Date.now() : undefined;
      if (batch.length > 0) await this._send(batch);
      this._advance();
    }
  }

  /** Up to `n` queued samples, skipping those at or before what their series already sent. */
  private _takeFromQueue(n: number): Pending[] {
    const out: Pending[] = [];
    while (out.length < n && this._head < this._queue.length) {
      const p = this._queue[this._head++]!;
      if (this._claim(p)) out.push(p);
    }
    this._compact();
    return out;
  }

  /** Whether `p` is newer than its series' newest sent; if so it becomes that. */
  private _claim(p: Pending): boolean {
    if (p.t <= this._watermark) return false;
    const last = this._lastSent.get(p.key);
    if (last !== undefined && p.t <= last) return false;
    this._lastSent.set(p.key, p.t);
    return true;
  }

  /** Sends the stored samples after the watermark, oldest first, then the queue goes on. */
  private async _backfill(): Promise<void> {
    const read = this._d.backlog;
    this._needBackfill = false;
    if (read === undefined) return;
    let rows: readonly BacklogSeries[];
    try {
      rows = read(this._watermark === -Infinity ? -Infinity : this._watermark);
    } catch (e) {
      this._d.logger.error(`remote_write ${this.name}: cannot read the backlog after ${new Date(this._watermark).toISOString()} from the data dir: ${describeError(e)}`);
      this._lostFrom = Infinity;
      return;
    }
    const all: Pending[] = [];
    for (const r of rows) {
      const n = Math.min(r.t.length, BACKLOG_PER_SERIES);
      for (let i = r.t.length - n; i < r.t.length; i++) {
        const s = exposedSample({ name: r.descriptor.name, labels: r.descriptor.labels, t: r.t[i]!, v: r.v[i]! });
        const p = this._pending(s.name, s.labels, r.t[i]!, s.value);
        if (p !== undefined) all.push(p);
      }
    }
    // Oldest first over every series: each request then moves the watermark forward.
    all.sort((a, b) => a.t - b.t);
    if (all.length > 0) this._d.logger.info(`remote_write ${this.name}: sending ${all.length} stored samples after ${Number.isFinite(this._watermark) ? new Date(this._watermark).toISOString() : 'the start'}`);
    const max = this._c.queue.max_samples_per_send;
    let i = 0;
    while (i < all.length && !this._closed) {
      const batch: Pending[] = [];
      while (batch.length < max && i < all.length) {
        const p = all[i++]!;
        if (this._claim(p)) batch.push(p);
      }
      if (batch.length > 0) await this._send(batch);
      if (this._closed) return;
      // Everything up to the last sample handed over is done, the queue's older ones too (claimed above or at once).
      const upTo = i < all.length ? all[i]!.t - 1 : Infinity;
      this._advance(upTo);
    }
    this._lostFrom = Infinity;
    this._advance();
  }

  /**
   * Moves the watermark to just before the oldest sample not yet handed
   * over (the queue's, the dropped ones', and `limit`), or to the newest
   * observed when nothing waits.
   */
  private _advance(limit = Infinity): void {
    let w = Math.min(this._maxObserved, limit, this._lostFrom - 1);
    for (let i = this._head; i < this._queue.length; i++) {
      const t = this._queue[i]!.t - 1;
      if (t < w) w = t;
    }
    if (w > this._watermark) {
      this._watermark = w;
      this._d.onWatermark?.();
    }
    if (this._lastSent.size > MAX_LAST_SENT) for (const [k, t] of this._lastSent) if (t <= this._watermark) this._lastSent.delete(k);
  }

  /** One request, retried until accepted, refused for good, or the queue is closed past its grace. */
  private async _send(batch: Pending[]): Promise<void> {
    const series = new Map<string, WireSeries>();
    let newest = -Infinity;
    for (const p of batch) {
      let s = series.get(p.key);
      if (s === undefined) series.set(p.key, (s = { labels: p.labels, samples: [] }));
      s.samples.push({ value: p.v, timestamp: p.t });
      if (p.t > newest) newest = p.t;
    }
    const body = writeRequestBody([...series.values()]);
    const q = this._c.queue;
    let backoff = q.min_backoff * 1000;
    for (;;) {
      try {
        const signal = AbortSignal.any([this._abort.signal, AbortSignal.timeout(this._c.remote_timeout * 1000)]);
        const secrets = [this._c.bearer_token ?? '', this._c.basic_auth?.password ?? ''].filter((s) => s !== '');
        await postWrite(this._c.url, body, this._headers(), signal, `remote_write ${this.name}`, secrets);
        this.sent += batch.length;
        if (newest > this.highestSent) this.highestSent = newest;
        return;
      } catch (e) {
        const retryable = !(e instanceof RemoteWriteError) || e.retryable;
        if (!retryable) {
          this.failed += batch.length;
          this._d.logger.error(`remote_write ${this.name}: ${batch.length} samples dropped: ${describeError(e)}`);
          return;
        }
        if (this._abort.signal.aborted) {
          this._d.logger.warn(`remote_write ${this.name}: ${batch.length} samples not sent before close; read back from the data dir next start: ${describeError(e)}`);
          return;
        }
        this.retried += batch.length;
        this._d.logger.warn(`remote_write ${this.name}: retrying ${batch.length} samples in ${Math.round(backoff)} ms: ${describeError(e)}`);
        await this._sleep(backoff, true);
        backoff = Math.min(backoff * 2, q.max_backoff * 1000);
      }
    }
  }

  private _headers(): Record<string, string> {
    const h: Record<string, string> = {
      ...(this._c.headers ?? {}),
      'content-type': 'application/x-protobuf',
      'content-encoding': 'snappy',
      'x-prometheus-remote-write-version': '0.1.0',
      'user-agent': remoteWriteUserAgent(),
    };
    if (this._c.bearer_token !== undefined) h['authorization'] = `Bearer ${this._c.bearer_token}`;
    else if (this._c.basic_auth !== undefined) {
      h['authorization'] = `Basic ${Buffer.from(`${this._c.basic_auth.username}:${this._c.basic_auth.password}`, 'utf8').toString('base64')}`;
    }
    return h;
  }

  /** Waits `ms`, or until woken (new samples, close); a backoff wait is cut short only by the close grace running out. */
  private _sleep(ms: number, backoff = false): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(this._timer);
        this._wake = undefined;
        this._abort.signal.removeEventListener('abort', done);
        resolve();
      };
      this._timer = setTimeout(done, Math.max(1, ms));
      this._timer.unref();
      if (!backoff) this._wake = done;
      this._abort.signal.addEventListener('abort', done, { once: true });
    });
  }
}
