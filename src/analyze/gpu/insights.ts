/**
 * @module analyze/gpu/insights
 * Per GPU, what the status shows people: what holds it back, how long its
 * power cap held it over the window, and which engines it serves, from the
 * latest readings and the figures the last tick derived (gpu_power_capped,
 * gpu_engine_share).
 */
import type { SeriesReader } from '../../store/series.js';
import { boundBy, type BoundBy } from './boundBy.js';
import { GPU_DERIVED } from './derivedMetrics.js';
import { gpuSelector, readGpus } from './readings.js';

export interface GpuInsight {
  readonly gpu: string;
  readonly uuid: string | undefined;
  readonly name: string | undefined;
  /** Undefined when the GPU reports no activity figure. */
  readonly boundBy: BoundBy | undefined;
  readonly powerCappedPercent: number | undefined;
  readonly engines: readonly { engine: string; sharePercent: number }[];
}

/** The GPUs with a reading at most `freshMs` old at `at`, in the order first seen. */
export function gpuInsights(read: SeriesReader, at: number, freshMs: number): GpuInsight[] {
  const fresh = (t: number): boolean => at - t <= freshMs && t <= at;
  const out: GpuInsight[] = [];
  for (const g of readGpus(read, at, freshMs).gpus.values()) {
    let capped: number | undefined;
    for (const s of read.latest(GPU_DERIVED.powerCapped, gpuSelector(g))) if (fresh(s.t) && s.t >= g.t) capped = s.v;
    // The shares of the newest tick only: an engine no longer attributed left an older sample behind.
    const shares = read.latest(GPU_DERIVED.engineShare, gpuSelector(g)).filter((s) => fresh(s.t) && s.t >= g.t);
    const newest = Math.max(-Infinity, ...shares.map((s) => s.t));
    const engines = shares
      .filter((s) => s.t === newest && s.labels['engine'] !== undefined)
      .map((s) => ({ engine: s.labels['engine']!, sharePercent: s.v }))
      .sort((a, b) => b.sharePercent - a.sharePercent || (a.engine < b.engine ? -1 : 1));
    out.push({ gpu: g.gpu, uuid: g.uuid, name: g.name, boundBy: boundBy(g), powerCappedPercent: capped, engines });
  }
  return out;
}
