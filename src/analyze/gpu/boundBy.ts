/**
 * @module analyze/gpu/boundBy
 * What holds a GPU back, from its latest reading, for people. The first that
 * applies:
 * - idle: activity (SM activity where the GPU reports it, else utilisation,
 *   the share of time any kernel ran) under 5 %;
 * - thermal: a thermal or hardware slowdown clocks event reason is active
 *   (sw/hw thermal slowdown, hw slowdown, hw power brake) or dmon's `tviol`;
 * - power: the power cap holds the clocks: the sw_power_cap reason is active,
 *   or dmon's power violation is ≥ 50 % of the period, or the draw is ≥ 97 %
 *   of the limit;
 * - memory: memory-bandwidth activity (DRAM activity, else the memory
 *   controller's busy time) is ≥ 60 % and, where pipe activity is reported,
 *   at least the busiest compute pipe's (tensor/fp64/fp32/fp16);
 * - compute otherwise.
 * Utilisation alone reads 100 % for any resident kernel, so a memory-bound
 * decode loop shows it too: the memory test does not compare with it.
 */
import type { GpuState } from './readings.js';

export type BoundBy = 'idle' | 'compute' | 'memory' | 'power' | 'thermal';

/** In stateset order: every GPU gets one sample per class. */
export const BOUND_CLASSES: readonly BoundBy[] = ['idle', 'compute', 'memory', 'power', 'thermal'];

export const IDLE_BELOW_PERCENT = 5;
export const POWER_VIOLATION_PERCENT = 50;
export const POWER_DRAW_OF_LIMIT = 0.97;
export const MEMORY_BOUND_PERCENT = 60;

const THERMAL_REASONS = ['sw_thermal_slowdown', 'hw_thermal_slowdown', 'hw_slowdown', 'hw_power_brake_slowdown'];

/** Undefined when the GPU reports no activity figure at all. */
export function boundBy(g: GpuState): BoundBy | undefined {
  const activity = g.smActive ?? g.utilization;
  if (activity === undefined) return undefined;
  if (activity < IDLE_BELOW_PERCENT) return 'idle';
  if (THERMAL_REASONS.some((r) => g.throttle.has(r)) || (g.thermalViolation ?? 0) > 0) return 'thermal';
  if (atPowerCap(g)) return 'power';
  const memory = g.dramActive ?? g.memoryUtilization;
  if (memory !== undefined && memory >= MEMORY_BOUND_PERCENT && (g.pipeActive === undefined || memory >= g.pipeActive)) return 'memory';
  return 'compute';
}

/** Whether the power cap holds the clocks in the latest reading. */
export function atPowerCap(g: GpuState): boolean {
  if (g.throttle.has('sw_power_cap')) return true;
  if (g.powerViolation !== undefined && g.powerViolation >= POWER_VIOLATION_PERCENT) return true;
  return g.powerDrawWatts !== undefined && g.powerLimitWatts !== undefined && g.powerLimitWatts > 0 && g.powerDrawWatts >= POWER_DRAW_OF_LIMIT * g.powerLimitWatts;
}
