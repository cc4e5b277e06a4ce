/**
 * @module simulate/engine/flavors/python-process
 * The default collectors of prometheus_client (GC, platform, process) that head
 * every vLLM / Aphrodite page. One series per process, no engine labels, no
 * `_created`; the values are plausible and move with the simulated work.
 */
import type { EngineView, FamilySpec } from './types.js';

const sum = (all: readonly EngineView[], f: (e: EngineView) => number): number => all.reduce((s, e) => s + f(e), 0);
const gc = (all: readonly EngineView[]): number => sum(all, (e) => e.stats.counters.gcObjects);
const gens = (v: (g: number) => number) => (): ReadonlyArray<readonly [Record<string, string>, number]> =>
  [0, 1, 2].map((g) => [{ generation: String(g) }, v(g)] as const);

export const PYTHON_PROCESS_FAMILIES: readonly FamilySpec[] = [
  {
    name: 'python_gc_objects_collected_total',
    type: 'counter',
    help: 'Objects collected during gc',
    scope: 'process',
    value: (_e, all) => gens((g) => Math.round([12_000, 2_000, 300][g]! + gc(all) * [0.85, 0.12, 0.03][g]!))(),
  },
  { name: 'python_gc_objects_uncollectable_total', type: 'counter', help: 'Uncollectable objects found during GC', scope: 'process', value: gens(() => 0) },
  {
    name: 'python_gc_collections_total',
    type: 'counter',
    help: 'Number of times this generation was collected',
    scope: 'process',
    value: (_e, all) => gens((g) => Math.round([1_200, 110, 9][g]! + gc(all) / [700, 7_000, 70_000][g]!))(),
  },
  {
    name: 'python_info',
    type: 'gauge',
    help: 'Python platform information',
    scope: 'process',
    value: () => [[{ implementation: 'CPython', major: '3', minor: '12', patchlevel: '13', version: '3.12.13' }, 1]],
  },
  { name: 'process_virtual_memory_bytes', type: 'gauge', help: 'Virtual memory size in bytes.', scope: 'process', value: () => 9.035190272e9 },
  {
    name: 'process_resident_memory_bytes',
    type: 'gauge',
    help: 'Resident memory size in bytes.',
    scope: 'process',
    value: (_e, all) => 1.126473728e9 + 4096 * sum(all, (e) => e.model.running.length + e.model.waiting.length),
  },
  { name: 'process_start_time_seconds', type: 'gauge', help: 'Start time of the process since unix epoch in seconds.', scope: 'process', value: (e) => e.startedAt },
  {
    name: 'process_cpu_seconds_total',
    type: 'counter',
    help: 'Total user and system CPU time spent in seconds.',
    scope: 'process',
    value: (_e, all) => Math.round(sum(all, (e) => e.stats.counters.cpuSeconds) * 100) / 100,
  },
  { name: 'process_open_fds', type: 'gauge', help: 'Number of open file descriptors.', scope: 'process', value: (_e, all) => 60 + sum(all, (e) => e.model.running.length) },
  { name: 'process_max_fds', type: 'gauge', help: 'Maximum number of open file descriptors.', scope: 'process', value: () => 1_048_576 },
];
