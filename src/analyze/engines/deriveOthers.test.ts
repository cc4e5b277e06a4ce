// SGLang, TGI and llama.cpp pages, scraped and derived as in deriveVllm.test.ts:
// two scrapes 15 s apart, a 15 s window, hand-computed expectations.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectFlavor } from './flavor.js';
import { add, derived, expectExactly, fixture, hist, keysFor, observe, set, twoScrapes } from './scrapes.test.js';

const SGLANG = fixture('sglang-docs-example.metrics.txt');
const TGI = fixture('tgi-datadog-fixture-excerpt.metrics.txt');

describe('deriveEngineMetrics on SGLang (docs example)', () => {
  it('maps the older SGLang names and falls back to the cache_hit_rate gauge', () => {
    const { store, source } = twoScrapes(SGLANG, 'sglang-a', [
      add('sglang:generation_tokens_total', 600),
      add('sglang:prompt_tokens_total', 1500),
      observe('sglang:time_to_first_token_seconds', [0.9, 0.9, 0.9, 0.9]),
      observe('sglang:e2e_request_latency_seconds', [25, 25]),
      observe('sglang:time_per_output_token_seconds', Array<number>(10).fill(0.06)),
      set('sglang:token_usage', 0.5),
      set('sglang:num_running_reqs', 10),
      set('sglang:num_queue_reqs', 4),
      set('sglang:cache_hit_rate', 0.2),
    ]);
    assert.equal(detectFlavor(source.families.keys()), 'sglang');
    expectExactly(
      derived(store, source),
      keysFor('sglang-a', 'meta-llama/Llama-3.1-8B-Instruct', {
        token_throughput: 600 / 15,
        prompt_throughput: 1500 / 15,
        kv_cache_usage: 50,
        requests_running: 10,
        requests_waiting: 4,
        prefix_cache_hit_rate: 0.2, // no cached_tokens_total on this version: the gauge
        // this version has no num_requests_total, num_retracted_requests_total or queue histogram
        ...hist('ttft_ms', 900, 875, 987.5, 997.5), // 4 in (0.75, 1]
        ...hist('request_latency_ms', 25_000, 25_000, 29_500, 29_900), // 2 in (20, 30]
        ...hist('tpot_ms', 60, 62.5, 73.75, 74.75), // 10 in (0.05, 0.075]
      }),
    );
  });
});

describe('deriveEngineMetrics on TGI (Datadog excerpt)', () => {
  const requestEdits = [
    add('tgi_request_success', 27),
    add('tgi_request_failure', 3, { err: 'validation' }),
    add('tgi_request_count', 30),
    add('tgi_request_input_length_sum', 450),
    set('tgi_batch_current_size', 4),
    set('tgi_queue_size', 1),
  ];

  it('derives request rate, error rate, prompt throughput and the batch gauges; no model label', () => {
    const { store, source } = twoScrapes(TGI, 'tgi-a', requestEdits);
    assert.equal(detectFlavor(source.families.keys()), 'tgi');
    // the excerpt stops before tgi_request_generated_tokens and the request histograms
    expectExactly(
      derived(store, source),
      keysFor('tgi-a', undefined, {
        request_rate: (27 + 3) / 15,
        request_error_rate: 3 / 30,
        prompt_throughput: 450 / 15,
        requests_running: 4,
        requests_waiting: 1,
      }),
    );
  });

  it('counts a never-created failure counter as no failures', () => {
    const page = TGI.replace('# TYPE tgi_request_failure counter\ntgi_request_failure{err="validation"} 2\n', '');
    assert.notEqual(page, TGI);
    const { store, source } = twoScrapes(page, 'tgi-a', requestEdits);
    const d = derived(store, source);
    assert.equal(d.get('request_rate{engine="tgi-a"}'), 27 / 15);
    assert.equal(d.get('request_error_rate{engine="tgi-a"}'), 0);
  });

  it('derives token throughput from rate(tgi_request_generated_tokens_sum) and the request histograms', () => {
    // The families the excerpt cuts off, shaped as TGI writes them (no labels,
    // Rust-printed bounds); the bucket bounds are fewer than TGI's.
    const rest = `
# TYPE tgi_request_generated_tokens histogram
tgi_request_generated_tokens_bucket{le="128"} 90
tgi_request_generated_tokens_bucket{le="512"} 109
tgi_request_generated_tokens_bucket{le="+Inf"} 109
tgi_request_generated_tokens_sum 5200
tgi_request_generated_tokens_count 109

# TYPE tgi_request_duration histogram
${['0.5', '1', '2', '4', '+Inf'].map((le) => `tgi_request_duration_bucket{le="${le}"} 109`).join('\n')}
tgi_request_duration_sum 245.9
tgi_request_duration_count 109

# TYPE tgi_request_mean_time_per_token_duration histogram
${['0.01', '0.02', '0.05', '+Inf'].map((le) => `tgi_request_mean_time_per_token_duration_bucket{le="${le}"} 109`).join('\n')}
tgi_request_mean_time_per_token_duration_sum 2.1
tgi_request_mean_time_per_token_duration_count 109

# TYPE tgi_request_queue_duration histogram
${['0.001', '0.01', '0.1', '+Inf'].map((le) => `tgi_request_queue_duration_bucket{le="${le}"} 109`).join('\n')}
tgi_request_queue_duration_sum 0.05
tgi_request_queue_duration_count 109
`;
    const { store, source } = twoScrapes(TGI + rest, 'tgi-a', [
      ...requestEdits,
      observe('tgi_request_generated_tokens', [300, 300, 300, 300, 300]),
      observe('tgi_request_duration', [1.5, 1.5, 1.5, 1.5, 1.5]),
      observe('tgi_request_mean_time_per_token_duration', [0.015, 0.015, 0.015, 0.015, 0.015]),
      observe('tgi_request_queue_duration', [0.005, 0.005, 0.005, 0.005, 0.005]),
    ]);
    const d = derived(store, source);
    expectExactly(
      new Map([...d].filter(([k]) => !/^(request_rate|request_error_rate|prompt_throughput|requests_)/.test(k))),
      keysFor('tgi-a', undefined, {
        token_throughput: 1500 / 15,
        ...hist('request_latency_ms', 1500, 1500, 1950, 1990), // 5 in (1, 2]
        ...hist('tpot_ms', 15, 15, 19.5, 19.9), // 5 in (0.01, 0.02]
        ...hist('queue_time_ms', 5, 5.5, 9.55, 9.91), // 5 in (0.001, 0.01]
      }),
    );
  });
});

