/**
 * @module core/snapshot
 * The seed's flat PerformanceMetrics snapshot is a view over the latest samples.
 * A snapshot field is fed by a sample named like the field in snake_case,
 * whichever collector reports it; a field nobody collected is undefined, never 0.
 */

/** Snapshot field (camelCase, as the API returns it) → metric name (snake_case, as alerts and config name it). */
export const SNAPSHOT_FIELDS = {
  cpuUsage: 'cpu_usage',
  memoryUsage: 'memory_usage',
  diskUsage: 'disk_usage',
  gpuUtilization: 'gpu_utilization',
  gpuMemoryUsage: 'gpu_memory_usage',
  tokenThroughput: 'token_throughput',
  requestLatencyMs: 'request_latency_ms',
  kvCacheUsage: 'kv_cache_usage',
  membraneEvolutionRate: 'membrane_evolution_rate',
  reservoirDynamics: 'reservoir_dynamics',
  membraneLevel: 'membrane_level',
  pSystemTransitions: 'p_system_transitions',
  evolutionConvergence: 'evolution_convergence',
  fitnessImprovement: 'fitness_improvement',
  agentPerformance: 'agent_performance',
  sensoryMotorLatency: 'sensory_motor_latency',
  proprioceptiveAccuracy: 'proprioceptive_accuracy',
} as const;

export type SnapshotField = keyof typeof SNAPSHOT_FIELDS;
export type SnapshotMetricName = (typeof SNAPSHOT_FIELDS)[SnapshotField];

/** The seed's PerformanceMetrics, camelCased. */
export type PerformanceMetrics = {
  /** Milliseconds since the epoch of the tick that produced it. */
  timestamp: number;
} & { [K in SnapshotField]: number | undefined } & {
  /** Raw values per component (collector name): metric name → value, labels folded into the key. */
  componentMetrics: Record<string, Record<string, number>>;
};

const fieldByMetric = new Map<string, SnapshotField>(
  (Object.entries(SNAPSHOT_FIELDS) as [SnapshotField, SnapshotMetricName][]).map(([f, m]) => [m, f]),
);

/** The snapshot field a metric name feeds, if any. */
export function snapshotFieldFor(metric: string): SnapshotField | undefined {
  return fieldByMetric.get(metric);
}
