/**
 * @module analyze/rules/evaluator
 * The contract between the rule engine and each rule kind. The engine keeps
 * one evaluator per (rule, series) and feeds it that series' samples in time
 * order; the evaluator keeps whatever state its kind needs (a hysteresis
 * flag, a regression's running sums, a baseline, a detector) and says after
 * each sample whether its condition holds. `update` is the hot path (millions
 * of samples a second): it returns a number and allocates nothing; the
 * figures and the sentence behind a state are built only when asked for.
 */
import type { AlertSeverity } from '../../core/severity.js';
import type { Labels } from '../../core/types.js';

/** `update`'s answer: 0 = the condition does not hold (or the evaluator is still warming up). */
export const QUIET = 0;
/** Condition holds at this severity. */
export const LEVEL = { info: 1, warning: 2, critical: 3 } as const satisfies Record<AlertSeverity, number>;
export type Level = 0 | 1 | 2 | 3;

export function severityOfLevel(l: Level): AlertSeverity | undefined {
  return l === 1 ? 'info' : l === 2 ? 'warning' : l === 3 ? 'critical' : undefined;
}

/** The figures behind the latest state. */
export interface Explanation {
  /** The figure compared: the value, a relative change, an anomaly rate, seconds to a crossing. */
  readonly value: number;
  /** What it was compared against: the level crossed, the baseline's centre, the horizon. */
  readonly reference: number;
  /**
   * One sentence a person understands. While the condition holds, why it fires
   * ("token_throughput fell 22 % over 5 min (fit R² 0.91)"); once it stopped,
   * how things stand ("cpu_usage back to 62 % (≤ 85 %)"). The lifecycle adds
   * how long the incident lasted.
   */
  readonly message: string;
  /** Further figures for the alert's metadata and status (r2, spread, score, …). */
  readonly detail?: Readonly<Record<string, number | string | boolean>>;
}

/** Who the evaluator watches, for its sentences. */
export interface Subject {
  /** Metric name as the store holds it. */
  readonly metric: string;
  readonly labels: Labels;
  /** A short name for sentences: `cpu_usage`, `ttft_ms_p95{engine="vllm"}`. */
  readonly display: string;
  /** Unit for sentences: '%', 'ms', ' tokens/s', ''. */
  readonly unit: string;
}

export interface SeriesEvaluator {
  /** Feeds one sample; `t` (ms) strictly increases between calls. Returns the level now. */
  update(t: number, v: number): Level;
  /** The figures and sentence behind the last `update`'s answer. */
  explain(): Explanation;
  /**
   * Told by the engine whenever the series' alert starts or stops firing
   * (a baseline freezes meanwhile, so a degradation is not learnt as normal).
   */
  setAlerting?(alerting: boolean): void;
  /** State worth keeping across restarts (a learnt baseline), JSON-serialisable and small (< 4 KiB). */
  save?(): unknown;
  /** Takes back what `save` gave, read from disk (hostile): false, and no change, when it is not usable. */
  restore?(state: unknown): boolean;
}

export type EvaluatorFactory<Spec> = (spec: Spec, subject: Subject) => SeriesEvaluator;
