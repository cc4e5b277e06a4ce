/**
 * For every engine flavor with a recorded page (vLLM, Aphrodite, SGLang, TGI):
 * a real Prometheus 2.42 scrapes the live simulator; we take Prometheus's own
 * raw samples over the window, derive the unified metrics from them, and
 * compare with what Prometheus computes with rate() and histogram_quantile()
 * over the same window at the same instant: within 1 %.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deriveEngineMetrics, type EngineFlavor } from '../../src/analyze/engines/index.js';
import { parseExposition } from '../../src/core/exposition/index.js';
import type { Sample } from '../../src/core/types.js';
import { startEngineSimulator } from '../../src/simulate/engine/index.js';
import { SeriesStore } from '../../src/store/series.js';
import { requirePeer } from '../helpers/peers.js';
import { startPrometheus, waitFor } from '../helpers/prometheus.js';

const W = '6s';
const WINDOW_MS = 6000;

/** unified metric → PromQL over the raw engine series (by model where the engine has one). */
function checks(f: EngineFlavor): [string, string][] {
  if (f === 'tgi') {
    return [
      ['token_throughput', `sum(rate(tgi_request_generated_tokens_sum[${W}]))`],
      ['request_latency_ms_p95', `1000 * histogram_quantile(0.95, sum by (le) (rate(tgi_request_duration_bucket[${W}])))`],
      ['queue_time_ms_p50', `1000 * histogram_quantile(0.5, sum by (le) (rate(tgi_request_queue_duration_bucket[${W}])))`],
      ['requests_running', 'sum(tgi_batch_current_size)'],
    ];
  }
  const p = f === 'sglang' ? 'sglang:' : `${f}:`;
  const kv = f === 'sglang' ? 'sglang:token_usage' : `${p}kv_cache_usage_perc`;
  return [
    ['token_throughput', `sum by (model_name) (rate(${p}generation_tokens_total[${W}]))`],
    ['prompt_throughput', `sum by (model_name) (rate(${p}prompt_tokens_total[${W}]))`],
    ['request_latency_ms_p95', `1000 * histogram_quantile(0.95, sum by (le, model_name) (rate(${p}e2e_request_latency_seconds_bucket[${W}])))`],
    ['ttft_ms_p99', `1000 * histogram_quantile(0.99, sum by (le, model_name) (rate(${p}time_to_first_token_seconds_bucket[${W}])))`],
    ['request_latency_ms', `1000 * sum by (model_name) (rate(${p}e2e_request_latency_seconds_sum[${W}])) / sum by (model_name) (rate(${p}e2e_request_latency_seconds_count[${W}]))`],
    ['kv_cache_usage', `100 * avg by (model_name) (${kv})`],
  ];
}

type Vec = { metric: Record<string, string>; value?: [number, string]; values?: [number, string][] }[];

test('unified engine metrics equal Prometheus rate() and histogram_quantile() on the same simulated targets', async (t) => {
  const bin = requirePeer(t, 'prometheus');
  if (bin === undefined) return;
  const flavors: EngineFlavor[] = ['vllm', 'aphrodite', 'sglang', 'tgi'];
  const sims = await Promise.all(flavors.map((flavor, i) => startEngineSimulator({ flavor, port: 0, scenario: 'steady', seed: 11 + i })));
  t.after(() => Promise.all(sims.map((s) => s.close())));
  const jobs = sims
    .map((s, i) => `  - job_name: ${flavors[i]}\n    metrics_path: ${new URL(s.metricsUrl).pathname}\n    static_configs:\n      - targets: ['${new URL(s.url).host}']\n`)
    .join('');
  const prom = await startPrometheus(bin, jobs);
  t.after(() => prom.stop());
  await waitFor('10 scrapes of every engine', async () => {
    const r = (await prom.query('count_over_time(up[12s])')) as Vec;
    return r.length === flavors.length && r.every((x) => Number(x.value![1]) >= 10) ? true : undefined;
  }, 40_000);

  const T = Math.floor(Date.now() / 1000) - 1;
  let compared = 0;
  for (const [i, flavor] of flavors.entries()) {
    // Prometheus's own raw samples of this engine over the window, into our store.
    const raw = (await prom.query(`{job="${flavor}"}[${W}]`, T)) as Vec;
    const store = new SeriesStore({ capacity: 64, maxSeries: 100_000 });
    for (const series of raw) {
      const { __name__: name, ...labels } = series.metric;
      const samples: Sample[] = series.values!.map(([ts, v]) => ({ name: name!, labels: { ...labels, component: flavor }, t: Math.round(ts * 1000), v: Number(v) }));
      store.append(samples);
    }
    const page = await (await fetch(sims[i]!.metricsUrl)).text();
    const families = new Map(parseExposition(page).map((f) => [f.name, { type: f.type }]));
    const ours = deriveEngineMetrics(store, [{ name: flavor, flavor, families }], T * 1000, WINDOW_MS).filter((s) => s.labels['engine_index'] === undefined);
    for (const [metric, expr] of checks(flavor)) {
      const theirs = (await prom.query(expr, T)) as Vec;
      const mine = ours.filter((s) => s.name === metric);
      const finite = theirs.filter((x) => Number.isFinite(Number(x.value![1])));
      assert.equal(mine.length, finite.length, `${flavor} ${metric}: ${mine.length} series vs Prometheus ${finite.length} (${expr})`);
      for (const th of finite) {
        const want = Number(th.value![1]);
        const got = mine.find((s) => th.metric['model_name'] === undefined || s.labels['model'] === th.metric['model_name'])!.v;
        assert.ok(Math.abs(got - want) <= 0.01 * Math.max(Math.abs(want), 1e-9), `${flavor} ${metric}: ours ${got} vs Prometheus ${want} (${expr})`);
        compared++;
      }
    }
  }
  assert.ok(compared >= 16, `compared ${compared} values`);
});
