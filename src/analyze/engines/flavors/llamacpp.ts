/**
 * @module analyze/engines/flavors/llamacpp
 * llama.cpp server (`--metrics`, reference/engines.md §5): no labels at all,
 * counters, two slot gauges, and on older builds a KV-cache usage ratio. There
 * is no finished-requests counter and no latency histogram.
 */
import { counterRate, gaugeMean, gaugeSum, PERCENT, type FlavorMapping } from '../mapping.js';

export const LLAMACPP_SERIES = {
  tokensPredicted: 'llamacpp:tokens_predicted',
  promptTokens: 'llamacpp:prompt_tokens',
  requestsProcessing: 'llamacpp:requests_processing',
  requestsDeferred: 'llamacpp:requests_deferred',
  /** Older builds only, 0..1. */
  kvCacheUsageRatio: 'llamacpp:kv_cache_usage_ratio',
} as const;

const n = LLAMACPP_SERIES;

export const LLAMACPP: FlavorMapping = {
  flavor: 'llamacpp',
  scalars: {
    token_throughput: counterRate(n.tokensPredicted),
    prompt_throughput: counterRate(n.promptTokens),
    kv_cache_usage: [gaugeMean(n.kvCacheUsageRatio, PERCENT)],
    requests_running: [gaugeSum(n.requestsProcessing)],
    requests_waiting: [gaugeSum(n.requestsDeferred)],
  },
  histograms: {},
};
