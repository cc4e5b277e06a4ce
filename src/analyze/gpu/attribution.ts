/**
 * @module analyze/gpu/attribution
 * Which GPUs, and what share of each, serve which engine. Per engine, the
 * first source that applies:
 * 1. config `engines[].gpus` (indices or UUIDs): 100 % of each, split evenly
 *    among the engines that declare the same GPU;
 * 2. the engine's processes (the process listening on its port and its
 *    descendants) matched with the per-process GPU rows: its share of a GPU is
 *    its processes' SM % over all processes' SM % on that GPU where the GPU
 *    reports per-process SM % (nvidia-smi pmon), else its processes' memory
 *    over all processes' memory on it;
 * 3. with a single engine, every GPU at 100 %.
 * Otherwise the engine has no GPUs (no figure, rather than a guess).
 */
import type { GpuTable } from './readings.js';

export interface AttributedEngine {
  readonly name: string;
  /** config `engines[].gpus`: indices ("0") or UUIDs. */
  readonly gpus?: readonly string[] | undefined;
}

export type AttributionBasis = 'config' | 'processes' | 'only-engine';

export interface EngineGpus {
  readonly basis: AttributionBasis;
  /** GPU key (readings.ts GpuState.key) → share of that GPU serving the engine, %. */
  readonly shares: ReadonlyMap<string, number>;
  /** GPU memory its processes hold, where the shares come from them. */
  readonly processBytes?: number;
}

/** engine → its GPUs; engines with none are left out. */
export type Attribution = ReadonlyMap<string, EngineGpus>;

export function attributeGpus(
  table: GpuTable,
  engines: readonly AttributedEngine[],
  pidsOf: (engine: string) => readonly string[] | undefined,
): Attribution {
  const out = new Map<string, EngineGpus>();
  if (engines.length === 0 || table.gpus.size === 0) return out;
  // A configured id is a UUID or an index; an index names every GPU with it (one vendor's, in practice).
  const resolve = (id: string): string[] => {
    const byUuid = table.byUuid.get(id);
    if (byUuid !== undefined) return [byUuid];
    const out: string[] = [];
    for (const g of table.gpus.values()) if (g.gpu === id) out.push(g.key);
    return out;
  };

  const declared = new Map<string, Set<string>>();
  const claims = new Map<string, number>();
  for (const e of engines) {
    if (e.gpus === undefined || e.gpus.length === 0) continue;
    const set = new Set<string>();
    for (const id of e.gpus) for (const g of resolve(id)) set.add(g);
    declared.set(e.name, set);
    for (const g of set) claims.set(g, (claims.get(g) ?? 0) + 1);
  }

  const totals = processTotals(table);
  for (const e of engines) {
    const set = declared.get(e.name);
    if (set !== undefined) {
      if (set.size > 0) out.set(e.name, { basis: 'config', shares: new Map([...set].map((g) => [g, 100 / claims.get(g)!])) });
      continue;
    }
    const byProcesses = fromProcesses(table, totals, pidsOf(e.name));
    if (byProcesses !== undefined) out.set(e.name, byProcesses);
    else if (engines.length === 1) out.set(e.name, { basis: 'only-engine', shares: new Map([...table.gpus.keys()].map((g) => [g, 100])) });
  }
  return out;
}

interface Totals {
  bytes: number;
  sm: number;
  /** Whether any process on the GPU has an SM % (pmon): then shares follow SM %. */
  hasSm: boolean;
}

function processTotals(table: GpuTable): Map<string, Totals> {
  const totals = new Map<string, Totals>();
  for (const p of table.processes) {
    let t = totals.get(p.gpu);
    if (t === undefined) totals.set(p.gpu, (t = { bytes: 0, sm: 0, hasSm: false }));
    t.bytes += p.bytes;
    if (p.smPercent !== undefined) {
      t.sm += p.smPercent;
      t.hasSm = true;
    }
  }
  return totals;
}

function fromProcesses(table: GpuTable, totals: ReadonlyMap<string, Totals>, pids: readonly string[] | undefined): EngineGpus | undefined {
  if (pids === undefined || pids.length === 0) return undefined;
  const wanted = new Set(pids);
  const mine = new Map<string, { bytes: number; sm: number }>();
  let processBytes = 0;
  for (const p of table.processes) {
    if (!wanted.has(p.pid)) continue;
    let m = mine.get(p.gpu);
    if (m === undefined) mine.set(p.gpu, (m = { bytes: 0, sm: 0 }));
    m.bytes += p.bytes;
    m.sm += p.smPercent ?? 0;
    processBytes += p.bytes;
  }
  if (mine.size === 0) return undefined;
  const shares = new Map<string, number>();
  for (const [g, m] of mine) {
    const t = totals.get(g)!;
    // SM % says who keeps the GPU busy; memory only who holds it. An idle GPU (no SM %) falls back to memory.
    const share = t.hasSm && t.sm > 0 ? (m.sm / t.sm) * 100 : t.bytes > 0 ? (m.bytes / t.bytes) * 100 : 100 / countOn(table, g);
    shares.set(g, share);
  }
  return { basis: 'processes', shares, processBytes };
}

/** Processes on a GPU, for the case where none holds memory yet: an even split. */
function countOn(table: GpuTable, gpu: string): number {
  let n = 0;
  for (const p of table.processes) if (p.gpu === gpu) n++;
  return Math.max(1, n);
}
