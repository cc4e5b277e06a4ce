/**
 * @module collect/gpu/collector
 * The built-in GPU collector (`name: 'gpu'`). On by default: it looks for
 * nvidia-smi and rocm-smi on PATH; a configured DCGM exporter URL replaces
 * nvidia-smi. With none of them the status says 'unavailable' (logged once at
 * info) and collect() returns no samples: GPU figures are absent, never 0.
 */
import { SystemClock, type Clock } from '../../core/clock.js';
import { describeError, EchoPerfError } from '../../core/errors.js';
import { silentLogger, type Logger } from '../../core/logger.js';
import type { Collector, Sample } from '../../core/types.js';
import { DcgmSource } from './dcgm.js';
import { findExecutable, isExecutable } from './findExecutable.js';
import { NvidiaSmiSource } from './nvidiaSmi.js';
import { GPU_METRICS } from './reading.js';
import { RocmSmiSource } from './rocmSmi.js';
import type { BackoffOptions, ChildStatus } from './supervisor.js';

export interface GpuCollectorOptions {
  /** nvidia-smi's loop period (`-lms`), and the freshness unit: rows older than 3 intervals are left out. Default 1000. */
  readonly intervalMs?: number;
  /** The PATH searched for nvidia-smi and rocm-smi. Default `process.env.PATH`. */
  readonly path?: string;
  /** nvidia-smi to run instead of the one on PATH; `false` turns nvidia-smi off. */
  readonly nvidiaSmi?: string | false;
  /** rocm-smi to run instead of the one on PATH; `false` turns rocm-smi off. */
  readonly rocmSmi?: string | false;
  /** A DCGM exporter /metrics URL; when set, NVIDIA figures come from it instead of nvidia-smi. */
  readonly dcgmUrl?: string;
  /** Schedules restarts and stamps freshness. Default the system clock. */
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Environment of the tools. Default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** Deadline of one rocm-smi run or DCGM scrape, in ms. Default 5000. */
  readonly timeoutMs?: number;
  /** How long the first collect() waits for nvidia-smi's first rows (NVML start-up), in ms. Default 2000. */
  readonly startupWaitMs?: number;
  /** Restart delays of a dead nvidia-smi. Default 1 s doubling to 60 s. */
  readonly backoff?: BackoffOptions;
  /**
   * Seconds between `nvidia-smi dmon` rows (violations, BAR1, PCIe replays and
   * throughput, GPM activity); 0: no dmon child. Default 10 (config `gpu.deep_interval`).
   */
  readonly deepIntervalS?: number;
  /** Seconds between `nvidia-smi pmon` rows (per-process SM and memory %); 0 (default): no pmon child. Config `gpu.process_interval`. */
  readonly processIntervalS?: number;
}

export type GpuSourceKind = 'nvidia-smi' | 'rocm-smi' | 'dcgm';
/** idle: not run yet; starting: waiting for the first rows; ok: fresh figures; error: see lastError. */
export type GpuSourceState = 'idle' | 'starting' | 'ok' | 'error' | 'closed';

export interface GpuSourceStatus {
  readonly kind: GpuSourceKind;
  /** The binary's path or the exporter's URL. */
  readonly target: string;
  readonly state: GpuSourceState;
  /** GPUs with fresh figures. */
  readonly gpus: number;
  readonly lastSuccessAt: number | undefined;
  /** Last failure, with the tool's last stderr lines. Kept after recovery, as the last error seen. */
  readonly lastError: string | undefined;
  /** Restarts of long-lived children after they died. */
  readonly restarts: number;
  /** nvidia-smi's children (query-gpu, query-compute-apps, dmon, pmon) with state, restarts and args; empty for the other sources. */
  readonly children: readonly ChildStatus[];
  /** The --query-gpu fields in use, and the optional ones the driver rejected. */
  readonly fields: readonly string[];
  readonly droppedFields: readonly string[];
  /** dmon options (`--gpm-metrics`, `--format`) the driver rejected; dmon runs without them. */
  readonly droppedDmonOptions: readonly string[];
}

