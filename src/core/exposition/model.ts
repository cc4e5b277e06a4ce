/**
 * @module core/exposition/model
 * The data model of the Prometheus text exposition formats (text 0.0.4 and
 * OpenMetrics 1.0.0) as echo-perf parses and writes them: a list of metric
 * families, each holding its samples in page order.
 */
import type { MetricType } from '../types.js';

/** The two text exposition formats: Prometheus text 0.0.4 and OpenMetrics 1.0.0. */
export type ExpositionFormat = 'text' | 'openmetrics';

/** An OpenMetrics exemplar attached to one sample (`# {trace_id="x"} 1.0 [timestamp]`). */
export interface Exemplar {
  readonly labels: Record<string, string>;
  readonly value: number;
  /** Milliseconds since the epoch (OpenMetrics writes seconds; the parser converts). */
  readonly timestamp?: number;
}

/**
 * One exposed sample. `name` is the full series name (`foo_bucket`, `foo_total`),
 * which may differ from its family's name.
 */
export interface ExpositionSample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
  /** Milliseconds since the epoch, when the page carries a timestamp. */
  readonly timestamp?: number;
  readonly exemplar?: Exemplar;
}

/**
 * A metric family: the metadata (`# HELP`, `# TYPE`, `# UNIT`) and the samples
 * that belong to it. Samples of `foo_bucket`, `foo_sum`, `foo_count`, `foo_created`
 * belong to family `foo` when `foo` is typed histogram (and likewise for the other
 * types' suffixes). Samples without a TYPE line form an untyped family
 * (`untyped` in text 0.0.4, `unknown` in OpenMetrics) named after the sample.
 */
export interface MetricFamily {
  readonly name: string;
  readonly type: MetricType;
  readonly help?: string;
  readonly unit?: string;
  readonly samples: ExpositionSample[];
}

/**
 * Receives what the low-level reader finds, line by line, without grouping.
 * `at` is the offset in the input of the line (or token) the event comes from;
 * pass it to `expositionError` to report a problem with line and column.
 */
export interface ExpositionVisitor {
  help(name: string, help: string, at: number): void;
  type(name: string, type: MetricType, at: number): void;
  unit(name: string, unit: string, at: number): void;
  sample(sample: ExpositionSample, at: number): void;
}
