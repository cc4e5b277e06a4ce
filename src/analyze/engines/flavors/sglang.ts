/**
 * @module analyze/engines/flavors/sglang
 * SGLang (`--enable-metrics`; python/sglang/srt/metrics/collector.py and the
 * docs sample, reference/engines.md §3). Label `model_name`; a data-parallel
 * deployment adds `dp_rank`. Older versions name the inter-token histogram
 * `time_per_output_token_seconds` and have no cached-tokens counter (only the
 * `cache_hit_rate` gauge).
 */
import { counterRate, counterRatio, gaugeMean, gaugeSum, histogram, PERCENT, ratio, type FlavorMapping } from '../mapping.js';

export const SGLANG_SERIES = {
  generationTokens: 'sglang:generation_tokens',
  promptTokens: 'sglang:prompt_tokens',
  cachedTokens: 'sglang:cached_tokens',
  /** Finished requests. */
  requests: 'sglang:num_requests',
  /** Created with the first abort. */
  abortedRequests: 'sglang:num_aborted_requests',
  retractedRequests: 'sglang:num_retracted_requests',
  e2eLatency: 'sglang:e2e_request_latency_seconds',
  ttft: 'sglang:time_to_first_token_seconds',
  interTokenLatency: 'sglang:inter_token_latency_seconds',
  timePerOutputToken: 'sglang:time_per_output_token_seconds',
  queueTime: 'sglang:queue_time_seconds',
  /** KV pool usage, 0..1. */
  tokenUsage: 'sglang:token_usage',
  running: 'sglang:num_running_reqs',
  queued: 'sglang:num_queue_reqs',
  /** Gauge, 0..1. */
  cacheHitRate: 'sglang:cache_hit_rate',
} as const;

const n = SGLANG_SERIES;

export const SGLANG: FlavorMapping = {
  flavor: 'sglang',
  modelLabel: 'model_name',
  indexLabel: 'dp_rank',
  scalars: {
    token_throughput: counterRate(n.generationTokens),
    prompt_throughput: counterRate(n.promptTokens),
    request_rate: counterRate(n.requests),
    kv_cache_usage: [gaugeMean(n.tokenUsage, PERCENT)],
    requests_running: [gaugeSum(n.running)],
    requests_waiting: [gaugeSum(n.queued)],
    // A retraction sends a running request back to the queue: SGLang's preemption.
    preemptions_per_s: counterRate(n.retractedRequests),
    prefix_cache_hit_rate: [...counterRatio(n.cachedTokens, n.promptTokens), gaugeMean(n.cacheHitRate)],
    request_error_rate: [ratio({ series: [`${n.abortedRequests}_total`], absentIsZero: true }, { series: [`${n.requests}_total`] })],
  },
  histograms: {
    request_latency_ms: [histogram(n.e2eLatency)],
    ttft_ms: [histogram(n.ttft)],
    tpot_ms: [histogram(n.interTokenLatency), histogram(n.timePerOutputToken)],
    queue_time_ms: [histogram(n.queueTime)],
  },
};
