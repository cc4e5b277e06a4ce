// The vLLM-family fixture pages (two vLLM v1 scrapes, and one under Aphrodite's
// prefix), each scraped twice 15 s apart into a real SeriesStore with known
// changes in between, derived over a 15 s window at the second scrape: the
// samples sit on the window's edges, so rate() = Δ / 15 s exactly, and each
// histogram's new observations fall inside one bucket, so quantiles
// interpolate linearly inside it (lo + (hi − lo) · q). Expected values are
// worked out by hand in the comments.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseExposition } from '../../core/exposition/index.js';
import { detectFlavor } from './flavor.js';
import { UNIFIED_METRICS } from './metrics.js';
import { add, derived, expectExactly, fixture, hist, keysFor, observe, set, twoScrapes, type Edit } from './scrapes.test.js';

const VLLM_010 = fixture('vllm-0.10-v1-nvcr-25.09-qwen3-4b.metrics.txt');
const VLLM_2026 = fixture('vllm-v1-2026-qwen2.5-0.5b.metrics.txt');

describe('deriveEngineMetrics on vLLM 0.10 (nvcr 25.09, Qwen3-4B)', () => {
  const model = 'Qwen/Qwen3-4B-Instruct-2507-FP8';
  const { store, source } = twoScrapes(VLLM_010, 'vllm-a', [
    add('vllm:generation_tokens_total', 300),
    add('vllm:prompt_tokens_total', 150),
    add('vllm:request_success_total', 8, { finished_reason: 'stop' }),
    add('vllm:request_success_total', 1, { finished_reason: 'length' }),
    add('vllm:request_success_total', 1, { finished_reason: 'abort' }),
    observe('vllm:e2e_request_latency_seconds', [0.35, 0.35, 0.35, 0.35, 0.45, 0.45, 0.45, 0.45, 0.45, 0.45]),
    observe('vllm:time_to_first_token_seconds', [0.03, 0.03, 0.03, 0.03, 0.03]),
    observe('vllm:time_per_output_token_seconds', Array<number>(100).fill(0.02)),
    observe('vllm:request_queue_time_seconds', Array<number>(10).fill(0.1)),
    set('vllm:kv_cache_usage_perc', 0.25),
    set('vllm:gpu_cache_usage_perc', 0.5), // deprecated twin: the current name wins
    set('vllm:num_requests_running', 3),
    set('vllm:num_requests_waiting', 2),
    add('vllm:num_preemptions_total', 3),
    add('vllm:prefix_cache_queries_total', 200),
    add('vllm:prefix_cache_hits_total', 50),
    add('vllm:gpu_prefix_cache_queries_total', 200),
    add('vllm:gpu_prefix_cache_hits_total', 100),
  ]);

  it('detects vllm and derives every unified metric from the current names', () => {
    assert.equal(detectFlavor(source.families.keys()), 'vllm');
    expectExactly(
      derived(store, source),
      keysFor('vllm-a', model, {
        token_throughput: 300 / 15,
        prompt_throughput: 150 / 15,
        request_rate: 10 / 15,
        request_error_rate: 1 / 10, // abort counts, stop and length do not
        kv_cache_usage: 25,
        requests_running: 3,
        requests_waiting: 2,
        preemptions_per_s: 3 / 15,
        prefix_cache_hit_rate: 50 / 200,
        // 10 in (0.3, 0.5]: p = 0.3 + 0.2·q; mean (4·0.35 + 6·0.45) / 10 = 0.41
        ...hist('request_latency_ms', 410, 400, 490, 498),
        // 5 in (0.02, 0.04]: p = 0.02 + 0.02·q
        ...hist('ttft_ms', 30, 30, 39, 39.8),
        // only time_per_output_token_seconds on this page; 100 in (0.01, 0.025]: p = 0.01 + 0.015·q
        ...hist('tpot_ms', 20, 17.5, 24.25, 24.85),
        // 10 in (0, 0.3]: p = 0.3·q
        ...hist('queue_time_ms', 100, 150, 285, 297),
      }),
    );
  });
});

