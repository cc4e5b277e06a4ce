/**
 * @module collect/gpu
 * GPU figures from nvidia-smi (long-lived loop-mode processes: query-gpu,
 * compute-apps, dmon, optionally pmon), a DCGM
 * exporter, or rocm-smi, as `gpu_*` samples labelled `gpu`, `uuid`, `name`.
 */
export { createGpuCollector } from './collector.js';
export type { GpuCollector, GpuCollectorOptions, GpuCollectorStatus, GpuSourceKind, GpuSourceState, GpuSourceStatus } from './collector.js';
export type { BackoffOptions, ChildState, ChildStatus } from './supervisor.js';
export { GPU_METRICS, THROTTLE_REASONS, decodeThrottleReasons, emitReading } from './reading.js';
export type { GpuProcessReading, GpuReading } from './reading.js';
export {
  COMPUTE_APPS_FIELDS,
  CORE_FIELDS,
  OPTIONAL_FIELD_GROUPS,
  GpuRowParser,
  parseComputeAppsCsv,
  parseNvidiaSmiCsv,
} from './nvidiaCsv.js';
export type { ComputeAppRow, NvidiaCsvResult } from './nvidiaCsv.js';
export { DmonParser, PmonParser } from './dmon.js';
export type { DmonFigures, DmonRow, PmonRow } from './dmon.js';
export { parseRocmSmiJson } from './rocmSmi.js';
export { dcgmReadings } from './dcgm.js';
