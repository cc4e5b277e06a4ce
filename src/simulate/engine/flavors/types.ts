/**
 * @module simulate/engine/flavors/types
 * The declarative shape of an engine's `/metrics` page: a table of families
 * (name, type, HELP, labels, buckets, where the value comes from) plus the
 * page conventions that differ between client libraries (label order, sample
 * order inside a histogram, `_created` series, how `le` is spelled).
 */
import type { Labels } from '../../../core/types.js';
import type { EngineConfig } from '../engine-config.js';
import type { EngineModel } from '../model.js';
import type { EngineStats, Quantity } from '../stats.js';

export const FLAVORS = ['aphrodite', 'vllm', 'sglang', 'tgi', 'llamacpp'] as const;
export type Flavor = (typeof FLAVORS)[number];

/** One engine rank as the tables read it at render time. */
export interface EngineView {
  readonly index: number;
  readonly model: EngineModel;
  readonly stats: EngineStats;
  readonly cfg: EngineConfig;
  readonly modelName: string;
  /** Start of the (simulated) process, seconds since the epoch. */
  readonly startedAt: number;
}

/** Labelled series of one family: extra labels (beyond the engine's) and the value. */
export type Series = ReadonlyArray<readonly [Labels, number]>;

export interface ScalarFamily {
  /** The name on the TYPE line (counters with their `_total`). */
  readonly name: string;
  readonly type: 'counter' | 'gauge';
  /** Absent: the engine writes no HELP line for it. */
  readonly help?: string;
  readonly value: (e: EngineView, all: readonly EngineView[]) => number | Series;
  /** `process`: one series for the whole process, without the engine labels. */
  readonly scope?: 'process';
  /** The series carry all their labels themselves (the engine's base labels are not added). */
  readonly ownLabels?: boolean;
}

export interface HistogramFamily {
  readonly name: string;
  readonly type: 'histogram';
  readonly help?: string;
  readonly buckets: readonly number[];
  /** The quantity feeding it, or one per label set (TGI `method="prefill"|"decode"`). */
  readonly observe: Quantity | ReadonlyArray<readonly [Labels, Quantity]>;
  /** Replaces the engine labels (SGLang `func_latency_seconds{name}` has no model label). */
  readonly labels?: Labels;
}

/** A summary whose quantiles are all 0 (TGI's skipped tokens without speculation). */
export interface SummaryFamily {
  readonly name: string;
  readonly type: 'summary';
  readonly help?: string;
  readonly quantiles: readonly string[];
  readonly count: (e: EngineView) => number;
}

export type FamilySpec = ScalarFamily | HistogramFamily | SummaryFamily;

export interface FlavorSpec {
  readonly flavor: Flavor;
  readonly defaultModel: string;
  readonly defaultPort: number;
  /** max_model_len (TGI: max_total_tokens) of the recorded deployment; it sets token buckets. */
  readonly defaultMaxModelLen: number;
  /** Whether the engine labels series per data-parallel rank. */
  readonly multiEngine: boolean;
  readonly contentType: string;
  families(maxModelLen: number): readonly FamilySpec[];
  /** Labels on every series of a rank, before any family's own. */
  baseLabels(e: EngineView): Labels;
  /** `sorted`: prometheus_client multiprocess (le among the others); `le-last`: appended. */
  readonly labelOrder: 'sorted' | 'le-last';
  readonly histogramLayout: 'buckets-count-sum' | 'sum-buckets-count' | 'buckets-sum-count';
  /** prometheus_client's `<name>_created` gauges for counters and histograms. */
  readonly created: boolean;
  readonly le: (bound: number) => string;
  /** metrics-exporter-prometheus ends every family with a blank line. */
  readonly blankLineAfterFamily: boolean;
  /** Leave out counters and histograms nothing was recorded in yet (Rust `metrics`). */
  readonly omitUntouched: boolean;
  readonly health: { readonly ok: string; readonly down: string; readonly contentType: string };
  /** `owned_by` of the OpenAI `/v1/models` answer, when the engine serves one here. */
  readonly modelsOwnedBy?: string;
}

/** Python's `repr(float)`: `1.0`, `0.075`, `2560.0`. */
export function pyFloat(v: number): string {
  return Number.isInteger(v) && Math.abs(v) < 1e16 ? `${v}.0` : String(v);
}

/** Rust's `f64` Display as the Prometheus exporter prints `le`: `128`, `15.330000000000002`. */
export function rustFloat(v: number): string {
  return String(v);
}

/** vLLM's `build_1_2_5_buckets(max_value)`: 1, 2, 5, 10, 20, 50, … while ≤ max_value. */
export function buckets125(max: number): number[] {
  const out: number[] = [];
  for (let exp = 1; ; exp *= 10) {
    for (const m of [1, 2, 5]) {
      const v = m * exp;
      if (v > max) return out;
      out.push(v);
    }
  }
}

/** `start × factor^k` for k = 1..n, by repeated multiplication (as TGI's router computes them). */
export function geometric(start: number, factor: number, n: number): number[] {
  const out: number[] = [];
  let v = start;
  while (out.length < n) {
    v *= factor;
    out.push(v);
  }
  return out;
}

/** Counter or gauge read from one engine's counters. */
export const fromCounter =
  (name: Parameters<EngineStats['add']>[0]) =>
  (e: EngineView): number =>
    e.stats.counters[name];