/** A llama.cpp `--metrics` page as the 2025 handler writes it (engines.md §5), plus the older KV gauges. */
const LLAMACPP_PAGE = `# HELP llamacpp:prompt_tokens_total Number of prompt tokens processed.
# TYPE llamacpp:prompt_tokens_total counter
llamacpp:prompt_tokens_total 1200
# HELP llamacpp:prompt_seconds_total Prompt process time
# TYPE llamacpp:prompt_seconds_total counter
llamacpp:prompt_seconds_total 3.5
# HELP llamacpp:tokens_predicted_total Number of generation tokens processed.
# TYPE llamacpp:tokens_predicted_total counter
llamacpp:tokens_predicted_total 4800
# HELP llamacpp:tokens_predicted_seconds_total Predict process time
# TYPE llamacpp:tokens_predicted_seconds_total counter
llamacpp:tokens_predicted_seconds_total 96.2
# HELP llamacpp:n_decode_total Total number of llama_decode() calls
# TYPE llamacpp:n_decode_total counter
llamacpp:n_decode_total 4790
# HELP llamacpp:n_busy_slots_per_decode Average number of busy slots per llama_decode() call
# TYPE llamacpp:n_busy_slots_per_decode counter
llamacpp:n_busy_slots_per_decode 1.2
# HELP llamacpp:prompt_tokens_seconds Average prompt throughput in tokens/s.
# TYPE llamacpp:prompt_tokens_seconds gauge
llamacpp:prompt_tokens_seconds 342.8
# HELP llamacpp:predicted_tokens_seconds Average generation throughput in tokens/s.
# TYPE llamacpp:predicted_tokens_seconds gauge
llamacpp:predicted_tokens_seconds 49.9
# HELP llamacpp:kv_cache_usage_ratio KV-cache usage. 1 means 100 percent usage.
# TYPE llamacpp:kv_cache_usage_ratio gauge
llamacpp:kv_cache_usage_ratio 0.12
# HELP llamacpp:kv_cache_tokens KV-cache tokens.
# TYPE llamacpp:kv_cache_tokens gauge
llamacpp:kv_cache_tokens 512
# HELP llamacpp:requests_processing Number of requests processing.
# TYPE llamacpp:requests_processing gauge
llamacpp:requests_processing 1
# HELP llamacpp:requests_deferred Number of requests deferred.
# TYPE llamacpp:requests_deferred gauge
llamacpp:requests_deferred 0
`;

describe('deriveEngineMetrics on llama.cpp', () => {
  it('derives throughput, slots and KV usage from an unlabelled page', () => {
    const { store, source } = twoScrapes(LLAMACPP_PAGE, 'llama-a', [
      add('llamacpp:tokens_predicted_total', 750),
      add('llamacpp:prompt_tokens_total', 300),
      set('llamacpp:kv_cache_usage_ratio', 0.3),
      set('llamacpp:requests_processing', 2),
      set('llamacpp:requests_deferred', 1),
    ]);
    assert.equal(detectFlavor(source.families.keys()), 'llamacpp');
    expectExactly(
      derived(store, source),
      keysFor('llama-a', undefined, {
        token_throughput: 750 / 15,
        prompt_throughput: 300 / 15,
        kv_cache_usage: 30,
        requests_running: 2,
        requests_waiting: 1,
      }),
    );
  });
});