/** The 2026 vLLM page's changes, for a vLLM-family prefix (reused for Aphrodite). */
function lateV1Edits(p: string): Edit[] {
  return [
    add(`${p}generation_tokens_total`, 450),
    add(`${p}prompt_tokens_total`, 900),
    add(`${p}request_success_total`, 5, { finished_reason: 'stop' }),
    add(`${p}request_success_total`, 1, { finished_reason: 'error' }),
    observe(`${p}e2e_request_latency_seconds`, [1.2, 1.2, 1.2]),
    observe(`${p}time_to_first_token_seconds`, [0.07, 0.07]),
    observe(`${p}inter_token_latency_seconds`, Array<number>(50).fill(0.04)),
    set(`${p}kv_cache_usage_perc`, 0.125),
    set(`${p}num_requests_running`, 1),
  ];
}

/** Idle page, so what did not move is 0 (a rate) or absent (a ratio or histogram with nothing observed). */
function lateV1Expected(engine: string): Record<string, number> {
  return keysFor(engine, 'Qwen/Qwen2.5-0.5B-Instruct', {
    token_throughput: 450 / 15,
    prompt_throughput: 900 / 15,
    request_rate: 6 / 15,
    request_error_rate: 1 / 6,
    kv_cache_usage: 12.5,
    requests_running: 1,
    requests_waiting: 0,
    preemptions_per_s: 0,
    // no prefix_cache_hit_rate: nothing was queried (0/0); no queue_time_ms: nothing observed
    ...hist('request_latency_ms', 1200, 1250, 1475, 1495), // 3 in (1, 1.5]
    ...hist('ttft_ms', 70, 70, 79, 79.8), // 2 in (0.06, 0.08]
    ...hist('tpot_ms', 40, 37.5, 48.75, 49.75), // 50 in (0.025, 0.05]
  });
}

describe('deriveEngineMetrics on late vLLM v1 (2026, Qwen2.5-0.5B, idle)', () => {
  it('derives from the current names; an idle ratio or histogram is absent, an idle rate is 0', () => {
    const { store, source } = twoScrapes(VLLM_2026, 'vllm-b', lateV1Edits('vllm:'));
    expectExactly(derived(store, source), lateV1Expected('vllm-b'));
  });
});

describe('deriveEngineMetrics on Aphrodite (the 2026 vLLM page under aphrodite:)', () => {
  it('detects aphrodite and maps the same names under its prefix', () => {
    const page = VLLM_2026.replaceAll('vllm:', 'aphrodite:');
    const { store, source } = twoScrapes(page, 'aphrodite-a', lateV1Edits('aphrodite:'));
    assert.equal(detectFlavor(source.families.keys()), 'aphrodite');
    expectExactly(derived(store, source), lateV1Expected('aphrodite-a'));
  });
});

describe('renamed metrics', () => {
  it('reads gpu_cache_usage_perc and gpu_prefix_cache_* where only the old names exist', () => {
    const oldOnly = parseExposition(VLLM_010).filter(
      (f) => f.name !== 'vllm:kv_cache_usage_perc' && !f.name.startsWith('vllm:prefix_cache_'),
    );
    const { store, source } = twoScrapes(oldOnly, 'vllm-old', [
      set('vllm:gpu_cache_usage_perc', 0.5),
      add('vllm:gpu_prefix_cache_queries_total', 200),
      add('vllm:gpu_prefix_cache_hits_total', 100),
    ]);
    const d = derived(store, source);
    const labels = '{engine="vllm-old",model="Qwen/Qwen3-4B-Instruct-2507-FP8"}';
    assert.equal(d.get(`kv_cache_usage${labels}`), 50);
    assert.equal(d.get(`prefix_cache_hit_rate${labels}`), 0.5);
  });
});

describe('UNIFIED_METRICS', () => {
  it('documents every metric the derivation can emit, once', () => {
    const names = UNIFIED_METRICS.map((m) => m.name);
    assert.equal(new Set(names).size, names.length);
    const { store, source } = twoScrapes(VLLM_010, 'vllm-a', [observe('vllm:e2e_request_latency_seconds', [1]), add('vllm:prefix_cache_queries_total', 1)]);
    const emitted = new Set([...derived(store, source).keys()].map((k) => k.slice(0, k.indexOf('{'))));
    for (const n of emitted) assert.ok(names.includes(n), `${n} is not in UNIFIED_METRICS`);
  });
});
