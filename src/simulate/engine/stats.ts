/**
 * @module simulate/engine/stats
 * What one engine has counted since its process started: counters that only go
 * up, and histograms fed by named quantities. The model writes here; a flavor
 * table decides which quantity feeds which exposed histogram (and with which
 * buckets), so one model serves every engine's page.
 */
import { Histogram } from './histogram.js';

/** Per-request and per-step measurements the model observes (seconds or tokens). */
export type Quantity =
  | 'ttft'
  | 'itl'
  | 'tpot'
  | 'meanTimePerToken'
  | 'e2e'
  | 'queue'
  | 'inference'
  | 'prefill'
  | 'decode'
  | 'promptTokens'
  | 'generationTokens'
  | 'maxTokens'
  | 'paramsN'
  | 'iterationTokens'
  | 'prefillComputedTokens'
  | 'validation'
  | 'requestDuration'
  | 'arrivalHandling'
  | 'batchNextSize'
  | 'prefillForward'
  | 'decodeForward'
  | 'prefillDetokenize'
  | 'decodeDetokenize'
  | 'prefillFilter'
  | 'decodeFilter'
  | 'prefillBatch'
  | 'decodeBatch';

/** Counters the model keeps; all start at 0 with the process and never go down. */
export const COUNTERS = [
  'promptTokens',
  /** Prompt tokens served from the prefix cache, counted with promptTokens at the first token. */
  'promptCached',
  'generationTokens',
  'preemptions',
  'prefixQueries',
  'prefixHits',
  'successStop',
  'successLength',
  'successAbort',
  'requests',
  'validationFailures',
  'rejected',
  'prefillBatches',
  'decodeIterations',
  'busySlotIterations',
  'promptSeconds',
  'decodeSeconds',
  'chunkedConcats',
  'flops',
  'readBytes',
  'writeBytes',
  'cpuSeconds',
  'gcObjects',
] as const;
export type CounterName = (typeof COUNTERS)[number];

/** One exposed histogram: a key unique in the flavor, the quantity feeding it, its bounds. */
export interface HistogramBinding {
  readonly key: string;
  readonly quantity: Quantity;
  readonly bounds: readonly number[];
}

export class EngineStats {
  readonly counters: Record<CounterName, number>;
  private readonly byKey = new Map<string, Histogram>();
  private readonly byQuantity = new Map<Quantity, Histogram[]>();

  constructor(bindings: readonly HistogramBinding[]) {
    const c = {} as Record<CounterName, number>;
    for (const n of COUNTERS) c[n] = 0;
    this.counters = c;
    for (const b of bindings) {
      const h = new Histogram(b.bounds);
      this.byKey.set(b.key, h);
      const list = this.byQuantity.get(b.quantity);
      if (list === undefined) this.byQuantity.set(b.quantity, [h]);
      else list.push(h);
    }
  }

  add(name: CounterName, v: number): void {
    if (v > 0) this.counters[name] += v;
  }

  /** Feeds every histogram bound to `q`; quantities no histogram uses cost one map lookup. */
  observe(q: Quantity, v: number, weight = 1): void {
    const list = this.byQuantity.get(q);
    if (list === undefined) return;
    for (const h of list) h.observe(v, weight);
  }

  histogram(key: string): Histogram | undefined {
    return this.byKey.get(key);
  }
}
