/**
 * Samples per second through per-series rule evaluators on one core, 1 k
 * series fed in rounds (one sample per series per second of simulated time,
 * a TTFT-like noisy value with rare spikes): a threshold with hysteresis (the
 * cheapest kind, as a floor), the baseline, the forecast (linear and Holt),
 * and threshold + baseline + forecast on every series.
 * Run: node --import tsx bench/evaluators.bench.ts
 */
import { parse } from 'valibot';
import { baselineRuleSchema } from '../src/config/rules/baseline.js';
import { forecastRuleSchema } from '../src/config/rules/forecast.js';
import { createBaselineEvaluator } from '../src/analyze/rules/baseline.js';
import type { Level, SeriesEvaluator, Subject } from '../src/analyze/rules/evaluator.js';
import { createForecastEvaluator } from '../src/analyze/rules/forecast.js';
import { median } from './common.js';

const SERIES = 1000;
const ROUNDS = 2000;
const subject: Subject = { metric: 'ttft_ms_p95', labels: { engine: 'vllm' }, display: 'ttft_ms_p95{engine="vllm"}', unit: 'ms' };

/** A threshold with a clear level, as a threshold rule keeps it: the floor any kind is compared with. */
function thresholdLike(above: number, clear: number): SeriesEvaluator {
  let on = false;
  return {
    update: (_t: number, v: number): Level => {
      on = on ? v > clear : v > above;
      return on ? 2 : 0;
    },
    explain: () => ({ value: 0, reference: above, message: '' }),
  };
}

const VALUES = new Float64Array(8192);
let seed = 42;
for (let i = 0; i < VALUES.length; i++) {
  seed = (seed * 1103515245 + 12345) >>> 0;
  const u = seed / 4294967296;
  VALUES[i] = 780 * (1 + 0.08 * (u - 0.5)) * (u > 0.99 ? 3 : 1);
}

const baselineSpec = parse(baselineRuleSchema, { kind: 'baseline', metric: 'ttft_ms_p95' });
const linearSpec = parse(forecastRuleSchema, { kind: 'forecast', metric: 'ttft_ms_p95', above: 5000, horizon: 600, method: 'linear' });
const holtSpec = parse(forecastRuleSchema, { kind: 'forecast', metric: 'ttft_ms_p95', above: 5000, horizon: 600, method: 'holt' });

type Make = () => SeriesEvaluator[];
const sets: Record<string, Make> = {
  threshold: () => [thresholdLike(1500, 1200)],
  baseline: () => [createBaselineEvaluator(baselineSpec, subject)],
  threshold_baseline: () => [thresholdLike(1500, 1200), createBaselineEvaluator(baselineSpec, subject)],
  forecast_linear: () => [createForecastEvaluator(linearSpec, subject)],
  forecast_holt: () => [createForecastEvaluator(holtSpec, subject)],
  threshold_baseline_forecast: () => [thresholdLike(1500, 1200), createBaselineEvaluator(baselineSpec, subject), createForecastEvaluator(holtSpec, subject)],
};

/** Millions of series-samples per second through `make()`'s evaluators on every series (each sample goes through all of them). */
function measure(make: Make): number {
  const evs = Array.from({ length: SERIES }, make);
  let t = 1_700_000_000_000;
  let sink = 0;
  const round = (): void => {
    t += 1000;
    for (let s = 0; s < SERIES; s++) {
      const v = VALUES[(s * 31 + t / 1000) & 8191]!;
      const list = evs[s]!;
      for (let k = 0; k < list.length; k++) sink += list[k]!.update(t, v);
    }
  };
  // past the 300-sample warm-up, so the baseline does its full work
  for (let r = 0; r < 400; r++) round();
  const rates: number[] = [];
  for (let rep = 0; rep < 5; rep++) {
    const t0 = process.hrtime.bigint();
    for (let r = 0; r < ROUNDS / 5; r++) round();
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    rates.push((SERIES * (ROUNDS / 5)) / s / 1e6);
  }
  if (sink === -1) process.stdout.write('');
  return median(rates);
}

const out: Record<string, number> = {};
for (const [name, make] of Object.entries(sets)) {
  out[name] = measure(make);
  console.log(`${name.padEnd(28)} ${out[name].toFixed(2)} M samples/s (${(1000 / out[name]).toFixed(0)} ns per sample, all its evaluators)`);
}
console.log(JSON.stringify({ bench: 'evaluators-msamples-per-s', ...Object.fromEntries(Object.entries(out).map(([k, v]) => [k, Number(v.toFixed(2))])) }));
