/**
 * @module analyze/engines/evaluate
 * Evaluates one derivation of a mapping table for one engine, per model and
 * per data-parallel index. Per-model values combine the indices as PromQL's
 * `sum without(<index>)` would: rates add up, gauges add up or average,
 * ratios divide the summed rates, histograms merge their bucket increases
 * before the quantile. Groups without a result are left out, never 0.
 */
import { seriesKey } from '../../core/labels.js';
import type { Labels } from '../../core/types.js';
import type { SeriesReader } from '../../store/series.js';
import { histogramQuantile, increaseOver, parseBucketBound, rateOver, type Bucket } from '../promql/index.js';
import type { FlavorMapping, GaugeDerivation, HistogramDerivation, RateSource, ScalarDerivation } from './mapping.js';
import { QUANTILES } from './metrics.js';

/** Where and when to evaluate: one engine's series (`match` = `{job}`), the window [at − windowMs, at]. */
export interface EvalContext {
  readonly read: SeriesReader;
  readonly match: Labels;
  readonly at: number;
  readonly windowMs: number;
  readonly mapping: FlavorMapping;
}

/** model → index → T. The key is '' where the engine has no such label. */
type Nested<T> = Map<string, Map<string, T>>;

/** One unified metric's values for one engine. */
export interface Grouped {
  /** model → value over all indices. */
  readonly byModel: Map<string, number>;
  /** model → index → value. */
  readonly byIndex: Nested<number>;
}

/** A scalar derivation's values; empty when the engine has none of its series (or no result in the window). */
export function evaluateScalar(ctx: EvalContext, d: ScalarDerivation): Grouped {
  switch (d.kind) {
    case 'gauge':
      return evaluateGauge(ctx, d);
    case 'rate': {
      const rates = sumRates(ctx, d.source);
      return { byModel: mapValues(rates, (byIndex) => sum(byIndex.values())), byIndex: rates };
    }
    case 'ratio':
      return evaluateRatio(ctx, d.numerator, d.denominator);
  }
}

/** A histogram's mean (key '') and quantiles (keys = QUANTILES suffixes), each × scale. */
export function evaluateHistogram(ctx: EvalContext, d: HistogramDerivation): Map<string, Grouped> {
  const { read, match, at, windowMs } = ctx;
  const buckets: Nested<Bucket[]> = new Map();
  for (const s of increaseOver(read, `${d.family}_bucket`, match, at, windowMs)) {
    const le = parseBucketBound(s.labels['le'] ?? '');
    if (le !== undefined) slot(buckets, ctx, s.labels, () => []).push({ le, count: s.value });
  }
  const sums = sumIncreases(ctx, `${d.family}_sum`);
  const counts = sumIncreases(ctx, `${d.family}_count`);

  const out = new Map<string, Grouped>();
  const mean = emptyGrouped();
  for (const [model, byIndex] of counts) {
    let s = 0;
    let c = 0;
    for (const [index, count] of byIndex) {
      const total = sums.get(model)?.get(index);
      if (total === undefined) continue;
      if (count > 0) put(mean.byIndex, model, index, (total / count) * d.scale);
      s += total;
      c += count;
    }
    if (c > 0) mean.byModel.set(model, (s / c) * d.scale);
  }
  out.set('', mean);
  for (const [q, suffix] of QUANTILES) {
    const g = emptyGrouped();
    for (const [model, byIndex] of buckets) {
      const merged: Bucket[] = [];
      for (const [index, bs] of byIndex) {
        putFinite(g.byIndex, model, index, histogramQuantile(q, bs) * d.scale);
        merged.push(...bs); // same-bound buckets of different indices are summed by the quantile's coalescing
      }
      const v = histogramQuantile(q, merged) * d.scale;
      if (Number.isFinite(v)) g.byModel.set(model, v);
    }
    out.set(suffix, g);
  }
  return out;
}

