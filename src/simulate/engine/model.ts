/**
 * @module simulate/engine/model
 * One engine rank: a continuous-batching scheduler in the style of vLLM v1.
 * Requests arrive (Poisson, or a closed loop of clients), wait FCFS for a
 * running slot and KV blocks, prefill (chunked, at a token rate shared by the
 * batch), then decode one token per engine iteration. When decode growth
 * overflows the KV cache, the most recently admitted request is preempted and
 * recomputed later. Finished requests feed the latency histograms, so counters,
 * gauges and histograms all come from the same events.
 */
import type { EngineConfig } from './engine-config.js';
import type { Prng } from '../prng.js';
import { drawRequest, observeFinished, type Request } from './request.js';
import type { Phase, Workload } from './scenarios.js';
import type { EngineStats } from './stats.js';

/** Fixed cost of one forward pass (scheduling, sampling, launch), seconds. */
const FORWARD_OVERHEAD_S = 0.012;

export class EngineModel {
  readonly running: Request[] = [];
  readonly waiting: Request[] = [];
  /** Generated tokens of each of the last steps, for the token rate. */
  private readonly recent: Float64Array;
  private recentAt = 0;
  private nextIter = Number.NaN;
  /** First tokens produced by prefill in the current step. */
  private firstTokens = 0;

  constructor(
    readonly cfg: EngineConfig,
    readonly stats: EngineStats,
    private readonly rng: Prng,
    private readonly stepSec: number,
  ) {
    this.recent = new Float64Array(Math.max(1, Math.ceil(1 / stepSec)));
  }

  /** Generation tokens/s over the last second. */
  get tokenRate(): number {
    let s = 0;
    for (const v of this.recent) s += v;
    return s / (this.recent.length * this.stepSec);
  }

  /** Blocks held by running requests, counting the prompt blocks reserved at admission. */
  kvBlocks(): number {
    let b = 0;
    for (const r of this.running) b += Math.ceil((r.kvTokens + Math.max(0, r.prefillLeft)) / this.cfg.blockSize);
    return b;
  }

  get kvUsage(): number {
    return Math.min(1, this.kvBlocks() / this.cfg.numBlocks);
  }

  /** Advances the engine over [t0, t1) seconds under `phase`. */
  step(t0: number, t1: number, phase: Phase): void {
    let generated = 0;
    if (phase.engine === 'run' || phase.engine === 'stalled') {
      this.arrive(t0, t1, phase.workload);
      if (phase.engine === 'stalled') this.stall();
      else generated = this.work(t0, t1, phase.workload);
    }
    this.recent[this.recentAt] = generated;
    this.recentAt = (this.recentAt + 1) % this.recent.length;
  }

  private arrive(t0: number, t1: number, w: Workload): void {
    const s = this.cfg.scale;
    let times: number[];
    if (w.concurrency !== undefined) {
      const deficit = Math.max(0, w.concurrency - this.running.length - this.waiting.length);
      times = new Array<number>(deficit).fill(t0);
    } else {
      const n = this.rng.poisson((w.arrivalRate / s) * (t1 - t0));
      times = [];
      for (let i = 0; i < n; i++) times.push(t0 + this.rng.next() * (t1 - t0));
      times.sort((a, b) => a - b);
    }
    for (const t of times) {
      this.stats.add('requests', 1);
      this.stats.observe('arrivalHandling', 0.0002 + this.rng.exp(0.0002));
      if (w.concurrency === undefined && this.rng.next() < this.cfg.invalidFraction) {
        this.stats.add('validationFailures', 1);
        continue;
      }
      if (this.waiting.length >= this.cfg.maxWaiting) {
        this.stats.add('rejected', 1);
        continue;
      }
      this.waiting.push(drawRequest(this.rng, this.cfg, t, w));
    }
  }

  /** The scheduler is stuck: running requests lose their slots and KV, nothing is admitted. */
  private stall(): void {
    while (this.running.length > 0) this.evict(this.running.pop()!);
  }

  /** Puts a running request back at the head of the queue; it recomputes its KV when readmitted. */
  private evict(r: Request): void {
    r.prefillLeft = r.generated === 0 ? r.prompt - r.cached : r.prompt + r.generated;
    r.kvTokens = 0;
    this.waiting.unshift(r);
  }

  private work(t0: number, t1: number, w: Workload): number {
    const admitted = this.admit(t0, t1);
    const prefilled = this.prefill(t0, t1, admitted);
    const decoded = this.decode(t0, t1, w.decodeFactor, prefilled);
    this.preemptOverflow();
    const c = this.cfg;
    const tokens = prefilled + decoded;
    this.stats.add('flops', 2 * c.params * tokens);
    this.stats.add('writeBytes', tokens * 24_576);
    this.stats.add('cpuSeconds', (t1 - t0) * (0.05 + (0.6 * this.running.length) / c.maxRunning));
    this.stats.add('gcObjects', tokens / 4);
    return decoded + this.firstTokens;
  }

