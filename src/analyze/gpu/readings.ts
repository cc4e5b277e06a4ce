/**
 * @module analyze/gpu/readings
 * The GPUs as their latest collection left them in the store: one record per
 * GPU with the figures the derivations need, and the current
 * per-process rows. The sample names are those of collect/gpu/reading.ts
 * GPU_METRICS, repeated here since analyze/ does not import collect/.
 */
import type { Sample } from '../../core/types.js';
import type { SeriesReader } from '../../store/series.js';

export const GPU_IN = {
  utilization: 'gpu_utilization',
  memoryUsed: 'gpu_memory_used_bytes',
  memoryUtilization: 'gpu_memory_utilization',
  powerDraw: 'gpu_power_draw_watts',
  powerLimit: 'gpu_power_limit_watts',
  throttleActive: 'gpu_throttle_active',
  clockEventSeconds: 'gpu_clock_event_seconds',
  powerViolation: 'gpu_power_violation',
  thermalViolation: 'gpu_thermal_violation',
  smActive: 'gpu_sm_active',
  pipeActive: 'gpu_pipe_active',
  dramActive: 'gpu_dram_active',
  processMemory: 'gpu_process_memory_bytes',
  processSm: 'gpu_process_sm_utilization',
} as const;

/** More GPUs than any host has: a hostile source cannot grow the tables past it. */
export const MAX_GPUS = 256;
/** Per-process rows looked at per tick. */
export const MAX_PROCESS_ROWS = 8192;

export interface GpuState {
  /**
   * `gpu` and `uuid` together: an index alone is not unique on a host with
   * GPUs of two vendors (nvidia-smi's GPU 0 and rocm-smi's card 0).
   */
  readonly key: string;
  readonly gpu: string;
  uuid: string | undefined;
  name: string | undefined;
  /** Time of the GPU's newest sample: its latest collection. */
  t: number;
  utilization?: number;
  smActive?: number;
  dramActive?: number;
  /** The busiest of the tensor/fp64/fp32/fp16 pipes, where the source reports them. */
  pipeActive?: number;
  memoryUtilization?: number;
  memoryUsedBytes?: number;
  powerDrawWatts?: number;
  powerLimitWatts?: number;
  powerViolation?: number;
  thermalViolation?: number;
  /** Clocks event reasons active in the latest collection. */
  readonly throttle: Set<string>;
}

export interface ProcessRow {
  /** The GPU's `key`. */
  readonly gpu: string;
  readonly pid: string;
  readonly bytes: number;
  smPercent?: number;
}

export interface GpuTable {
  /** By key (`gpu` and `uuid`), in the order first seen. */
  readonly gpus: ReadonlyMap<string, GpuState>;
  /** UUID → key. */
  readonly byUuid: ReadonlyMap<string, string>;
  /** Rows of the GPUs' latest collections only: a process that exited is gone with its GPU's next reading. */
  readonly processes: readonly ProcessRow[];
}

type Gauge = 'utilization' | 'smActive' | 'dramActive' | 'memoryUtilization' | 'memoryUsedBytes' | 'powerDrawWatts' | 'powerLimitWatts' | 'powerViolation' | 'thermalViolation';

const GAUGES: readonly (readonly [string, Gauge])[] = [
  [GPU_IN.utilization, 'utilization'],
  [GPU_IN.smActive, 'smActive'],
  [GPU_IN.dramActive, 'dramActive'],
  [GPU_IN.memoryUtilization, 'memoryUtilization'],
  [GPU_IN.memoryUsed, 'memoryUsedBytes'],
  [GPU_IN.powerDraw, 'powerDrawWatts'],
  [GPU_IN.powerLimit, 'powerLimitWatts'],
  [GPU_IN.powerViolation, 'powerViolation'],
  [GPU_IN.thermalViolation, 'thermalViolation'],
];

