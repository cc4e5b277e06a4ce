/**
 * The --query-gpu fields of the H200 captures (test/fixtures/engines/SOURCES.md,
 * nvidia-smi-h200-driver-580-query-gpu-{idle,load}.csv): the collector's query
 * when they were taken, before the deep fields joined it.
 */
export const H200_QUERY_FIELDS: readonly string[] = [
  'index',
  'uuid',
  'name',
  'utilization.gpu',
  'memory.used',
  'memory.total',
  'temperature.gpu',
  'power.draw',
  'power.limit',
  'clocks.sm',
  'clocks.mem',
  'clocks_event_reasons.active',
  'ecc.errors.uncorrected.volatile.total',
  'ecc.errors.corrected.volatile.total',
  'utilization.memory',
  'fan.speed',
];
