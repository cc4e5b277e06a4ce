/**
 * @module analyze/engines/flavors/vllm
 * vLLM (v0 and v1) and, with its own prefix, Aphrodite, whose v1 metrics are a
 * port of vLLM's (reference/engines.md §1.3, §2). Labels: `model_name`; v1
 * adds `engine`, the data-parallel engine-core index ("0" for one engine).
 * Renames covered: `gpu_cache_usage_perc` → `kv_cache_usage_perc` (0.9),
 * `gpu_prefix_cache_*` → `prefix_cache_*` (0.9), `time_per_output_token_seconds`
 * → `inter_token_latency_seconds` (0.11); the current name is tried first.
 */
import {
  counterRate,
  counterRatio,
  gaugeMean,
  gaugeSum,
  histogram,
  PERCENT,
  ratio,
  type FlavorMapping,
} from '../mapping.js';

/** vLLM's `finished_reason` values that mean the request did not complete normally (FinishReason). */
export const VLLM_ERROR_FINISH_REASONS: readonly string[] = ['abort', 'error'];

/** The series names a vLLM-family engine exposes, under `prefix` (`vllm:` or `aphrodite:`). */
export function vllmSeries(prefix: string) {
  return {
    generationTokens: `${prefix}generation_tokens`,
    promptTokens: `${prefix}prompt_tokens`,
    requestSuccess: `${prefix}request_success`,
    e2eLatency: `${prefix}e2e_request_latency_seconds`,
    ttft: `${prefix}time_to_first_token_seconds`,
    interTokenLatency: `${prefix}inter_token_latency_seconds`,
    timePerOutputToken: `${prefix}time_per_output_token_seconds`,
    queueTime: `${prefix}request_queue_time_seconds`,
    kvCacheUsage: `${prefix}kv_cache_usage_perc`,
    gpuCacheUsage: `${prefix}gpu_cache_usage_perc`,
    running: `${prefix}num_requests_running`,
    waiting: `${prefix}num_requests_waiting`,
    preemptions: `${prefix}num_preemptions`,
    prefixCacheHits: `${prefix}prefix_cache_hits`,
    prefixCacheQueries: `${prefix}prefix_cache_queries`,
    gpuPrefixCacheHits: `${prefix}gpu_prefix_cache_hits`,
    gpuPrefixCacheQueries: `${prefix}gpu_prefix_cache_queries`,
  } as const;
}

/** The mapping of a vLLM-family engine whose metrics carry `prefix`. */
export function vllmFamilyMapping(flavor: 'vllm' | 'aphrodite', prefix: string): FlavorMapping {
  const n = vllmSeries(prefix);
  return {
    flavor,
    modelLabel: 'model_name',
    indexLabel: 'engine',
    scalars: {
      token_throughput: counterRate(n.generationTokens),
      prompt_throughput: counterRate(n.promptTokens),
      // All finish reasons (stop, length, abort, error, repetition) are finished requests.
      request_rate: counterRate(n.requestSuccess),
      kv_cache_usage: [gaugeMean(n.kvCacheUsage, PERCENT), gaugeMean(n.gpuCacheUsage, PERCENT)],
      requests_running: [gaugeSum(n.running)],
      requests_waiting: [gaugeSum(n.waiting)],
      preemptions_per_s: counterRate(n.preemptions),
      prefix_cache_hit_rate: [
        ...counterRatio(n.prefixCacheHits, n.prefixCacheQueries),
        ...counterRatio(n.gpuPrefixCacheHits, n.gpuPrefixCacheQueries),
      ],
      request_error_rate: [
        ratio(
          { series: [`${n.requestSuccess}_total`], where: { label: 'finished_reason', values: VLLM_ERROR_FINISH_REASONS }, absentIsZero: true },
          { series: [`${n.requestSuccess}_total`] },
        ),
      ],
    },
    histograms: {
      request_latency_ms: [histogram(n.e2eLatency)],
      ttft_ms: [histogram(n.ttft)],
      tpot_ms: [histogram(n.interTokenLatency), histogram(n.timePerOutputToken)],
      queue_time_ms: [histogram(n.queueTime)],
    },
  };
}

export const VLLM_PREFIX = 'vllm:';

/** vLLM, v0 and v1. */
export const VLLM: FlavorMapping = vllmFamilyMapping('vllm', VLLM_PREFIX);