/** The GPUs with a sample at most `freshMs` old at `at`; an older one counts as gone (the GPU stopped reporting). */
export function readGpus(read: SeriesReader, at: number, freshMs: number): GpuTable {
  const gpus = new Map<string, GpuState>();
  const byUuid = new Map<string, string>();
  const fresh = (s: Sample): boolean => at - s.t <= freshMs && s.t <= at && Number.isFinite(s.v);
  const stateOf = (s: Sample): GpuState | undefined => {
    const id = s.labels['gpu'];
    if (id === undefined) return undefined;
    const key = gpuKey(id, s.labels['uuid']);
    let g = gpus.get(key);
    if (g === undefined) {
      if (gpus.size >= MAX_GPUS) return undefined;
      gpus.set(key, (g = { key, gpu: id, uuid: s.labels['uuid'], name: undefined, t: s.t, throttle: new Set() }));
    }
    g.name ??= s.labels['name'];
    if (s.t > g.t) g.t = s.t;
    return g;
  };
  for (const [metric, field] of GAUGES) {
    for (const s of read.latest(metric)) {
      if (!fresh(s)) continue;
      const g = stateOf(s);
      if (g !== undefined) g[field] = s.v;
    }
  }
  for (const s of read.latest(GPU_IN.pipeActive)) {
    if (!fresh(s)) continue;
    const g = stateOf(s);
    if (g !== undefined && (g.pipeActive === undefined || s.v > g.pipeActive)) g.pipeActive = s.v;
  }
  for (const g of gpus.values()) if (g.uuid !== undefined) byUuid.set(g.uuid, g.key);
  // A reason is written only while it is active: one absent from the GPU's latest collection has ended.
  for (const s of read.latest(GPU_IN.throttleActive)) {
    const g = fresh(s) && s.labels['gpu'] !== undefined ? gpus.get(gpuKey(s.labels['gpu'], s.labels['uuid'])) : undefined;
    const reason = s.labels['reason'];
    if (g !== undefined && reason !== undefined && s.t >= g.t && s.v > 0) g.throttle.add(reason);
  }
  return { gpus, byUuid, processes: currentProcesses(read, gpus, byUuid, fresh) };
}

function currentProcesses(
  read: SeriesReader,
  gpus: ReadonlyMap<string, GpuState>,
  byUuid: ReadonlyMap<string, string>,
  fresh: (s: Sample) => boolean,
): ProcessRow[] {
  const rows = new Map<string, ProcessRow>();
  const keyOf = (s: Sample): [string, GpuState] | undefined => {
    const uuid = s.labels['uuid'];
    const id = (uuid === undefined ? undefined : byUuid.get(uuid)) ?? (s.labels['gpu'] === undefined ? undefined : gpuKey(s.labels['gpu'], uuid));
    const g = id === undefined ? undefined : gpus.get(id);
    const pid = s.labels['pid'];
    // Written every collection while the process runs: a row older than its GPU's latest reading is a process that exited.
    if (g === undefined || pid === undefined || !fresh(s) || s.t < g.t) return undefined;
    return [`${g.key}\0${pid}`, g];
  };
  for (const s of read.latest(GPU_IN.processMemory)) {
    if (rows.size >= MAX_PROCESS_ROWS) break;
    const k = keyOf(s);
    if (k !== undefined && s.v >= 0) rows.set(k[0], { gpu: k[1].key, pid: s.labels['pid']!, bytes: s.v });
  }
  for (const s of read.latest(GPU_IN.processSm)) {
    const k = keyOf(s);
    const row = k === undefined ? undefined : rows.get(k[0]);
    if (row !== undefined && s.v >= 0) row.smPercent = s.v;
  }
  return [...rows.values()];
}

export function gpuKey(gpu: string, uuid: string | undefined): string {
  return uuid === undefined ? gpu : `${gpu}\0${uuid}`;
}

/** The label selector of one GPU's series. */
export function gpuSelector(g: Pick<GpuState, 'gpu' | 'uuid'>): Record<string, string> {
  return g.uuid === undefined ? { gpu: g.gpu } : { gpu: g.gpu, uuid: g.uuid };
}
