/**
 * @module analyze/slo/energy
 * Tokens per joule per engine: its generated tokens per second over the power
 * (W = J/s) of the GPUs that serve it, each GPU weighted by the engine's share
 * of it (analyze/gpu/attribution.ts says which GPUs and what share: config
 * `engines[].gpus`, else its processes' share of each GPU, else every GPU when
 * it is the only engine). Otherwise there is no figure (not 0).
 */
import type { Sample } from '../../core/types.js';
import type { SeriesReader } from '../../store/series.js';
import { attributeGpus, GPU_DERIVED, readGpus, type AttributedEngine, type Attribution, type GpuTable } from '../gpu/index.js';
import { ENGINE_INDEX_LABEL, ENGINE_LABEL, UnifiedMetric } from '../engines/metrics.js';

export const TOKENS_PER_JOULE = 'tokens_per_joule';
export const ENGINE_POWER = GPU_DERIVED.enginePower;

export type EnergyEngine = AttributedEngine;

/**
 * `engine_gpu_power_watts{engine}` (Σ share × GPU power) and
 * `tokens_per_joule{engine}` at `at`. GPU samples older than `freshMs` are
 * gone (the GPU stopped reporting). `pidsOf` gives the engine's process ids
 * where they are known; `gpus` is the tick's attribution where already made.
 */
export function deriveEnergy(
  read: SeriesReader,
  engines: readonly EnergyEngine[],
  at: number,
  freshMs: number,
  pidsOf: (engine: string) => readonly string[] | undefined,
  gpus?: { table: GpuTable; attribution: Attribution },
): Sample[] {
  const out: Sample[] = [];
  if (engines.length === 0) return out;
  const table = gpus?.table ?? readGpus(read, at, freshMs);
  const attribution = gpus?.attribution ?? attributeGpus(table, engines, pidsOf);
  for (const e of engines) {
    const a = attribution.get(e.name);
    if (a === undefined) continue;
    let watts = 0;
    let n = 0;
    for (const [id, share] of a.shares) {
      const p = table.gpus.get(id)?.powerDrawWatts;
      if (p === undefined) continue;
      watts += (share / 100) * p;
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
