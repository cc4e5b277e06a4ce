/**
 * @module core/exposition
 * Prometheus text 0.0.4 / OpenMetrics 1.0.0 exposition: parse, write, negotiate.
 */
export type { Exemplar, ExpositionFormat, ExpositionSample, ExpositionVisitor, MetricFamily } from './model.js';
export { detectFormat, formatFromContentType, parseExposition, parseExpositionAsync, readExposition } from './parse.js';
export { contentTypeFor, formatExposition } from './format.js';
export { negotiateFormat } from './negotiate.js';
export type { ParseLimits, ParseOptions } from './options.js';
export { expositionError } from './scan.js';
