/** Which metrics the page shows (internal names, as the API returns them) and how. */

export interface CardDef {
  id: string;
  label: string;
  unit: string;
  /** A snapshot field (camelCase) read first, else the series of `metric` reduced by `reduce`. */
  field?: string;
  metric?: string;
  reduce?: 'max' | 'sum' | 'mean';
}

export const CARDS: readonly CardDef[] = [
  { id: 'cpu', label: 'CPU', unit: '%', field: 'cpuUsage' },
  { id: 'memory', label: 'Memory', unit: '%', field: 'memoryUsage' },
  { id: 'disk', label: 'Disk', unit: '%', field: 'diskUsage' },
  { id: 'gpu', label: 'GPU util', unit: '%', field: 'gpuUtilization', metric: 'gpu_utilization', reduce: 'mean' },
  { id: 'tokens', label: 'Token throughput', unit: 'tok/s', field: 'tokenThroughput' },
  { id: 'latency', label: 'Latency p95', unit: 'ms', metric: 'request_latency_ms_p95', reduce: 'max' },
  { id: 'ttft', label: 'TTFT p95', unit: 'ms', metric: 'ttft_ms_p95', reduce: 'max' },
  { id: 'kv', label: 'KV cache', unit: '%', field: 'kvCacheUsage' },
  { id: 'goodput', label: 'Goodput', unit: 'req/s', metric: 'goodput', reduce: 'sum' },
  { id: 'tpj', label: 'Tokens / J', unit: 'tok/J', metric: 'tokens_per_joule', reduce: 'mean' },
];

export interface ChartDef { metric: string; title: string; unit: string }

/** The default charts; `bench/dashboard.bench.ts` fills 24 h of exactly these. */
export const CHARTS: readonly ChartDef[] = [
  { metric: 'cpu_usage', title: 'CPU', unit: '%' },
  { metric: 'memory_usage', title: 'Memory', unit: '%' },
  { metric: 'gpu_utilization', title: 'GPU utilization', unit: '%' },
  { metric: 'token_throughput', title: 'Token throughput', unit: 'tok/s' },
  { metric: 'request_latency_ms_p95', title: 'Request latency p95', unit: 'ms' },
  { metric: 'kv_cache_usage', title: 'KV cache', unit: '%' },
];

/** Columns of the per-engine / per-model / per-GPU tables, in this order when present. */
export const BREAKDOWN_METRICS: readonly string[] = [
  'token_throughput', 'request_rate', 'request_latency_ms_p95', 'ttft_ms_p95', 'tpot_ms_p95', 'kv_cache_usage',
  'requests_running', 'requests_waiting', 'goodput', 'tokens_per_joule', 'gpu_utilization', 'gpu_memory_usage',
  'gpu_temperature_celsius', 'gpu_power_draw_watts',
];
export const BREAKDOWN_DIMS: readonly string[] = ['engine', 'model', 'gpu'];

/** What the event stream is asked for: every series the cards and charts read. */
export const STREAM_METRICS: readonly string[] = [
  ...new Set([...CHARTS.map((c) => c.metric), ...CARDS.flatMap((c) => (c.metric === undefined ? [] : [c.metric]))]),
];
