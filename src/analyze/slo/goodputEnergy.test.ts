// Goodput and tokens per joule over a real vLLM page (test/fixtures/engines)
// scraped twice 15 s apart into a real SeriesStore, with the unified metrics
// derived as the pipeline derives them and GPU samples as the GPU collector
// writes them. Expected figures are worked out by hand in the comments.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'valibot';
import { deriveEngineMetrics } from '../engines/derive.js';
import { add, AT, close, fixture, observe, STEP, twoScrapes } from '../engines/scrapes.test.js';
import { deriveEnergy } from './energy.js';
import { DEFAULT_GOODPUT_TARGETS, deriveGoodput, goodputTargets } from './goodput.js';
import { sloRuleSchema } from '../../config/rules/slo.js';

const MODEL = 'Qwen/Qwen2.5-0.5B-Instruct';
const { store, source } = twoScrapes(fixture('vllm-v1-2026-qwen2.5-0.5b.metrics.txt'), 'vllm-a', [
  add('vllm:request_success_total', 10, { finished_reason: 'stop' }),
  add('vllm:generation_tokens_total', 300),
  observe('vllm:time_to_first_token_seconds', [...Array<number>(8).fill(0.1), 1, 1]),
  observe('vllm:inter_token_latency_seconds', [...Array<number>(90).fill(0.05), ...Array<number>(10).fill(0.2)]),
]);
store.append(deriveEngineMetrics(store, [source], AT, STEP));
const gpu = (name: string, labels: Record<string, string>, v: number) => ({ name, labels: { component: 'gpu', ...labels }, t: AT, v });
store.append([
  gpu('gpu_power_draw_watts', { gpu: '0', uuid: 'GPU-a' }, 200),
  gpu('gpu_power_draw_watts', { gpu: '1', uuid: 'GPU-b' }, 100),
  gpu('gpu_process_memory_bytes', { gpu: '1', uuid: 'GPU-b', pid: '4242', process: 'python3' }, 1e9),
]);

describe('goodput', () => {
  it('is the request rate times the smaller share of requests under the TTFT and TPOT targets', () => {
    // 10 requests in 15 s; TTFT ≤ 500 ms: 8 of 10; TPOT ≤ 100 ms: 90 of 100 → 10/15 × 0.8.
    const [g] = deriveGoodput(store, [source], AT, STEP, () => ({ ttftMs: 500, tpotMs: 100 }));
    assert.deepEqual(g?.labels, { engine: 'vllm-a', component: 'vllm-a', model: MODEL });
    close(g?.v, (10 / 15) * 0.8);
  });

  it('uses the default targets without an SLO rule: TTFT ≤ 2 s counts under the 1 s bound (all 10), TPOT 0.9', () => {
    assert.deepEqual(goodputTargets([], 'vllm-a'), DEFAULT_GOODPUT_TARGETS);
    const [g] = deriveGoodput(store, [source], AT, STEP, (e) => goodputTargets([], e));
    close(g?.v, (10 / 15) * 0.9);
  });

  it("takes an SLO rule's targets for its engine", () => {
    const rules = [parse(sloRuleSchema, { kind: 'slo', engine: 'other', ttft_ms: 100 }), parse(sloRuleSchema, { kind: 'slo', engine: 'vllm-a', ttft_ms: 500 })];
    assert.deepEqual(goodputTargets(rules, 'vllm-a'), { ttftMs: 500, tpotMs: undefined });
    close(deriveGoodput(store, [source], AT, STEP, (e) => goodputTargets(rules, e))[0]?.v, (10 / 15) * 0.8);
  });
});

describe('tokens per joule', () => {
  const figures = (engines: { name: string; gpus?: string[] }[], pids?: string[]) =>
    Object.fromEntries(deriveEnergy(store, engines, AT, STEP, () => pids).map((s) => [`${s.name}{${s.labels['engine']}}`, s.v]));

  it('with one engine and nothing else known: every GPU (300 W); 300 tokens / 15 s = 20 tokens/s', () => {
    assert.deepEqual(figures([{ name: 'vllm-a' }]), { 'engine_gpu_power_watts{vllm-a}': 300, 'tokens_per_joule{vllm-a}': 20 / 300 });
  });

  it("from the engine's processes: the GPUs they hold memory on (GPU 1, 100 W)", () => {
    assert.deepEqual(figures([{ name: 'vllm-a' }], ['4242']), { 'engine_gpu_power_watts{vllm-a}': 100, 'tokens_per_joule{vllm-a}': 0.2 });
  });

  it('from the config: GPUs by UUID or index', () => {
    assert.deepEqual(figures([{ name: 'vllm-a', gpus: ['GPU-a'] }]), { 'engine_gpu_power_watts{vllm-a}': 200, 'tokens_per_joule{vllm-a}': 0.1 });
    assert.deepEqual(figures([{ name: 'vllm-a', gpus: ['0', '1'] }]), { 'engine_gpu_power_watts{vllm-a}': 300, 'tokens_per_joule{vllm-a}': 20 / 300 });
  });

  it('with two engines and no mapping: no figure rather than a guess', () => {
    assert.deepEqual(figures([{ name: 'vllm-a' }, { name: 'vllm-b' }]), {});
  });

  it("a process row older than its GPU's latest reading (the process exited) no longer ties the engine to that GPU", () => {
    store.append([gpu('gpu_process_memory_bytes', { gpu: '0', uuid: 'GPU-a', pid: '5555', process: 'python3' }, 2e9)].map((x) => ({ ...x, t: AT - STEP })));
    assert.deepEqual(figures([{ name: 'vllm-a' }, { name: 'vllm-b' }], ['5555']), {});
  });

  // Last: it adds a neighbour process on GPU 1.
  it("share-weighted: with a neighbour holding 3 GB next to the engine's 1 GB on GPU 1, the engine draws 25 % of its 100 W", () => {
    store.append([gpu('gpu_process_memory_bytes', { gpu: '1', uuid: 'GPU-b', pid: '9999', process: 'other' }, 3e9)]);
    assert.deepEqual(figures([{ name: 'vllm-a' }], ['4242']), { 'engine_gpu_power_watts{vllm-a}': 25, 'tokens_per_joule{vllm-a}': 20 / 25 });
  });
});
