/**
 * @module analyze/promql
 * Pure equivalents of Prometheus 2.42's rate/increase/delta/irate/idelta,
 * histogram_quantile, deriv and predict_linear, and recording-rule style
 * helpers that apply them to a SeriesReader.
 */
export type { Point } from './point.js';
export { selectRange } from './point.js';
export { extrapolatedRate, rate, increase, delta, irate, idelta } from './rate.js';
export type { Bucket } from './quantile.js';
export { histogramQuantile, coalesceBuckets, ensureMonotonic, parseBucketBound } from './quantile.js';
export { KahanSum, linearRegression, deriv, predictLinear } from './regression.js';
export type { LabeledValue, QuantileValue, MeanValue, AggregateOptions } from './over.js';
export { rateOver, increaseOver, histogramQuantileOver, meanOver } from './over.js';
