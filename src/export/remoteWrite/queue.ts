/**
 * @module export/remoteWrite/queue
 * One remote_write receiver's queue, after Prometheus's QueueManager
 * (storage/remote/queue_manager.go): samples wait in memory, go out in
 * requests of up to max_samples_per_send or after batch_send_deadline, and a
 * failed request is retried with exponential backoff (min_backoff doubling to
 * max_backoff) on 5xx, 429 and network errors; other 4xx are dropped, logged
 * and counted.
 *
 * Nothing lost, nothing sent twice, kill -9 included: before each request
 * its position is committed to the data dir (the "sent up to" watermark:
 * every sample at or before it was accepted or refused for good, and the
 * request's own body), together with every sample stored so far, so nothing
 * reaches the receiver that the data dir could lose. After a restart the
 * saved request is sent again first, byte for byte: Prometheus's receiver
 * appends a remote-write 1.0 request whole or not at all
 * (storage/remote/write_handler.go: the first out-of-order sample rolls the
 * request back and answers 400), so either it goes in now or its 400 "out of
 * order" / "duplicate sample" says it was in already, and it counts as
 * delivered. Then the samples after the watermark are read back from the
 * data dir in bounded windows, yielding between them, and sent before the
 * queue; likewise once the queue overflowed during an outage. Per series,
 * samples go out in time order and never at or before the newest one sent,
 * since such a receiver refuses the whole request for one older sample.
 */
import { hostname } from 'node:os';
import { describeError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Sample } from '../../core/types.js';
import type { RemoteWriteConfig } from '../../config/remoteWrite.js';
import { exposedSample } from '../exposition.js';
import { decodeWriteRequestBody, wireLabels, writeRequestBody, type WireLabel, type WireSeries } from './encode.js';
import { postWrite, RemoteWriteError, remoteWriteUserAgent } from './post.js';

/** Stored series read back after the watermark (the data dir's raw tier), oldest first per series. */
export interface BacklogSeries {
  readonly descriptor: { readonly name: string; readonly labels: Readonly<Record<string, string>> };
  readonly t: ArrayLike<number>;
  readonly v: ArrayLike<number>;
}

/** One window of the backlog: every stored sample in (since, until]; `until` is Infinity at the end. */
export interface BacklogWindow {
  readonly series: readonly BacklogSeries[];
  readonly until: number;
}

/** What is saved of a queue: the watermark (ms), and the last request sent (snappy body, base64) with its newest sample (ms). */
export interface SavedPosition {
  readonly w: number;
  readonly b?: string;
  readonly h?: number;
}

export interface QueueDeps {
  readonly logger: Logger;
  /** About `maxSamples` stored samples after `sinceMs`, one window; undefined when this monitor keeps no history on disk. */
  readonly backlog?: ((sinceMs: number, maxSamples: number) => BacklogWindow) | undefined;
  /** Where the last run left off, if it saved a position. */
  readonly saved?: SavedPosition | undefined;
  /** Commits the position, with every sample stored so far, before a request goes out. */
  readonly persist?: (() => Promise<void>) | undefined;
  /** Called after the position moved (the owner may also save it with the next flush). */
  readonly onWatermark?: (() => void) | undefined;
}

interface Pending {
  readonly key: string;
  readonly labels: WireLabel[];
  readonly t: number;
  readonly v: number;
}

/** Samples read back from the data dir at most per window: a few ms of work between yields. */
export const BACKLOG_WINDOW = 20_000;
/** Bodies larger than this are not saved (the position's row stays small); the resend then relies on `h`. */
const MAX_SAVED_BODY = 128 * 1024;
/**
 * A refusal saying the receiver holds these samples already: Prometheus's
 * ErrOutOfOrderSample / ErrDuplicateSampleForTimestamp texts
 * (storage/interface.go), as Thanos, Mimir and VictoriaMetrics word them too.
 */
const ALREADY_THERE = /out of order sample|duplicate sample for timestamp|sample with repeated timestamp|same timestamp/i;
/** Per-series "newest sent" entries held before those at or below the watermark are pruned. */
const MAX_LAST_SENT = 200_000;