export interface GpuCollectorStatus {
  /** unavailable: no tool and no exporter; degraded: a source is failing; closed: after close(). */
  readonly state: 'unavailable' | 'idle' | 'starting' | 'ok' | 'degraded' | 'closed';
  /** Why unavailable or degraded. */
  readonly reason: string | undefined;
  readonly sources: readonly GpuSourceStatus[];
}

export type GpuCollector = Collector & {
  readonly status: () => GpuCollectorStatus;
  /** Kills the nvidia-smi children and cancels restart timers. Idempotent. */
  close(): Promise<void>;
};

const DEFAULTS = {
  intervalMs: 1000,
  timeoutMs: 5000, // rocm-smi takes ~1 s (Python start + sysfs reads); 5 s marks a hung driver
  startupWaitMs: 2000, // nvidia-smi without persistence mode spends up to ~1-2 s in nvmlInit
  // dmon costs ~0.45 % of a core per process at 1 s whatever it reads, pmon ~4.5 % (measured on an
  // H200, driver 580.159.04): dmon runs slowly by default and pmon only when asked for.
  deepIntervalS: 10,
  processIntervalS: 0,
} as const;

interface Sources {
  readonly nvidia: NvidiaSmiSource | undefined;
  readonly dcgm: DcgmSource | undefined;
  readonly rocm: RocmSmiSource | undefined;
  /** Why there is nothing to collect from, when there is nothing. */
  readonly unavailable: string | undefined;
}

/**
 * Creates the GPU collector. Nothing starts until the first collect(); the
 * tools are looked up now.
 * @example
 * const gpu = createGpuCollector({ intervalMs: 1000 });
 * const samples = await gpu.collect(Date.now(), AbortSignal.timeout(5000));
 * // [{ name: 'gpu_utilization', labels: { gpu: '0', uuid: 'GPU-…', name: 'NVIDIA H100 80GB HBM3' }, v: 100, … }, …]
 * await gpu.close();
 */
export function createGpuCollector(options: GpuCollectorOptions = {}): GpuCollector {
  const intervalMs = options.intervalMs ?? DEFAULTS.intervalMs;
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  const startupWaitMs = options.startupWaitMs ?? DEFAULTS.startupWaitMs;
  const bad = (msg: string): never => {
    throw new EchoPerfError('EP_ERR_ARGUMENT', `createGpuCollector: ${msg}`);
  };
  if (!Number.isInteger(intervalMs) || intervalMs < 1) bad(`intervalMs must be an integer >= 1, got ${intervalMs}`);
  if (!(timeoutMs > 0)) bad(`timeoutMs must be > 0 ms, got ${timeoutMs}`);
  if (!(startupWaitMs >= 0)) bad(`startupWaitMs must be >= 0 ms, got ${startupWaitMs}`);
  const deepIntervalS = options.deepIntervalS ?? DEFAULTS.deepIntervalS;
  const processIntervalS = options.processIntervalS ?? DEFAULTS.processIntervalS;
  if (!Number.isInteger(deepIntervalS) || deepIntervalS < 0 || deepIntervalS > 3600) {
    bad(`deepIntervalS must be an integer from 0 (off) to 3600 s, got ${deepIntervalS}`);
  }
  // pmon's own limit (`nvidia-smi pmon -h`: max=10secs).
  if (!Number.isInteger(processIntervalS) || processIntervalS < 0 || processIntervalS > 10) {
    bad(`processIntervalS must be an integer from 0 (off) to 10 s, got ${processIntervalS}`);
  }
  if (options.dcgmUrl !== undefined && !/^https?:\/\//.test(options.dcgmUrl)) {
    bad(`dcgmUrl must be an http(s) URL, got ${JSON.stringify(options.dcgmUrl)}`);
  }
  const logger = options.logger ?? silentLogger;
  const sources = discover(options, { intervalMs, deepIntervalS, processIntervalS }, timeoutMs, options.clock ?? new SystemClock(), logger);
  if (sources.unavailable !== undefined) logger.info(`gpu: unavailable: ${sources.unavailable}; GPU metrics are left out`);
  else logger.info(`gpu: collecting from ${describeSources(sources)}`);

  let closed = false;
  // close() aborts the rocm-smi runs and DCGM scrapes in flight.
  const inFlight = new Set<AbortController>();
  return {
    name: 'gpu',
    status: () => collectorStatus(sources, closed),
    async collect(at: number, signal: AbortSignal): Promise<Sample[]> {
      if (closed || sources.unavailable !== undefined) return [];
      // nvidia-smi alone reads memory (close() wakes its start-up wait): no controller needed on that hot path.
      if (sources.dcgm === undefined && sources.rocm === undefined) return collectFrom(sources, at, signal, startupWaitMs, logger);
      const ac = new AbortController();
      const onAbort = (): void => ac.abort(signal.reason);
      if (signal.aborted) ac.abort(signal.reason);
      else signal.addEventListener('abort', onAbort, { once: true });
      inFlight.add(ac);
      try {
        return await collectFrom(sources, at, ac.signal, startupWaitMs, logger);
      } finally {
        signal.removeEventListener('abort', onAbort);
        inFlight.delete(ac);
      }
    },
    async close(): Promise<void> {
      closed = true;
      for (const ac of inFlight) ac.abort(new Error('gpu collector closed'));
      await sources.nvidia?.close();
    },
  };
}

