/**
 * @module analyze/gpu/derivedMetrics
 * Names of the figures derived from the GPU readings (export/names.ts exposes them).
 */
export const GPU_DERIVED = {
  /** `{gpu, uuid, name, by}`: 1 for the current class, 0 for the others (an OpenMetrics stateset). */
  bound: 'gpu_bound',
  /** `{gpu, uuid, name}`: % of the rate window held at the power cap. */
  powerCapped: 'gpu_power_capped',
  /** `{gpu, uuid, engine}`: % of the GPU serving the engine. */
  engineShare: 'gpu_engine_share',
  /** `{engine}` */
  enginePower: 'engine_gpu_power_watts',
  engineMemory: 'engine_gpu_memory_used_bytes',
  engineUtilization: 'engine_gpu_utilization',
  engineGpus: 'engine_gpus',
} as const;
