/**
 * @module simulate/engine/flavors/vllm-v1
 * The vLLM v1 `PrometheusStatLogger` families (vllm/v1/metrics/loggers.py), in
 * the order, with the HELP texts and buckets of the 2026 vLLM scrape
 * (fixtures/engines/vllm-v1-2026-qwen2.5-0.5b.metrics.txt). Aphrodite's v1
 * logger is a port of it under its own prefix (reference/engines.md §1.3).
 * Labels are `engine`, `model_name` (+ the family's own); the multiprocess
 * collector writes them sorted by name.
 */
import type { EngineView, FamilySpec, FlavorSpec, Series } from './types.js';
import { PYTHON_PROCESS_FAMILIES } from './python-process.js';
import { buckets125, fromCounter, pyFloat } from './types.js';

/** Buckets of reference/engines.md §1.5 (v1). */
export const V1_BUCKETS = {
  ttft: [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80, 160, 640, 2560],
  itl: [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80],
  request: [0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 50, 60, 120, 240, 480, 960, 1920, 7680],
  iteration: [1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384],
  n: [1, 2, 5, 10, 20],
} as const;

const FINISH_REASONS = ['stop', 'length', 'abort', 'error', 'repetition'] as const;
const MFU = '(for Model Flops Utilization calculations).';

export interface V1Options {
  /** `prompt_tokens_recomputed` (late vLLM; not in Aphrodite's list). */
  readonly recomputed: boolean;
}

/** The v1 family table under `prefix` (`vllm:` or `aphrodite:`). */
export function v1Families(prefix: string, maxModelLen: number, opts: V1Options): FamilySpec[] {
  const p = prefix;
  const tok = buckets125(maxModelLen);
  const zero = (): number => 0;
  const bySource = (e: EngineView): Series => {
    const c = e.stats.counters;
    return [
      [{ source: 'local_compute' }, c.promptTokens - c.promptCached],
      [{ source: 'local_cache_hit' }, c.promptCached],
      [{ source: 'external_kv_transfer' }, 0],
    ];
  };
  const families: FamilySpec[] = [
    ...PYTHON_PROCESS_FAMILIES,
    { name: `${p}estimated_flops_per_gpu_total`, type: 'counter', help: `Estimated number of floating point operations per GPU ${MFU}`, value: fromCounter('flops') },
    { name: `${p}estimated_read_bytes_per_gpu_total`, type: 'counter', help: `Estimated number of bytes read from memory per GPU ${MFU}`, value: fromCounter('readBytes') },
    { name: `${p}estimated_write_bytes_per_gpu_total`, type: 'counter', help: `Estimated number of bytes written to memory per GPU ${MFU}`, value: fromCounter('writeBytes') },
    { name: `${p}num_requests_running`, type: 'gauge', help: 'Number of requests in model execution batches.', value: (e) => e.model.running.length },
    { name: `${p}num_requests_waiting`, type: 'gauge', help: 'Number of requests waiting to be processed.', value: (e) => e.model.waiting.length },
    {
      name: `${p}engine_sleep_state`,
      type: 'gauge',
      help: 'Engine sleep state; awake = 0 means engine is sleeping; awake = 1 means engine is awake; weights_offloaded = 1 means sleep level 1; discard_all = 1 means sleep level 2.',
      value: () => [
        [{ sleep_state: 'awake' }, 1],
        [{ sleep_state: 'weights_offloaded' }, 0],
        [{ sleep_state: 'discard_all' }, 0],
      ],
    },
    { name: `${p}kv_cache_usage_perc`, type: 'gauge', help: 'KV-cache usage. 1 means 100 percent usage.', value: (e) => e.model.kvUsage },
    { name: `${p}prefix_cache_queries_total`, type: 'counter', help: 'Prefix cache queries, in terms of number of queried tokens.', value: fromCounter('prefixQueries') },
    { name: `${p}prefix_cache_hits_total`, type: 'counter', help: 'Prefix cache hits, in terms of number of cached tokens.', value: fromCounter('prefixHits') },
    {
      name: `${p}external_prefix_cache_queries_total`,
      type: 'counter',
      help: 'External prefix cache queries from KV connector cross-instance cache sharing, in terms of number of queried tokens.',
      value: zero,
    },
    {
      name: `${p}external_prefix_cache_hits_total`,
      type: 'counter',
      help: 'External prefix cache hits from KV connector cross-instance cache sharing, in terms of number of cached tokens.',
      value: zero,
    },
    { name: `${p}mm_cache_queries_total`, type: 'counter', help: 'Multi-modal cache queries, in terms of number of queried items.', value: zero },
    { name: `${p}mm_cache_hits_total`, type: 'counter', help: 'Multi-modal cache hits, in terms of number of cached items.', value: zero },
    { name: `${p}num_preemptions_total`, type: 'counter', help: 'Cumulative number of preemption from the engine.', value: fromCounter('preemptions') },
    { name: `${p}prompt_tokens_total`, type: 'counter', help: 'Number of prefill tokens processed.', value: fromCounter('promptTokens') },
    { name: `${p}prompt_tokens_by_source_total`, type: 'counter', help: 'Number of prompt tokens by source.', value: bySource },
    { name: `${p}prompt_tokens_cached_total`, type: 'counter', help: 'Number of cached prompt tokens (local + external).', value: fromCounter('promptCached') },
    ...(opts.recomputed
      ? [{ name: `${p}prompt_tokens_recomputed_total`, type: 'counter', help: 'Number of cached tokens recomputed for forward pass.', value: zero } as const]
      : []),
    { name: `${p}generation_tokens_total`, type: 'counter', help: 'Number of generation tokens processed.', value: fromCounter('generationTokens') },
    {
      name: `${p}request_success_total`,
      type: 'counter',
      help: 'Count of successfully processed requests.',
      value: (e) => {
        const c = e.stats.counters;
        const by: Record<(typeof FINISH_REASONS)[number], number> = { stop: c.successStop, length: c.successLength, abort: c.successAbort, error: 0, repetition: 0 };
        return FINISH_REASONS.map((r) => [{ finished_reason: r }, by[r]] as const);
      },
    },
    { name: `${p}request_prompt_tokens`, type: 'histogram', help: 'Number of prefill tokens processed.', buckets: tok, observe: 'promptTokens' },
    { name: `${p}request_generation_tokens`, type: 'histogram', help: 'Number of generation tokens processed.', buckets: tok, observe: 'generationTokens' },
    { name: `${p}iteration_tokens_total`, type: 'histogram', help: 'Histogram of number of tokens per engine_step.', buckets: V1_BUCKETS.iteration, observe: 'iterationTokens' },
    {
      name: `${p}request_max_num_generation_tokens`,
      type: 'histogram',
      help: 'Histogram of maximum number of requested generation tokens.',
      buckets: tok,
      observe: 'generationTokens',
    },
    { name: `${p}request_params_n`, type: 'histogram', help: 'Histogram of the n request parameter.', buckets: V1_BUCKETS.n, observe: 'paramsN' },
    { name: `${p}request_params_max_tokens`, type: 'histogram', help: 'Histogram of the max_tokens request parameter.', buckets: tok, observe: 'maxTokens' },
    { name: `${p}time_to_first_token_seconds`, type: 'histogram', help: 'Histogram of time to first token in seconds.', buckets: V1_BUCKETS.ttft, observe: 'ttft' },
    { name: `${p}inter_token_latency_seconds`, type: 'histogram', help: 'Histogram of inter-token latency in seconds.', buckets: V1_BUCKETS.itl, observe: 'itl' },
    {
      name: `${p}request_time_per_output_token_seconds`,
      type: 'histogram',
      help: 'Histogram of time_per_output_token_seconds per request.',
      buckets: V1_BUCKETS.itl,
      observe: 'tpot',
    },
    { name: `${p}e2e_request_latency_seconds`, type: 'histogram', help: 'Histogram of e2e request latency in seconds.', buckets: V1_BUCKETS.request, observe: 'e2e' },
    phase(p, 'queue', 'WAITING', 'queue'),
    phase(p, 'inference', 'RUNNING', 'inference'),
    phase(p, 'prefill', 'PREFILL', 'prefill'),
    phase(p, 'decode', 'DECODE', 'decode'),
    {
      name: `${p}request_prefill_kv_computed_tokens`,
      type: 'histogram',
      help: 'Histogram of new KV tokens computed during prefill (excluding cached tokens).',
      buckets: tok,
      observe: 'prefillComputedTokens',
    },
    {
      // An info gauge: the CacheConfig fields and `engine`, but no `model_name`.
      name: `${p}cache_config_info`,
      type: 'gauge',
      help: 'Information of the LLMEngine CacheConfig',
      ownLabels: true,
      value: (e) => [[{ ...cacheConfig(e.cfg), engine: String(e.index) }, 1]],
    },
  ];
  return families;
}