/** Finds the tools (or takes the DCGM URL) and says why nothing was found. */
interface Periods {
  readonly intervalMs: number;
  readonly deepIntervalS: number;
  readonly processIntervalS: number;
}

function discover(o: GpuCollectorOptions, periods: Periods, timeoutMs: number, clock: Clock, logger: Logger): Sources {
  const path = o.path ?? process.env['PATH'] ?? '';
  const missing: string[] = [];
  const notes: string[] = [];
  const locate = (tool: string, explicit: string | false | undefined): string | undefined => {
    if (explicit === false) {
      notes.push(`${tool} turned off`);
      return undefined;
    }
    if (explicit !== undefined) {
      if (isExecutable(explicit)) return explicit;
      notes.push(`${tool} at ${explicit} is not an executable file`);
      return undefined;
    }
    const found = findExecutable(tool, path);
    if (found === undefined) missing.push(tool);
    return found;
  };
  const nvidiaBin = o.dcgmUrl === undefined ? locate('nvidia-smi', o.nvidiaSmi) : undefined;
  const rocmBin = locate('rocm-smi', o.rocmSmi);
  const sources: Sources = {
    nvidia:
      nvidiaBin === undefined
        ? undefined
        : new NvidiaSmiSource({ binary: nvidiaBin, ...periods, clock, logger, env: o.env, ...(o.backoff === undefined ? {} : { backoff: o.backoff }) }),
    dcgm: o.dcgmUrl === undefined ? undefined : new DcgmSource({ url: o.dcgmUrl, timeoutMs, clock }),
    rocm: rocmBin === undefined ? undefined : new RocmSmiSource({ binary: rocmBin, timeoutMs, env: o.env, clock }),
    unavailable: undefined,
  };
  if (sources.nvidia !== undefined || sources.dcgm !== undefined || sources.rocm !== undefined) return sources;
  const why = [...(missing.length > 0 ? [`no ${missing.join(' or ')} on PATH`] : []), ...notes, 'no dcgm_url configured'];
  return { ...sources, unavailable: why.join(' and ') };
}

function describeSources(s: Sources): string {
  const using: string[] = [];
  if (s.nvidia !== undefined) using.push(`nvidia-smi (${s.nvidia.binary})`);
  if (s.dcgm !== undefined) using.push(`DCGM exporter ${s.dcgm.target}`);
  if (s.rocm !== undefined) using.push(`rocm-smi (${s.rocm.target})`);
  return using.join(', ');
}

