/**
 * @module analyze/gpu/derive
 * The figures derived from the GPUs each tick: per GPU what holds it back
 * (`gpu_bound`, a stateset) and how long its power cap held it
 * (`gpu_power_capped`), with or without engines; per engine the share of each
 * GPU serving it (`gpu_engine_share`) and its share-weighted GPU figures.
 */
import type { Labels, Sample } from '../../core/types.js';
import type { SeriesReader } from '../../store/series.js';
import { attributeGpus, type AttributedEngine, type Attribution } from './attribution.js';
import { BOUND_CLASSES, boundBy } from './boundBy.js';
import { GPU_DERIVED } from './derivedMetrics.js';
import { powerCappedPercent } from './powerCapped.js';
import { gpuSelector, readGpus, type GpuState, type GpuTable } from './readings.js';

export interface GpuDerivation {
  readonly samples: Sample[];
  readonly table: GpuTable;
  readonly attribution: Attribution;
}

/**
 * At `at`: readings older than `freshMs` are gone; the power-capped share
 * looks back `windowMs`. `engines` are the live ones; `pidsOf` gives an
 * engine's process ids where they are known.
 */
export function deriveGpu(
  read: SeriesReader,
  engines: readonly AttributedEngine[],
  at: number,
  windowMs: number,
  pidsOf: (engine: string) => readonly string[] | undefined,
  freshMs: number = windowMs,
): GpuDerivation {
  const table = readGpus(read, at, freshMs);
  const attribution = attributeGpus(table, engines, pidsOf);
  const samples: Sample[] = [];
  for (const g of table.gpus.values()) {
    const labels = gpuLabels(g);
    const by = boundBy(g);
    if (by !== undefined) for (const c of BOUND_CLASSES) samples.push({ name: GPU_DERIVED.bound, labels: { ...labels, by: c }, t: at, v: c === by ? 1 : 0 });
    const capped = powerCappedPercent(read, gpuSelector(g), at, windowMs);
    if (capped !== undefined) samples.push({ name: GPU_DERIVED.powerCapped, labels, t: at, v: capped });
  }
  for (const [engine, a] of attribution) {
    const labels: Labels = { engine, component: engine };
    let gpus = 0;
    let usedBytes = 0;
    let usedKnown = false;
    let active = 0;
    let activeShare = 0;
    for (const [id, share] of a.shares) {
      const g = table.gpus.get(id)!;
      const l: Record<string, string> = { gpu: g.gpu };
      if (g.uuid !== undefined) l['uuid'] = g.uuid;
      samples.push({ name: GPU_DERIVED.engineShare, labels: { ...l, engine, component: engine }, t: at, v: share });
      gpus += share / 100;
      if (g.memoryUsedBytes !== undefined) {
        usedBytes += (share / 100) * g.memoryUsedBytes;
        usedKnown = true;
      }
      const activity = g.smActive ?? g.utilization;
      if (activity !== undefined) {
        active += share * activity;
        activeShare += share;
      }
    }
    samples.push({ name: GPU_DERIVED.engineGpus, labels, t: at, v: gpus });
    // Its processes' own memory where they are known: a share of the GPU's memory would count its neighbours'.
    if (a.processBytes !== undefined) samples.push({ name: GPU_DERIVED.engineMemory, labels, t: at, v: a.processBytes });
    else if (usedKnown) samples.push({ name: GPU_DERIVED.engineMemory, labels, t: at, v: usedBytes });
    if (activeShare > 0) samples.push({ name: GPU_DERIVED.engineUtilization, labels, t: at, v: active / activeShare });
  }
  return { samples, table, attribution };
}

/** `{gpu, uuid, name, component: gpu}`, leaving out what the GPU did not report. */
function gpuLabels(g: GpuState): Labels {
  const l: Record<string, string> = { gpu: g.gpu };
  if (g.uuid !== undefined) l['uuid'] = g.uuid;
  if (g.name !== undefined) l['name'] = g.name;
  l['component'] = 'gpu';
  return l;
}