function phase(p: string, what: string, state: string, q: 'queue' | 'inference' | 'prefill' | 'decode'): FamilySpec {
  return {
    name: `${p}request_${what}_time_seconds`,
    type: 'histogram',
    help: `Histogram of time spent in ${state} phase for request.`,
    buckets: V1_BUCKETS.request,
    observe: q,
  };
}

/** The CacheConfig labels of the 2026 scrape, with this engine's block count. */
function cacheConfig(cfg: { numBlocks: number; blockSize: number }): Record<string, string> {
  return {
    block_size: String(cfg.blockSize),
    cache_dtype: 'auto',
    calculate_kv_scales: 'False',
    cpu_kvcache_space_bytes: 'None',
    cpu_offload_gb: '0',
    cpu_offload_params: 'set()',
    enable_prefix_caching: 'True',
    gpu_memory_utilization: '0.9',
    is_attention_free: 'False',
    kv_cache_memory_bytes: 'None',
    kv_offloading_backend: 'native',
    kv_offloading_size: 'None',
    kv_sharing_fast_prefill: 'False',
    mamba_block_size: 'None',
    mamba_cache_dtype: 'auto',
    mamba_cache_mode: 'none',
    mamba_page_size_padded: 'None',
    mamba_ssm_cache_dtype: 'auto',
    num_cpu_blocks: 'None',
    num_gpu_blocks: String(cfg.numBlocks),
    num_gpu_blocks_override: 'None',
    prefix_caching_hash_algo: 'sha256',
    sliding_window: 'None',
    swap_space: '4.0',
  };
}

/** The page conventions shared by vLLM and Aphrodite (prometheus_client, multiprocess mode). */
export function v1Conventions(): Pick<
  FlavorSpec,
  'multiEngine' | 'contentType' | 'baseLabels' | 'labelOrder' | 'histogramLayout' | 'created' | 'le' | 'blankLineAfterFamily' | 'omitUntouched' | 'health'
> {
  return {
    multiEngine: true,
    contentType: 'text/plain; version=0.0.4; charset=utf-8',
    baseLabels: (e) => ({ engine: String(e.index), model_name: e.modelName }),
    labelOrder: 'sorted',
    histogramLayout: 'buckets-count-sum',
    created: true,
    le: pyFloat,
    blankLineAfterFamily: false,
    omitUntouched: false,
    health: { ok: '', down: '', contentType: 'application/json' },
  };
}
