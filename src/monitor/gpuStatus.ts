/**
 * @module monitor/gpuStatus
 * The `gpus` section of the status (GET /api/v1/status): per GPU what a person
 * asks first — how busy, how full, power against its cap, how hot, what holds
 * it back, which engines it serves — read from the latest samples of the
 * collector's names (collect/gpu/reading.ts GPU_METRICS) and of the derived
 * ones (gpu_bound, gpu_power_capped, gpu_engine_share). A figure nobody wrote
 * (or older than `freshMs`) is left out, never 0. Bounded: at most MAX_GPUS
 * GPUs and MAX_ENGINES engines per GPU, whatever the series say.
 */
import type { Labels } from '../core/types.js';
import type { SeriesReader } from '../store/series.js';
import { GPU_METRICS } from '../collect/gpu/reading.js';

export const MAX_GPUS = 64;
export const MAX_ENGINES = 32;

export interface GpuStatus {
  gpu: string;
  uuid?: string;
  name?: string;
  /** %, of the sample period a kernel ran */
  utilization?: number;
  /** % of time a warp was resident, where the GPU reports it (DCGM, GPM) */
  smActive?: number;
  memoryUsedBytes?: number;
  memoryTotalBytes?: number;
  /** % of memory in use */
  memoryUsage?: number;
  powerDrawWatts?: number;
  powerLimitWatts?: number;
  temperatureCelsius?: number;
  /** idle | compute | memory | power | thermal (gpu_bound) */
  boundBy?: string;
  /** % of the rate window held at the power cap (gpu_power_capped) */
  powerCappedPercent?: number;
  /** Engines served, with their % of the GPU (gpu_engine_share), largest first. */
  engines?: { engine: string; sharePercent: number }[];
  /** NVML clocks event reasons active now (gpu_throttle_active). */
  throttleReasons?: string[];
  pcieGeneration?: number;
  pcieWidth?: number;
}

type Scalar = 'utilization' | 'smActive' | 'memoryUsedBytes' | 'memoryTotalBytes' | 'memoryUsage' | 'powerDrawWatts' | 'powerLimitWatts' | 'temperatureCelsius' | 'powerCappedPercent' | 'pcieGeneration' | 'pcieWidth';
const SCALARS: readonly (readonly [metric: string, key: Scalar])[] = [
  [GPU_METRICS.utilization, 'utilization'],
  [GPU_METRICS.smActive, 'smActive'],
  [GPU_METRICS.memoryUsed, 'memoryUsedBytes'],
  [GPU_METRICS.memoryTotal, 'memoryTotalBytes'],
  [GPU_METRICS.memoryUsage, 'memoryUsage'],
  [GPU_METRICS.powerDraw, 'powerDrawWatts'],
  [GPU_METRICS.powerLimit, 'powerLimitWatts'],
  [GPU_METRICS.temperature, 'temperatureCelsius'],
  ['gpu_power_capped', 'powerCappedPercent'],
  [GPU_METRICS.pcieLinkGen, 'pcieGeneration'],
  [GPU_METRICS.pcieLinkWidth, 'pcieWidth'],
];

/** Per GPU (by its `gpu` and `uuid` labels: an index alone repeats across vendors), in index order, what the latest fresh samples say. */
export function gpuStatus(reader: Pick<SeriesReader, 'latest'>, at: number, freshMs: number): GpuStatus[] {
  const byGpu = new Map<string, GpuStatus>();
  const of = (l: Labels): GpuStatus | undefined => {
    const id = l['gpu'];
    if (id === undefined || id === '') return undefined;
    const key = l['uuid'] === undefined ? id : `${id}\0${l['uuid']}`;
    let g = byGpu.get(key);
    if (g === undefined) {
      if (byGpu.size >= MAX_GPUS) return undefined;
      g = { gpu: id };
      byGpu.set(key, g);
    }
    if (g.uuid === undefined && l['uuid'] !== undefined) g.uuid = l['uuid'];
    if (g.name === undefined && l['name'] !== undefined) g.name = l['name'];
    return g;
  };
  const fresh = (name: string) => reader.latest(name).filter((s) => at - s.t <= freshMs && Number.isFinite(s.v));
  for (const [metric, key] of SCALARS) {
    for (const s of fresh(metric)) {
      const g = of(s.labels);
      if (g !== undefined) g[key] = s.v;
    }
  }
  for (const s of fresh('gpu_bound')) {
    const by = s.labels['by'];
    if (s.v !== 1 || by === undefined) continue;
    const g = of(s.labels);
    if (g !== undefined) g.boundBy = by;
  }
  for (const s of fresh(GPU_METRICS.throttleActive)) {
    const reason = s.labels['reason'];
    const g = s.v > 0 && reason !== undefined ? of(s.labels) : undefined;
    if (g !== undefined && (g.throttleReasons ??= []).length < 16) g.throttleReasons.push(reason!);
  }
  for (const s of fresh('gpu_engine_share')) {
    const engine = s.labels['engine'];
    if (engine === undefined || !(s.v > 0)) continue;
    const g = of(s.labels);
    if (g !== undefined && (g.engines ??= []).length < MAX_ENGINES) g.engines.push({ engine, sharePercent: s.v });
  }
  const out = [...byGpu.values()].sort((a, b) => a.gpu.localeCompare(b.gpu, 'en', { numeric: true }));
  for (const g of out) {
    g.engines?.sort((a, b) => b.sharePercent - a.sharePercent || a.engine.localeCompare(b.engine));
    g.throttleReasons?.sort();
  }
  return out;
}
