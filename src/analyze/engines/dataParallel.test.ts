// Data-parallel engines (vLLM v1 `engine="0"`, `"1"`), counter resets and
// down engines, against a real SeriesStore.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseExposition } from '../../core/exposition/index.js';
import { histogramQuantileOver } from '../promql/index.js';
import { deriveEngineMetrics } from './derive.js';
import { add, AT, close, derived, familyTypes, fixture, newStore, observe, scrape, set, STEP, T0, twoScrapes } from './scrapes.test.js';

const LE = ['0.3', '0.5', '0.8', '1.0', '1.5', '+Inf'];

/** A vLLM v1 page with two engine cores serving model `m`, everything at 0 and idle. */
function dpPage(): string {
  const lines: string[] = [];
  const fam = (name: string, type: string, body: (l: string) => string[]): void => {
    lines.push(`# TYPE ${name} ${type}`);
    for (const e of ['0', '1']) lines.push(...body(`engine="${e}",model_name="m"`));
  };
  fam('vllm:num_requests_running', 'gauge', (l) => [`vllm:num_requests_running{${l}} 0.0`]);
  fam('vllm:num_requests_waiting', 'gauge', (l) => [`vllm:num_requests_waiting{${l}} 0.0`]);
  fam('vllm:kv_cache_usage_perc', 'gauge', (l) => [`vllm:kv_cache_usage_perc{${l}} 0.0`]);
  fam('vllm:generation_tokens_total', 'counter', (l) => [`vllm:generation_tokens_total{${l}} 0.0`]);
  fam('vllm:prompt_tokens_total', 'counter', (l) => [`vllm:prompt_tokens_total{${l}} 0.0`]);
  fam('vllm:request_success_total', 'counter', (l) =>
    ['stop', 'abort'].map((r) => `vllm:request_success_total{${l},finished_reason="${r}"} 0.0`),
  );
  fam('vllm:e2e_request_latency_seconds', 'histogram', (l) => [
    ...LE.map((le) => `vllm:e2e_request_latency_seconds_bucket{${l},le="${le}"} 0.0`),
    `vllm:e2e_request_latency_seconds_sum{${l}} 0.0`,
    `vllm:e2e_request_latency_seconds_count{${l}} 0.0`,
  ]);
  return lines.join('\n') + '\n';
}

describe('data-parallel engine', () => {
  const e0 = { engine: '0' };
  const e1 = { engine: '1' };
  const { store, source } = twoScrapes(dpPage(), 'dp', [
    add('vllm:generation_tokens_total', 150, e0),
    add('vllm:generation_tokens_total', 450, e1),
    set('vllm:num_requests_running', 2, e0),
    set('vllm:num_requests_running', 3, e1),
    set('vllm:num_requests_waiting', 1, e0),
    set('vllm:kv_cache_usage_perc', 0.2, e0),
    set('vllm:kv_cache_usage_perc', 0.6, e1),
    add('vllm:request_success_total', 9, { ...e0, finished_reason: 'stop' }),
    add('vllm:request_success_total', 1, { ...e0, finished_reason: 'abort' }),
    add('vllm:request_success_total', 20, { ...e1, finished_reason: 'stop' }),
    observe('vllm:e2e_request_latency_seconds', Array<number>(10).fill(0.4), e0),
    observe('vllm:e2e_request_latency_seconds', Array<number>(10).fill(1.2), e1),
  ]);
  const d = derived(store, source);
  const m = (name: string): string => `${name}{engine="dp",model="m"}`;
  const i = (name: string, idx: string): string => `${name}{engine="dp",engine_index="${idx}",model="m"}`;

  it('sums rates and counts across indices and keeps each index', () => {
    const cases: [string, number, number, number][] = [
      // name, per model, index 0, index 1
      ['token_throughput', 600 / 15, 150 / 15, 450 / 15],
      ['prompt_throughput', 0, 0, 0],
      ['request_rate', 30 / 15, 10 / 15, 20 / 15],
      ['requests_running', 5, 2, 3],
      ['requests_waiting', 1, 1, 0],
      ['kv_cache_usage', 40, 20, 60], // mean of the indices' %
      ['request_error_rate', 1 / 30, 1 / 10, 0], // ratio of the summed rates
    ];
    for (const [name, all, v0, v1] of cases) {
      close(d.get(m(name)), all, m(name));
      close(d.get(i(name, '0')), v0, i(name, '0'));
      close(d.get(i(name, '1')), v1, i(name, '1'));
    }
  });

  it('merges bucket increases across indices before the quantile', () => {
    // index 0: 10 in (0.3, 0.5]; index 1: 10 in (1.0, 1.5]. Merged, 20 observations:
    // p50 rank 10 ends the (0.3, 0.5] bucket = 0.5; p95 rank 19 = 1.0 + 0.5·9/10; p99 rank 19.8 = 1.0 + 0.5·9.8/10.
    const cases: [string, number, number, number][] = [
      ['request_latency_ms', 800, 400, 1200],
      ['request_latency_ms_p50', 500, 400, 1250],
      ['request_latency_ms_p95', 1450, 490, 1475],
      ['request_latency_ms_p99', 1490, 498, 1495],
    ];
    for (const [name, all, v0, v1] of cases) {
      close(d.get(m(name)), all, m(name));
      close(d.get(i(name, '0')), v0, i(name, '0'));
      close(d.get(i(name, '1')), v1, i(name, '1'));
    }
    // The same as PromQL's histogram_quantile(0.95, sum without(engine) (rate(…_bucket[15s]))).
    const [promql] = histogramQuantileOver(store, 'vllm:e2e_request_latency_seconds', { job: 'dp' }, AT, STEP, [0.95], { sumWithout: ['engine'] });
    close(d.get(m('request_latency_ms_p95')), promql!.value * 1000, 'vs histogramQuantileOver');
  });

  it('emits exactly one per-model and two per-index samples per metric', () => {
    const names = new Set([...d.keys()].map((k) => k.slice(0, k.indexOf('{'))));
    assert.equal(d.size, names.size * 3);
  });
});

