/**
 * @module simulate/engine/flavors/sglang
 * SGLang as its docs sample shows it (fixtures/engines/sglang-docs-example.metrics.txt,
 * an older SGLang: `time_per_output_token_seconds`, `func_latency_seconds{name}`,
 * TTFT buckets up to 30 s). Label `model_name`; histograms written `_sum` first,
 * then buckets, then `_count`, and no `_created` series, as in that sample.
 */
import type { FlavorSpec } from './types.js';
import { fromCounter, pyFloat } from './types.js';

const BUCKETS = {
  ttft: [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 15, 20, 25, 30],
  e2e: [0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 50, 60],
  tpot: [0.005, 0.01, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5],
  // The function-latency decorator's exponential buckets: 0.05 × 1.5**k for k = 0..17.
  func: Array.from({ length: 18 }, (_, k) => 0.05 * 1.5 ** k),
} as const;

export const SGLANG: FlavorSpec = {
  flavor: 'sglang',
  defaultModel: 'meta-llama/Llama-3.1-8B-Instruct',
  defaultPort: 30000,
  defaultMaxModelLen: 8192,
  multiEngine: false,
  contentType: 'text/plain; version=0.0.4; charset=utf-8',
  families: () => [
    { name: 'sglang:prompt_tokens_total', type: 'counter', help: 'Number of prefill tokens processed.', value: fromCounter('promptTokens') },
    { name: 'sglang:generation_tokens_total', type: 'counter', help: 'Number of generation tokens processed.', value: fromCounter('generationTokens') },
    // The scheduler reports round(used / total, 2).
    { name: 'sglang:token_usage', type: 'gauge', help: 'The token usage', value: (e) => Math.round(e.model.kvUsage * 100) / 100 },
    {
      name: 'sglang:cache_hit_rate',
      type: 'gauge',
      help: 'The cache hit rate',
      value: (e) => e.stats.counters.prefixHits / Math.max(1, e.stats.counters.prefixQueries),
    },
    { name: 'sglang:time_to_first_token_seconds', type: 'histogram', help: 'Histogram of time to first token in seconds.', buckets: BUCKETS.ttft, observe: 'ttft' },
    { name: 'sglang:e2e_request_latency_seconds', type: 'histogram', help: 'Histogram of End-to-end request latency in seconds', buckets: BUCKETS.e2e, observe: 'e2e' },
    { name: 'sglang:time_per_output_token_seconds', type: 'histogram', help: 'Histogram of time per output token in seconds.', buckets: BUCKETS.tpot, observe: 'itl' },
    {
      name: 'sglang:func_latency_seconds',
      type: 'histogram',
      help: 'Function latency in seconds',
      buckets: BUCKETS.func,
      observe: 'arrivalHandling',
      labels: { name: 'generate_request' },
    },
    { name: 'sglang:num_running_reqs', type: 'gauge', help: 'The number of running requests', value: (e) => e.model.running.length },
    { name: 'sglang:num_used_tokens', type: 'gauge', help: 'The number of used tokens', value: (e) => e.model.kvBlocks() * e.cfg.blockSize },
    { name: 'sglang:gen_throughput', type: 'gauge', help: 'The generate throughput (token/s)', value: (e) => e.model.tokenRate },
    { name: 'sglang:num_queue_reqs', type: 'gauge', help: 'The number of requests in the waiting queue', value: (e) => e.model.waiting.length },
  ],
  baseLabels: (e) => ({ model_name: e.modelName }),
  labelOrder: 'sorted',
  histogramLayout: 'sum-buckets-count',
  created: false,
  le: pyFloat,
  blankLineAfterFamily: false,
  omitUntouched: false,
  health: { ok: '', down: '', contentType: 'text/plain; charset=utf-8' },
};