  private admit(t0: number, t1: number): number {
    const { blockSize, numBlocks, maxRunning } = this.cfg;
    let used = this.kvBlocks();
    let n = 0;
    while (this.waiting.length > 0 && this.running.length < maxRunning) {
      const r = this.waiting[0]!;
      if (r.arrival >= t1) break;
      const tokens = r.prompt + r.generated + 1;
      const need = Math.ceil(tokens / blockSize);
      if (used + need > numBlocks) break; // FCFS: the head blocks the line, as in vLLM
      this.waiting.shift();
      used += need;
      r.readyAt = Math.max(r.arrival, t0);
      if (Number.isNaN(r.admittedAt)) {
        r.admittedAt = r.readyAt;
        this.stats.add('prefixQueries', r.prompt);
        this.stats.add('prefixHits', r.cached);
      }
      r.kvTokens = r.generated === 0 ? r.cached : 0;
      this.running.push(r);
      n++;
    }
    return n;
  }

  private prefill(t0: number, t1: number, admitted: number): number {
    const rate = this.cfg.prefillTokensPerSec;
    let cursor = t0;
    let computed = 0;
    this.firstTokens = 0;
    for (const r of this.running) {
      if (r.prefillLeft <= 0) continue;
      const start = Math.max(cursor, r.readyAt);
      if (start >= t1) break;
      const done = start + r.prefillLeft / rate;
      if (done > t1) {
        const part = (t1 - start) * rate;
        r.prefillLeft -= part;
        r.kvTokens += part;
        computed += part;
        cursor = t1;
        break;
      }
      computed += r.prefillLeft;
      r.kvTokens += r.prefillLeft;
      r.prefillLeft = 0;
      cursor = done;
      // The token comes out of the forward pass that finishes the prefill, a fixed step overhead later.
      r.decodeFrom = done + FORWARD_OVERHEAD_S;
      if (Number.isNaN(r.firstTokenAt)) this.firstToken(r, r.decodeFrom);
    }
    if (computed > 0) {
      const busy = computed / rate;
      this.stats.add('promptSeconds', busy);
      this.stats.add('prefillBatches', 1);
      if (admitted > 0 && this.running.length > admitted) this.stats.add('chunkedConcats', 1);
      if (admitted > 0) this.stats.observe('batchNextSize', admitted);
      this.stats.observe('prefillBatch', busy);
      this.stats.observe('prefillForward', busy * 0.9);
      this.stats.observe('prefillDetokenize', busy * 0.02);
      this.stats.observe('prefillFilter', busy * 0.01);
    }
    this.finishDone();
    return computed;
  }

  private firstToken(r: Request, t: number): void {
    r.firstTokenAt = t;
    r.generated = 1;
    r.kvTokens += 1;
    this.firstTokens++;
    const st = this.stats;
    st.add('generationTokens', 1);
    st.add('promptTokens', r.prompt);
    st.add('promptCached', r.cached);
  }

  private decode(t0: number, t1: number, factor: number, prefilled: number): number {
    const c = this.cfg;
    const decoders = this.running.filter((r) => r.prefillLeft <= 0 && r.generated < r.output && r.decodeFrom < t1);
    if (decoders.length === 0) {
      this.nextIter = t1;
      if (prefilled > 0) this.stats.observe('iterationTokens', prefilled);
      return 0;
    }
    const p = (1 + (c.batchSlowdown * this.running.length) / c.maxRunning) / (c.decodeTokensPerSec * factor);
    if (!(this.nextIter >= t0)) this.nextIter = t0 + p;
    const tau0 = this.nextIter;
    const k = tau0 <= t1 ? Math.floor((t1 - tau0) / p) + 1 : 0;
    this.nextIter = tau0 + k * p;
    let tokens = 0;
    for (const r of decoders) {
      const first = r.decodeFrom < tau0 ? 0 : Math.floor((r.decodeFrom - tau0) / p) + 1;
      const emit = Math.min(k - first, r.output - r.generated);
      if (emit <= 0) continue;
      r.generated += emit;
      r.kvTokens += emit;
      r.decodeFrom = tau0 + (first + emit - 1) * p;
      tokens += emit;
      this.stats.observe('itl', p, emit);
    }
    const st = this.stats;
    st.add('generationTokens', tokens);
    st.add('decodeSeconds', tokens * p);
    if (k > 0) {
      st.add('decodeIterations', k);
      st.add('busySlotIterations', tokens);
      st.add('readBytes', k * c.params * 2);
      st.observe('iterationTokens', (tokens + prefilled) / k, k);
      st.observe('decodeBatch', p, k);
      st.observe('decodeForward', p * 0.9, k);
      st.observe('decodeDetokenize', p * 0.03, k);
      st.observe('decodeFilter', p * 0.01, k);
    }
    this.finishDone();
    return tokens;
  }

  /** Removes finished requests, observing their per-request histograms. */
  private finishDone(): void {
    for (let i = this.running.length - 1; i >= 0; i--) {
      const r = this.running[i]!;
      if (r.prefillLeft > 0 || r.generated < r.output) continue;
      this.running.splice(i, 1);
      observeFinished(this.stats, this.rng, r, r.decodeFrom);
    }
  }

  /** Preempts the most recently admitted requests until the KV cache fits again. */
  private preemptOverflow(): void {
    while (this.running.length > 1 && this.kvBlocks() > this.cfg.numBlocks) {
      this.evict(this.running.pop()!);
      this.stats.add('preemptions', 1);
    }
  }
}
