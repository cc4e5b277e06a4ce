/**
 * @module analyze/engines/mapping
 * The shape of a flavor's mapping table: for each unified metric, the ways to
 * compute it from the engine's series, tried in order; the first that yields
 * a value for the engine wins. Listing the current name before the old one
 * covers renames across versions (`kv_cache_usage_perc` before
 * `gpu_cache_usage_perc`), and counters are listed with and without `_total`.
 */
import type { EngineFlavor } from './flavor.js';
import type { HistogramMetricName, ScalarMetricName } from './metrics.js';

/** Keep only the series whose `label` has one of `values` (as `label=~"a|b"`). */
export interface LabelIn {
  readonly label: string;
  readonly values: readonly string[];
}

/** Counter series whose rates are summed (all that exist; e.g. success + failure). */
export interface RateSource {
  readonly series: readonly string[];
  readonly where?: LabelIn;
  /**
   * A group with no such series counts as 0 rather than unknown: for counters
   * an engine creates lazily (TGI's `tgi_request_failure{err}` appears with the
   * first failure; prometheus_client's labelled children with their first use).
   */
  readonly absentIsZero?: boolean;
}

/** The latest sample in the window of a gauge, × scale; indices combine by `combine`. */
export interface GaugeDerivation {
  readonly kind: 'gauge';
  readonly series: string;
  readonly scale: number;
  readonly combine: 'sum' | 'mean';
}

/** rate() over the window, summed. */
export interface RateDerivation {
  readonly kind: 'rate';
  readonly source: RateSource;
}

/** rate(numerator) / rate(denominator); absent where the denominator's rate is 0. */
export interface RatioDerivation {
  readonly kind: 'ratio';
  readonly numerator: RateSource;
  readonly denominator: RateSource;
}

/** Mean and QUANTILES of a classic histogram over the window, × scale. */
export interface HistogramDerivation {
  readonly kind: 'histogram';
  /** Base name: the series are `<family>_bucket`, `_sum`, `_count`. */
  readonly family: string;
  readonly scale: number;
}

export type ScalarDerivation = GaugeDerivation | RateDerivation | RatioDerivation;
export type Derivation = ScalarDerivation | HistogramDerivation;

export interface FlavorMapping {
  readonly flavor: EngineFlavor;
  /** Label holding the served model's name; none where the engine does not label by model. */
  readonly modelLabel?: string;
  /** Label holding the data-parallel index (one series per engine core / DP rank). */
  readonly indexLabel?: string;
  readonly scalars: { readonly [M in ScalarMetricName]?: readonly ScalarDerivation[] };
  readonly histograms: { readonly [M in HistogramMetricName]?: readonly HistogramDerivation[] };
}

/** seconds → milliseconds */
export const MS_PER_S = 1000;
/** 0..1 → % */
export const PERCENT = 100;

/** A gauge whose per-index values add up (request counts). */
export function gaugeSum(series: string, scale = 1): GaugeDerivation {
  return { kind: 'gauge', series, scale, combine: 'sum' };
}

/** A gauge whose per-index values average (a usage fraction). */
export function gaugeMean(series: string, scale = 1): GaugeDerivation {
  return { kind: 'gauge', series, scale, combine: 'mean' };
}

/** rate() of a counter named `<base>_total`, else `<base>` (text 0.0.4 without the suffix). */
export function counterRate(base: string): RateDerivation[] {
  return [rateOf(`${base}_total`), rateOf(base)];
}

/** rate() of the sum of the given series (each optional). */
export function rateOf(...series: string[]): RateDerivation {
  return { kind: 'rate', source: { series } };
}

/** rate(numerator) / rate(denominator) for counters named with `_total`, else without. */
export function counterRatio(numeratorBase: string, denominatorBase: string): RatioDerivation[] {
  return [
    ratio({ series: [`${numeratorBase}_total`] }, { series: [`${denominatorBase}_total`] }),
    ratio({ series: [numeratorBase] }, { series: [denominatorBase] }),
  ];
}

export function ratio(numerator: RateSource, denominator: RateSource): RatioDerivation {
  return { kind: 'ratio', numerator, denominator };
}

export function histogram(family: string, scale = MS_PER_S): HistogramDerivation {
  return { kind: 'histogram', family, scale };
}
