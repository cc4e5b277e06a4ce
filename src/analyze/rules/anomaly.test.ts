import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'valibot';
import { anomalyRuleSchema } from '../../config/rules/anomaly.js';
import { createAnomalyEvaluator, createAnomalyEvaluatorWith } from './anomaly.js';
import type { Subject } from './evaluator.js';

const subject: Subject = { metric: 'ttft_ms_p95', labels: { engine: 'vllm' }, display: 'ttft_ms_p95{engine="vllm"}', unit: 'ms' };
const spec = parse(anomalyRuleSchema, { kind: 'anomaly', metric: 'ttft_ms_p95', severity: 'warning' });

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
    const info = parse(anomalyRuleSchema, { kind: 'anomaly', metric: 'x', rate: 0.2, window: 5, score: 0.3 });
    const ev = createAnomalyEvaluator(info, subject);
    const vals = series(1200, (i, r) => (i < 1000 ? 10 + r : 100 + 50 * r * (i % 2 ? 1 : -1)));
    const levels = vals.map((v, i) => ev.update(i, v));
    assert.ok(levels.includes(1), 'fires at info');
    assert.ok(levels.every((l) => l === 0 || l === 1));
  });

  it("a score exactly at the rule's score counts: score 1 fires on the samples the detector is certain of", () => {
    // A jump of 500x: the detector's likelihood rounds to exactly 1 at the step (checked: max score 1).
    const certain = parse(anomalyRuleSchema, { kind: 'anomaly', metric: 'x', score: 1, window: 1, rate: 1, severity: 'critical' });
    const ev = createAnomalyEvaluator(certain, subject);
    const levels = series(1600, (i, r) => (i < 1500 ? 200 : 100_000) + 20 * r).map((v, i) => ev.update(i * 1000, v));
    assert.equal(levels.indexOf(3), 1500, 'fires at the step, where the score is 1');
  });

  it('says the share of the window as its value and its score, count, window and threshold as detail', () => {
    const small = parse(anomalyRuleSchema, { kind: 'anomaly', metric: 'x', score: 0.5, window: 4, rate: 0.25, severity: 'warning' });
    const ev = createAnomalyEvaluator(small, { metric: 'x', labels: {}, display: 'x', unit: '' });
    const vals = series(1510, (i, r) => (i < 1500 ? 200 : 100_000) + 20 * r);
    let i = 0;
    for (; i <= 1500; i++) ev.update(i * 1000, vals[i]!);
    const x = ev.explain();
    const detail = x.detail as { score: number; anomalous: number; window: number; threshold: number };
    assert.equal(detail.window, 4);
    assert.equal(detail.threshold, 0.5);
    assert.ok(detail.anomalous >= 1 && detail.score >= 0.5, JSON.stringify(detail));
    assert.equal(x.value, detail.anomalous / 4, 'the share of the window that is anomalous');
    assert.equal(x.reference, 0.25);
    assert.match(x.message, /^x anomalous: \d of the last 4 samples scored ≥ 0\.5 \(latest \d+(\.\d+)?\)$/, 'no unit: the number alone');
  });

  it('writes a unit that brings its own space after the number as it is', () => {
    const tokens = parse(anomalyRuleSchema, { kind: 'anomaly', metric: 'tps', score: 0.5, window: 4, rate: 0.25 });
    const ev = createAnomalyEvaluator(tokens, { metric: 'tps', labels: {}, display: 'tps', unit: ' tokens/s' });
    assert.match(ev.explain().message, /^tps back to normal \(0 of 4\)$/, 'before any sample');
    ev.update(0, 512);
    const quiet = ev.explain();
    assert.equal(quiet.value, 0);
    assert.equal(quiet.message, 'tps back to normal (0 of 4)');
    const vals = series(1501, (i, r) => (i < 1500 ? 512 : 100_000) + 20 * r);
    for (let i = 1; i <= 1500; i++) ev.update(i * 1000, vals[i]!);
    assert.match(ev.explain().message, /\(latest \d+(\.\d+)?(e\d+)? tokens\/s\)$/);
  });

  it('other detector settings: a short warm-up scores (and fires) where the default one is still learning', () => {
    const quick = parse(anomalyRuleSchema, { kind: 'anomaly', metric: 'x', score: 0.5, window: 1, rate: 1 });
    const vals = series(200, (i, r) => (i < 150 ? 200 : 100_000) + 20 * r);
    const levels = (ev: ReturnType<typeof createAnomalyEvaluator>) => vals.map((v, i) => ev.update(i * 1000, v));
    assert.ok(levels(createAnomalyEvaluatorWith({ warmup: 20 })(quick, subject)).slice(150).some((l) => l > 0), 'warm-up 20: the step at 150 fires');
    assert.ok(levels(createAnomalyEvaluator(quick, subject)).every((l) => l === 0), 'default warm-up (300 samples): nothing scores yet');
  });
});
