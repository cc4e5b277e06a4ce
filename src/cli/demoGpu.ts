/**
 * @module cli/demoGpu
 * The demo's GPU: the replayed H200 (simulate/gpu/h200Replay.ts) registered as
 * the monitor's `gpu` collector, and its part of the status line, read back
 * from the store as any screen reads a live GPU.
 */
import type { Sample } from '../core/types.js';
import { GPU_METRICS } from '../collect/gpu/reading.js';

interface LatestReader {
  latest(name: string, match?: Readonly<Record<string, string>>): Sample[];
}

export interface GpuLine {
  readonly name: string | undefined;
  readonly utilization: number | undefined;
  readonly watts: number | undefined;
  readonly limitWatts: number | undefined;
  /** gpu_bound's current class where the analysis derives it. */
  readonly boundBy: string | undefined;
  readonly throttle: readonly string[];
}

/** GPU 0's figures written at the tick `at` (older ones are gone), or undefined when it wrote none. */
export function readGpu(store: LatestReader, at: number): GpuLine | undefined {
  const one = (name: string): Sample | undefined => store.latest(name, { gpu: '0' }).find((s) => s.t >= at);
  const util = one(GPU_METRICS.utilization);
  if (util === undefined) return undefined;
  const bound = store.latest('gpu_bound', { gpu: '0' }).find((s) => s.t >= at && s.v === 1);
  const throttle = store
    .latest(GPU_METRICS.throttleActive, { gpu: '0' })
    .filter((s) => s.t >= at && s.v > 0)
    .map((s) => s.labels['reason'] ?? '')
    .sort();
  return { name: util.labels['name'], utilization: util.v, watts: one(GPU_METRICS.powerDraw)?.v, limitWatts: one(GPU_METRICS.powerLimit)?.v, boundBy: bound?.labels['by'], throttle };
}

/** `gpu0 H200 99% 693/700 W bound power` (or `held at the power cap` where no bound-by is derived). */
export function formatGpu(g: GpuLine): string {
  const w = (v: number | undefined): string => (v === undefined ? '–' : String(Math.round(v)));
  const name = (g.name ?? 'gpu').replace(/^NVIDIA /, '');
  const why = g.boundBy !== undefined ? `bound ${g.boundBy}` : g.throttle.includes('sw_power_cap') ? 'held at the power cap' : g.throttle.length > 0 ? `throttled ${g.throttle.join(',')}` : '';
  return `gpu0 ${name} ${w(g.utilization)}% ${w(g.watts)}/${w(g.limitWatts)} W${why === '' ? '' : ` ${why}`}`;
}