/** One collect over every source, concurrently; `gpu_count` when at least one source answered. */
async function collectFrom(s: Sources, at: number, signal: AbortSignal, startupWaitMs: number, logger: Logger): Promise<Sample[]> {
  const parts: Promise<{ out: Sample[]; gpus: number | undefined }>[] = [];
  const run = (c: (out: Sample[]) => Promise<number | undefined>): void => {
    const out: Sample[] = [];
    parts.push(c(out).then((gpus) => ({ out, gpus })));
  };
  const { nvidia, dcgm, rocm } = s;
  if (nvidia !== undefined) {
    nvidia.start();
    run(async (out) => {
      await nvidia.ready(startupWaitMs, signal);
      const n = nvidia.collect(at, out);
      return n > 0 ? n : undefined;
    });
  }
  if (dcgm !== undefined) run((out) => dcgm.collect(at, signal, out));
  if (rocm !== undefined) run((out) => rocm.collect(at, signal, out));
  const samples: Sample[] = [];
  let gpus = 0;
  let answered = false;
  for (const p of await Promise.allSettled(parts)) {
    if (p.status === 'rejected') {
      // Sources catch their own failures; this is a bug, contained here.
      logger.error(`gpu: a source failed unexpectedly: ${describeError(p.reason)}`);
      continue;
    }
    for (const x of p.value.out) samples.push(x);
    if (p.value.gpus !== undefined) {
      gpus += p.value.gpus;
      answered = true;
    }
  }
  if (answered) samples.push({ name: GPU_METRICS.count, labels: {}, t: at, v: gpus });
  return samples;
}

function collectorStatus(s: Sources, closed: boolean): GpuCollectorStatus {
  const sources: GpuSourceStatus[] = [];
  if (s.nvidia !== undefined) sources.push(nvidiaStatus(s.nvidia, closed));
  if (s.dcgm !== undefined) sources.push(oneShotStatus('dcgm', s.dcgm, closed));
  if (s.rocm !== undefined) sources.push(oneShotStatus('rocm-smi', s.rocm, closed));
  if (s.unavailable !== undefined) return { state: closed ? 'closed' : 'unavailable', reason: s.unavailable, sources };
  if (closed) return { state: 'closed', reason: undefined, sources };
  const failing = sources.find((x) => x.state === 'error');
  if (failing !== undefined) return { state: 'degraded', reason: failing.lastError, sources };
  if (sources.every((x) => x.state === 'idle')) return { state: 'idle', reason: undefined, sources };
  if (sources.some((x) => x.state === 'starting' || x.state === 'idle')) return { state: 'starting', reason: undefined, sources };
  return { state: 'ok', reason: undefined, sources };
}

function nvidiaStatus(n: NvidiaSmiSource, closed: boolean): GpuSourceStatus {
  const s = n.status();
  const children = s.children;
  const failing = children.find((c) => c.state === 'backoff');
  const lastError = children.find((c) => c.lastError !== undefined)?.lastError;
  let state: GpuSourceState;
  if (closed) state = 'closed';
  else if (!n.started) state = 'idle';
  else if (failing !== undefined) state = 'error';
  else if (s.gpus > 0) state = 'ok';
  else if (s.lastSuccessAt !== undefined) state = 'error';
  else state = 'starting';
  const stale = state === 'error' && failing === undefined ? 'nvidia-smi printed no rows for 3 intervals' : undefined;
  return {
    kind: 'nvidia-smi',
    target: n.binary,
    state,
    gpus: s.gpus,
    lastSuccessAt: s.lastSuccessAt,
    lastError: failing?.lastError ?? stale ?? lastError,
    restarts: children.reduce((a, c) => a + c.restarts, 0),
    children,
    fields: s.fields,
    droppedFields: s.droppedFields,
    droppedDmonOptions: s.droppedDmonOptions,
  };
}

function oneShotStatus(
  kind: GpuSourceKind,
  src: { target: string; runs: number; lastError: string | undefined; lastSuccessAt: number | undefined; gpus: number },
  closed: boolean,
): GpuSourceStatus {
  const state: GpuSourceState = closed
    ? 'closed'
    : src.runs === 0
      ? 'idle'
      : src.lastError !== undefined
        ? 'error'
        : src.lastSuccessAt !== undefined
          ? 'ok'
          : 'starting';
  return {
    kind,
    target: src.target,
    state,
    gpus: src.lastError === undefined ? src.gpus : 0,
    lastSuccessAt: src.lastSuccessAt,
    lastError: src.lastError,
    restarts: 0,
    children: [],
    fields: [],
    droppedFields: [],
    droppedDmonOptions: [],
  };
}