export class RemoteWriteQueue {
  private _queue: Pending[] = [];
  private _head = 0;
  private _watermark: number;
  /** Oldest sample time dropped from a full queue, not yet read back from the data dir. */
  private _lostFrom = Infinity;
  private _needBackfill: boolean;
  /** The request in flight when the last run stopped, sent again first. */
  private _replay: Uint8Array | undefined;
  /** Samples at or before it may be at the receiver already (the last run's request, when its body was not saved). */
  private _doubtHigh = -Infinity;
  /** The last request sent, and its newest sample: saved with the position. */
  private _lastBody: string | undefined;
  private _lastNewest: number | undefined;
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
    const saved = _d.saved;
    this._watermark = saved?.w ?? -Infinity;
    this._needBackfill = saved !== undefined && _d.backlog !== undefined;
    if (saved?.b !== undefined) this._replay = Buffer.from(saved.b, 'base64');
    else if (saved?.h !== undefined) this._doubtHigh = saved.h;
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

  /** What to save: the watermark (finite) and the last request sent; undefined before anything was. */
  get position(): SavedPosition | undefined {
    if (!Number.isFinite(this._watermark)) return undefined;
    const p: { w: number; b?: string; h?: number } = { w: this._watermark };
    if (this._lastBody !== undefined) p.b = this._lastBody;
    if (this._lastNewest !== undefined) p.h = this._lastNewest;
    return p;
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
    if (t > this._maxObserved) this._maxObserved = t;
    return { key: keyOf(wire), labels: wire, t: Math.round(t), v };
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
    if (this._replay !== undefined) await this._resend(this._replay);
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

  /**
   * Sends the stored samples after the watermark, oldest first, reading the
   * data dir one bounded window at a time and yielding between windows, then
   * the queue goes on.
   */
  private async _backfill(): Promise<void> {
    const read = this._d.backlog;
    this._needBackfill = false;
    if (read === undefined) return;
    // What the queue dropped so far is committed below, so this pass covers it; later drops set it again.
    this._lostFrom = Infinity;
    await this._persist();
    let from = this._watermark;
    let total = 0;
    // A close lets the pass go on within its grace: what it does not send is read back next start.
    for (;;) {
      if (this._abort.signal.aborted) return;
      let win: BacklogWindow;
      try {
        win = read(from, BACKLOG_WINDOW);
      } catch (e) {
        this._d.logger.error(`remote_write ${this.name}: cannot read the backlog after ${Number.isFinite(from) ? new Date(from).toISOString() : 'the start'} from the data dir: ${describeError(e)}`);
        return;
      }
      const all: Pending[] = [];
      for (const r of win.series) {
        for (let i = 0; i < r.t.length; i++) {
          const s = exposedSample({ name: r.descriptor.name, labels: r.descriptor.labels, t: r.t[i]!, v: r.v[i]! });
          const p = this._pending(s.name, s.labels, r.t[i]!, s.value);
          if (p !== undefined) all.push(p);
        }
      }
      // Oldest first over every series: each request then moves the watermark forward.
      all.sort((a, b) => a.t - b.t);
      if (total === 0 && all.length > 0) this._d.logger.info(`remote_write ${this.name}: sending the stored samples after ${Number.isFinite(from) ? new Date(from).toISOString() : 'the start'}`);
      total += all.length;
      const max = this._c.queue.max_samples_per_send;
      let i = 0;
      while (i < all.length) {
        const batch: Pending[] = [];
        while (batch.length < max && i < all.length) {
          const p = all[i++]!;
          if (this._claim(p)) batch.push(p);
        }
        if (batch.length > 0) await this._send(batch);
        if (this._abort.signal.aborted) return;
        // Everything up to the last sample handed over is done, the queue's older ones too (claimed above or at once).
        this._advance(i < all.length ? all[i]!.t - 1 : win.until);
      }
      if (win.until === Infinity || !(win.until > from)) break;
      from = win.until;
      await new Promise<void>((r) => setImmediate(r));
    }
    if (total > 0) this._d.logger.info(`remote_write ${this.name}: ${total} stored samples read back`);
    this._advance();
  }

  /**
   * The last run's request, sent again as it was: accepted, or refused as
   * already there, it is delivered. Its series' samples up to it are not sent
   * again.
   */
  private async _resend(body: Uint8Array): Promise<void> {
    this._replay = undefined;
    let series: WireSeries[];
    try {
      series = decodeWriteRequestBody(body);
    } catch (e) {
      this._d.logger.warn(`remote_write ${this.name}: the saved request cannot be read (${describeError(e)}); sending from the watermark`);
      return;
    }
    let n = 0;
    let newest = -Infinity;
    for (const s of series) {
      let last = -Infinity;
      for (const p of s.samples) last = Math.max(last, p.timestamp);
      n += s.samples.length;
      newest = Math.max(newest, last);
      const key = keyOf(s.labels);
      if (!((this._lastSent.get(key) ?? -Infinity) >= last)) this._lastSent.set(key, last);
    }
    if (n === 0) return;
    this._lastBody = Buffer.from(body).toString('base64');
    this._lastNewest = newest;
    await this._post(body, n, newest, true);
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

  /** One request, its position committed first, retried until accepted, refused for good, or the queue is closed past its grace. */
  private async _send(batch: Pending[]): Promise<void> {
    const doubt = this._doubtHigh;
    if (batch.some((p) => p.t <= doubt) && batch.some((p) => p.t > doubt)) {
      // What may be at the receiver goes alone, so its refusal cannot take newer samples with it.
      await this._send(batch.filter((p) => p.t <= doubt));
      await this._send(batch.filter((p) => p.t > doubt));
      return;
    }
    const series = new Map<string, WireSeries>();
    let newest = -Infinity;
    let oldest = Infinity;
    for (const p of batch) {
      let s = series.get(p.key);
      if (s === undefined) series.set(p.key, (s = { labels: p.labels, samples: [] }));
      s.samples.push({ value: p.v, timestamp: p.t });
      if (p.t > newest) newest = p.t;
      if (p.t < oldest) oldest = p.t;
    }
    const body = writeRequestBody([...series.values()]);
    // The first request of a fresh start: nothing before it was sent.
    if (this._watermark === -Infinity) this._watermark = oldest - 1;
    this._lastBody = body.byteLength <= MAX_SAVED_BODY ? Buffer.from(body).toString('base64') : undefined;
    this._lastNewest = newest;
    await this._persist();
    await this._post(body, batch.length, newest, batch[0]!.t <= doubt);
  }

  /** Commits the position (and what the store holds so far) before a request leaves; a failure is logged, the request still goes. */
  private async _persist(): Promise<void> {
    this._d.onWatermark?.();
    const persist = this._d.persist;
    if (persist === undefined) return;
    try {
      await persist();
    } catch (e) {
      this._d.logger.warn(`remote_write ${this.name}: cannot save the position before sending (a kill now may resend this request): ${describeError(e)}`);
    }
  }

  private async _post(body: Uint8Array, n: number, newest: number, mayBeThere: boolean): Promise<void> {
    const q = this._c.queue;
    let backoff = q.min_backoff * 1000;
    for (;;) {
      try {
        const signal = AbortSignal.any([this._abort.signal, AbortSignal.timeout(this._c.remote_timeout * 1000)]);
        const secrets = [this._c.bearer_token ?? '', this._c.basic_auth?.password ?? ''].filter((s) => s !== '');
        await postWrite(this._c.url, body, this._headers(), signal, `remote_write ${this.name}`, secrets);
        this.sent += n;
        if (newest > this.highestSent) this.highestSent = newest;
        return;
      } catch (e) {
        const retryable = !(e instanceof RemoteWriteError) || e.retryable;
        if (!retryable) {
          if (mayBeThere && ALREADY_THERE.test(e.message)) {
            this.sent += n;
            if (newest > this.highestSent) this.highestSent = newest;
            this._d.logger.info(`remote_write ${this.name}: ${n} samples sent before the last stop are at the receiver already: ${describeError(e)}`);
            return;
          }
          this.failed += n;
          this._d.logger.error(`remote_write ${this.name}: ${n} samples dropped: ${describeError(e)}`);
          return;
        }
        if (this._abort.signal.aborted) {
          this._d.logger.warn(`remote_write ${this.name}: ${n} samples not sent before close; read back from the data dir next start: ${describeError(e)}`);
          return;
        }
        this.retried += n;
        this._d.logger.warn(`remote_write ${this.name}: retrying ${n} samples in ${Math.round(backoff)} ms: ${describeError(e)}`);
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

/** A series' identity on the wire (its labels are sorted). */
function keyOf(labels: readonly WireLabel[]): string {
  let key = '';
  for (const l of labels) key += l.name + '\u0000' + l.value + '\u0000';
  return key;
}