describe('counter reset (engine restart)', () => {
  const page = fixture('vllm-v1-2026-qwen2.5-0.5b.metrics.txt');
  const families = parseExposition(page);
  const store = newStore();
  const gen = 'vllm:generation_tokens_total';
  // 900 → 1000, then the engine restarts and has generated 50 since.
  store.append(scrape(families, 'vllm-r', T0, [set(gen, 900)]));
  store.append(scrape(families, 'vllm-r', T0 + STEP, [set(gen, 1000)]));
  store.append(scrape(families, 'vllm-r', T0 + 2 * STEP, [set(gen, 50)]));
  const source = { name: 'vllm-r', families: familyTypes(families) };
  const key = 'token_throughput{engine="vllm-r",model="Qwen/Qwen2.5-0.5B-Instruct"}';

  it('gives the tokens generated across the reset, never a negative rate or a spike', () => {
    // rate() adds the value before the drop: (1000 − 900) + 50 over 30 s.
    close(derived(store, source, T0 + 2 * STEP, 2 * STEP).get(key), (100 + 50) / 30);
    // The window holding only the reset: 50 generated since the restart.
    close(derived(store, source, T0 + 2 * STEP, STEP).get(key), 50 / 15);
  });
});

describe('an engine that is down', () => {
  const page = fixture('vllm-v1-2026-qwen2.5-0.5b.metrics.txt');
  const edits = [add('vllm:generation_tokens_total', 30)];

  it('yields nothing once its last good scrape is more than 2 intervals old', () => {
    const { store, source } = twoScrapes(page, 'vllm-d', edits);
    assert.deepEqual(deriveEngineMetrics(store, [{ ...source, lastScrapeAt: AT - 2 * STEP - 1, intervalMs: STEP }], AT, STEP), []);
    const fresh = deriveEngineMetrics(store, [{ ...source, lastScrapeAt: AT - 2 * STEP, intervalMs: STEP }], AT, STEP);
    assert.ok(fresh.some((s) => s.name === 'token_throughput'));
  });

  it('yields nothing when its latest `up` is 0', () => {
    const { store, source } = twoScrapes(page, 'vllm-d', edits);
    const labels = { job: 'vllm-d', instance: 'vllm-d:8000', component: 'vllm-d' };
    store.append([{ name: 'up', labels, t: AT, v: 1 }]);
    assert.ok(deriveEngineMetrics(store, [source], AT, STEP).length > 0);
    store.append([{ name: 'up', labels, t: AT + 1000, v: 0 }]);
    assert.deepEqual(deriveEngineMetrics(store, [source], AT + 1000, STEP), []);
  });

  it('yields nothing for a page of no known flavor', () => {
    const { store, source } = twoScrapes(fixture('dcgm-exporter-nvidia-l4.metrics.txt'), 'dcgm', []);
    assert.deepEqual(deriveEngineMetrics(store, [source], AT, STEP), []);
  });

  it('uses the configured flavor over detection', () => {
    const { store, source } = twoScrapes(page.replaceAll('vllm:', 'aphrodite:'), 'x', [add('aphrodite:generation_tokens_total', 30)]);
    // Told it is vLLM, it looks for vllm: names and finds none.
    assert.deepEqual(deriveEngineMetrics(store, [{ ...source, flavor: 'vllm' }], AT, STEP), []);
    assert.ok(derived(store, source).has('token_throughput{engine="x",model="Qwen/Qwen2.5-0.5B-Instruct"}'));
  });
});
