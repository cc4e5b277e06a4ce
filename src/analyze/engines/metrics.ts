/**
 * @module analyze/engines/metrics
 * The unified LLM-engine metrics: one vocabulary over Aphrodite, vLLM, SGLang,
 * TGI and llama.cpp. Each is a sample per engine and model (labels `engine` =
 * the configured engine name, `model` where the engine labels its series by
 * model), plus, for a data-parallel engine, one per index (`engine_index`).
 * Which engine series feed each one is in `flavors/*.ts`.
 */

/** Names of the unified metrics that are not histogram-derived (one value each). */
export const UnifiedMetric = {
  TOKEN_THROUGHPUT: 'token_throughput',
  PROMPT_THROUGHPUT: 'prompt_throughput',
  REQUEST_RATE: 'request_rate',
  KV_CACHE_USAGE: 'kv_cache_usage',
  REQUESTS_RUNNING: 'requests_running',
  REQUESTS_WAITING: 'requests_waiting',
  PREEMPTIONS_PER_S: 'preemptions_per_s',
  PREFIX_CACHE_HIT_RATE: 'prefix_cache_hit_rate',
  REQUEST_ERROR_RATE: 'request_error_rate',
} as const;
export type ScalarMetricName = (typeof UnifiedMetric)[keyof typeof UnifiedMetric];

/**
 * Histogram-derived unified metrics. Each name is the mean over the window;
 * the same name with a QUANTILES suffix (`request_latency_ms_p95`) is the quantile.
 */
export const HistogramMetric = {
  REQUEST_LATENCY_MS: 'request_latency_ms',
  TTFT_MS: 'ttft_ms',
  TPOT_MS: 'tpot_ms',
  QUEUE_TIME_MS: 'queue_time_ms',
} as const;
export type HistogramMetricName = (typeof HistogramMetric)[keyof typeof HistogramMetric];

export type UnifiedBaseName = ScalarMetricName | HistogramMetricName;

/** The quantiles each histogram metric yields, with the suffix of their names. */
export const QUANTILES: readonly (readonly [q: number, suffix: string])[] = [
  [0.5, '_p50'],
  [0.95, '_p95'],
  [0.99, '_p99'],
];

/** Labels of the unified samples. */
export const ENGINE_LABEL = 'engine';
export const MODEL_LABEL = 'model';
export const ENGINE_INDEX_LABEL = 'engine_index';

/** One row of the documentation table: also the HELP text of the metric. */
export interface UnifiedMetricDoc {
  readonly name: string;
  readonly unit: string;
  readonly help: string;
  /** How it is computed from the engine's series over the window. */
  readonly derivation: string;
  /** How the per-index values of a data-parallel engine combine into the per-model value. */
  readonly acrossIndices: 'sum' | 'mean' | 'merged histogram' | 'ratio of sums';
}

const scalarDocs: readonly UnifiedMetricDoc[] = [
  doc('token_throughput', 'tokens/s', 'Generated (output) tokens per second.', 'rate() of the generation-tokens counter (TGI: of tgi_request_generated_tokens_sum)', 'sum'),
  doc('prompt_throughput', 'tokens/s', 'Prompt (prefill) tokens per second.', 'rate() of the prompt-tokens counter (TGI: of tgi_request_input_length_sum)', 'sum'),
  doc('request_rate', 'requests/s', 'Finished requests per second, whatever the finish reason.', 'rate() of the finished-requests counter(s), summed over finish reasons', 'sum'),
  doc('kv_cache_usage', '%', 'KV-cache usage.', 'latest gauge in the window × 100 (engines report 0..1)', 'mean'),
  doc('requests_running', 'requests', 'Requests being executed.', 'latest gauge in the window', 'sum'),
  doc('requests_waiting', 'requests', 'Requests queued, not yet scheduled.', 'latest gauge in the window', 'sum'),
  doc('preemptions_per_s', '1/s', 'Preemptions (SGLang: retractions) per second.', 'rate() of the preemptions counter', 'sum'),
  doc('prefix_cache_hit_rate', 'ratio 0..1', 'Prefix-cache hits per query, in tokens.', 'rate(hits) / rate(queries); absent when nothing was queried (SGLang docs-era: the cache_hit_rate gauge)', 'ratio of sums'),
  doc('request_error_rate', 'ratio 0..1', 'Fraction of finished requests that ended in an error or abort.', 'rate(errored or aborted) / rate(finished); absent when nothing finished', 'ratio of sums'),
];

const histogramDocs: readonly (readonly [HistogramMetricName, string, string])[] = [
  ['request_latency_ms', 'End-to-end request latency', 'e2e request latency histogram'],
  ['ttft_ms', 'Time to first token', 'time-to-first-token histogram'],
  ['tpot_ms', 'Time per output token (inter-token latency)', 'inter-token latency histogram (older: time_per_output_token_seconds)'],
  ['queue_time_ms', 'Time a request waited in the queue', 'queue-time histogram'],
];

/** Every unified metric: name, unit, help and derivation, for docs and HELP lines. */
export const UNIFIED_METRICS: readonly UnifiedMetricDoc[] = [
  ...scalarDocs,
  ...histogramDocs.flatMap(([name, what, source]) => [
    doc(name, 'ms', `${what}, mean over the window.`, `increase(<${source}>_sum) / increase(_count) × 1000`, 'ratio of sums'),
    ...QUANTILES.map(([q, suffix]) =>
      doc(`${name}${suffix}`, 'ms', `${what}, ${q * 100}th percentile over the window.`, `histogram_quantile(${q}, rate(<${source}>_bucket)) × 1000`, 'merged histogram'),
    ),
  ]),
];

function doc(name: string, unit: string, help: string, derivation: string, acrossIndices: UnifiedMetricDoc['acrossIndices']): UnifiedMetricDoc {
  return { name, unit, help, derivation, acrossIndices };
}
