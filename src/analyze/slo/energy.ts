/**
 * @module analyze/slo/energy
 * Tokens per joule per engine: its generated tokens per second over the power
 * (W = J/s) of the GPUs that serve it. Which GPUs serve an engine, first that
 * applies: the engine's `gpus` in the config (indices or UUIDs); the GPUs on
 * which its processes (the process listening on its port, and descendants)
 * hold memory, from the per-process GPU memory samples; with exactly one
 * engine, every GPU. Otherwise there is no figure (not 0).
 */
import type { Sample } from '../../core/types.js';
import type { SeriesReader } from '../../store/series.js';
import { ENGINE_INDEX_LABEL, ENGINE_LABEL, UnifiedMetric } from '../engines/metrics.js';

export const TOKENS_PER_JOULE = 'tokens_per_joule';
export const ENGINE_POWER = 'engine_gpu_power_watts';

/** Names of the GPU collector's samples (collect/gpu/reading.ts GPU_METRICS). */
const GPU_POWER = 'gpu_power_draw_watts';
const GPU_PROCESS_MEMORY = 'gpu_process_memory_bytes';

export interface EnergyEngine {
  readonly name: string;
  /** config `engines[].gpus`: indices ("0") or UUIDs. */
  readonly gpus?: readonly string[] | undefined;
}

/**
 * `engine_gpu_power_watts{engine}` and `tokens_per_joule{engine}` at `at`.
 * GPU samples older than `freshMs` are gone (the GPU stopped reporting).
 * `pidsOf` gives the engine's process ids where they are known.
 */
export function deriveEnergy(
  read: SeriesReader,
  engines: readonly EnergyEngine[],
  at: number,
  freshMs: number,
  pidsOf: (engine: string) => readonly string[] | undefined,
): Sample[] {
  const out: Sample[] = [];
  if (engines.length === 0) return out;
  const power = read.latest(GPU_POWER).filter((s) => at - s.t <= freshMs && Number.isFinite(s.v));
  if (power.length === 0) return out;
  for (const e of engines) {
    const gpus = gpusOf(read, e, engines.length, at, freshMs, pidsOf);
    if (gpus === undefined) continue;
    let watts = 0;
    let n = 0;
    for (const p of power) {
      if (gpus !== 'all' && !gpus.has(p.labels['gpu'] ?? '\0') && !gpus.has(p.labels['uuid'] ?? '\0')) continue;
      watts += p.v;
      n++;
    }
    if (n === 0) continue;
    const labels = { [ENGINE_LABEL]: e.name, component: e.name };
    out.push({ name: ENGINE_POWER, labels, t: at, v: watts });
    let tokens: number | undefined;
    for (const s of read.latest(UnifiedMetric.TOKEN_THROUGHPUT, { [ENGINE_LABEL]: e.name })) {
      if (s.t === at && s.labels[ENGINE_INDEX_LABEL] === undefined) tokens = (tokens ?? 0) + s.v;
    }
    if (tokens !== undefined && watts > 0) out.push({ name: TOKENS_PER_JOULE, labels, t: at, v: tokens / watts });
  }
  return out;
}

function gpusOf(
  read: SeriesReader,
  e: EnergyEngine,
  engineCount: number,
  at: number,
  freshMs: number,
  pidsOf: (engine: string) => readonly string[] | undefined,
): ReadonlySet<string> | 'all' | undefined {
  if (e.gpus !== undefined && e.gpus.length > 0) return new Set(e.gpus);
  const pids = pidsOf(e.name);
  if (pids !== undefined && pids.length > 0) {
    const wanted = new Set(pids);
    const gpus = new Set<string>();
    for (const s of read.latest(GPU_PROCESS_MEMORY)) {
      if (at - s.t > freshMs || !wanted.has(s.labels['pid'] ?? '')) continue;
      const id = s.labels['gpu'] ?? s.labels['uuid'];
      if (id !== undefined) gpus.add(id);
    }
    if (gpus.size > 0) return gpus;
  }
  return engineCount === 1 ? 'all' : undefined;
}