function evaluateGauge(ctx: EvalContext, d: GaugeDerivation): Grouped {
  // The newest sample of each series inside the window.
  const latest = new Map<string, { labels: Labels; t: number; v: number }>();
  for (const s of ctx.read.range(d.series, ctx.match, ctx.at - ctx.windowMs, ctx.at)) {
    const key = seriesKey(s.name, s.labels);
    const prev = latest.get(key);
    if (prev === undefined || s.t >= prev.t) latest.set(key, s);
  }
  const values: Nested<number[]> = new Map();
  for (const s of latest.values()) if (Number.isFinite(s.v)) slot(values, ctx, s.labels, () => []).push(s.v * d.scale);
  const combine = d.combine === 'sum' ? (vs: Iterable<number>) => sum(vs) : mean;
  const byIndex = mapValues(values, (byIdx) => new Map([...byIdx].map(([i, vs]) => [i, combine(vs)])));
  return { byModel: mapValues(byIndex, (byIdx) => combine(byIdx.values())), byIndex };
}

function evaluateRatio(ctx: EvalContext, numerator: RateSource, denominator: RateSource): Grouped {
  const num = sumRates(ctx, numerator);
  const den = sumRates(ctx, denominator);
  const out = emptyGrouped();
  for (const [model, byIndex] of den) {
    let n = 0;
    let d = 0;
    for (const [index, dv] of byIndex) {
      const nv = num.get(model)?.get(index) ?? (numerator.absentIsZero === true ? 0 : undefined);
      if (nv === undefined) continue;
      if (dv > 0) put(out.byIndex, model, index, nv / dv);
      n += nv;
      d += dv;
    }
    if (d > 0) out.byModel.set(model, n / d);
  }
  return out;
}

/** rate() of each series of `src`, summed per model and index. */
function sumRates(ctx: EvalContext, src: RateSource): Nested<number> {
  const out: Nested<number> = new Map();
  for (const name of src.series) {
    for (const r of rateOver(ctx.read, name, ctx.match, ctx.at, ctx.windowMs)) {
      if (src.where !== undefined && !src.where.values.includes(r.labels[src.where.label] ?? '')) continue;
      add(out, ctx, r.labels, r.value);
    }
  }
  return out;
}

function sumIncreases(ctx: EvalContext, name: string): Nested<number> {
  const out: Nested<number> = new Map();
  for (const r of increaseOver(ctx.read, name, ctx.match, ctx.at, ctx.windowMs)) add(out, ctx, r.labels, r.value);
  return out;
}

function groupOf(ctx: EvalContext, labels: Labels): [model: string, index: string] {
  const { modelLabel, indexLabel } = ctx.mapping;
  return [modelLabel === undefined ? '' : (labels[modelLabel] ?? ''), indexLabel === undefined ? '' : (labels[indexLabel] ?? '')];
}

function slot<T>(nested: Nested<T>, ctx: EvalContext, labels: Labels, init: () => T): T {
  const [model, index] = groupOf(ctx, labels);
  let byIndex = nested.get(model);
  if (byIndex === undefined) nested.set(model, (byIndex = new Map<string, T>()));
  let v = byIndex.get(index);
  if (v === undefined) byIndex.set(index, (v = init()));
  return v;
}

function add(nested: Nested<number>, ctx: EvalContext, labels: Labels, v: number): void {
  const [model, index] = groupOf(ctx, labels);
  put(nested, model, index, (nested.get(model)?.get(index) ?? 0) + v);
}

function put(nested: Nested<number>, model: string, index: string, v: number): void {
  let byIndex = nested.get(model);
  if (byIndex === undefined) nested.set(model, (byIndex = new Map<string, number>()));
  byIndex.set(index, v);
}

function putFinite(nested: Nested<number>, model: string, index: string, v: number): void {
  if (Number.isFinite(v)) put(nested, model, index, v);
}

function emptyGrouped(): { byModel: Map<string, number>; byIndex: Nested<number> } {
  return { byModel: new Map(), byIndex: new Map() };
}

function mapValues<A, B>(m: Map<string, A>, fn: (a: A) => B): Map<string, B> {
  return new Map([...m].map(([k, a]) => [k, fn(a)]));
}

function sum(vs: Iterable<number>): number {
  let s = 0;
  for (const v of vs) s += v;
  return s;
}

function mean(vs: Iterable<number>): number {
  let s = 0;
  let n = 0;
  for (const v of vs) {
    s += v;
    n++;
  }
  return s / n;
}
