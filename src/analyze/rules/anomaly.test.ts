import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { anomalyRuleSchema } from '../../config/rules/anomaly.js';
import { createAnomalyEvaluator } from './anomaly.js';
import type { Subject } from './evaluator.js';

const subject: Subject = { metric: 'ttft_ms_p95', labels: { engine: 'vllm' }, display: 'ttft_ms_p95{engine="vllm"}', unit: 'ms' };
const spec = anomalyRuleSchema.parse({ kind: 'anomaly', metric: 'ttft_ms_p95', severity: 'warning' });

/** A latency around 200 ms with a deterministic jitter (a small LCG, so runs are repeatable). */
function jitter(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

function run(values: readonly number[]): { levels: number[]; ev: ReturnType<typeof createAnomalyEvaluator> } {
  const ev = createAnomalyEvaluator(spec, subject);
  const levels = values.map((v, i) => ev.update(i * 1000, v));
  return { levels, ev };
}

function series(n: number, f: (i: number, r: number) => number): number[] {
  const r = jitter(7);
  return Array.from({ length: n }, (_, i) => f(i, r()));
}

describe('anomaly rule', () => {
  it('stays quiet on noise alone', () => {
    const { levels } = run(series(5000, (_, r) => 200 + 20 * r));
    assert.equal(levels.filter((l) => l > 0).length, 0);
  });

  it('fires on a step and says so in a sentence, then recovers once the new level is normal', () => {
    const { levels, ev } = run(series(2000, (i, r) => (i < 1500 ? 200 : 400) + 20 * r));
    const first = levels.findIndex((l) => l > 0);
    assert.ok(first >= 1500 && first < 1510, `fired at ${first}`);
    assert.equal(levels[first], 2, 'warning, as the rule says');
    assert.equal(levels.at(-1), 0, 'the new level is learnt');
    const ev2 = createAnomalyEvaluator(spec, subject);
    const vals = series(2000, (i, r) => (i < 1500 ? 200 : 400) + 20 * r);
    for (let i = 0; i <= first; i++) ev2.update(i * 1000, vals[i]!);
    const x = ev2.explain();
    assert.match(x.message, /^ttft_ms_p95\{engine="vllm"\} anomalous: \d+ of the last 30 samples scored ≥ 0\.9 \(latest \d+(\.\d+)? ms\)$/);
    assert.ok(x.value >= 0.1 && x.reference === 0.1);
    assert.match(ev.explain().message, /^ttft_ms_p95\{engine="vllm"\} back to normal \(\d+ of 30\)$/);
  });

  it('fires on a burst of spikes', () => {
    const { levels } = run(series(3000, (i, r) => 200 + 20 * r + (i >= 2500 && i < 2506 ? 900 : 0)));
    const first = levels.findIndex((l) => l > 0);
    assert.ok(first >= 2500 && first < 2510, `fired at ${first}`);
  });

  it('defaults to info, even with one anomalous sample in five enough', () => {
    const info = anomalyRuleSchema.parse({ kind: 'anomaly', metric: 'x', rate: 0.2, window: 5, score: 0.3 });
    const ev = createAnomalyEvaluator(info, subject);
    const vals = series(1200, (i, r) => (i < 1000 ? 10 + r : 100 + 50 * r * (i % 2 ? 1 : -1)));
    const levels = vals.map((v, i) => ev.update(i, v));
    assert.ok(levels.includes(1), 'fires at info');
    assert.ok(levels.every((l) => l === 0 || l === 1));
  });
});
