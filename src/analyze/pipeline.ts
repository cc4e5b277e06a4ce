/**
 * @module analyze/pipeline
 * The pipeline step of one tick: `evaluate(at, batches) → { snapshot, findings }`.
 * It writes what the collectors produced into the store, derives the recording
 * series (target rates, unified engine metrics) from the store and writes them
 * back, records the tick's snapshot as a view over the store, and evaluates
 * every rule. The same inputs at the same time give the same findings, so the
 * live loop and a ManualClock in tests run the same code. The alert log
 * (alert/) turns the findings into events.
 */
import type { PerformanceMetrics } from '../core/snapshot.js';
import type { Sample } from '../core/types.js';
import type { EchoPerfConfig } from '../config/index.js';
import { collectorSource, ENGINES_SOURCE } from '../store/collections.js';
import { RefList } from '../store/refs.js';
import type { SeriesOrigin, SeriesStore } from '../store/series.js';
import { deriveFromScrapes } from './derive.js';
import { deriveEngines, engineStalls } from './engines/tick.js';
import type { Finding, Recovery } from './finding.js';
import { deriveGpu } from './gpu/index.js';
import { evaluateRules } from './rules.js';
import { activeRules } from './rules/active.js';
import { RuleEngine } from './rules/engine.js';
import { LlmServing } from './slo/index.js';
import type { SnapshotHistory } from './snapshot/history.js';
import { deriveSources, engineSources, freshTargetHealth, type TargetInfo } from './sources.js';
import type { Freshness } from './staleness.js';
import type { PerformanceThresholds } from './thresholds.js';

/** What one collector produced in a tick. */
export interface CollectedBatch {
  /** The collector's name. */
  readonly source: string;
  /** Its series' origin: `collector:<name>`, `push:<name>`, `pull:<name>`. */
  readonly origin: string;
  /** Whose series budget new series count against. */
  readonly budget: SeriesOrigin;
  readonly samples: readonly Sample[];
}

export interface PipelineOptions {
  readonly store: SeriesStore;
  readonly history: SnapshotHistory;
  readonly config: Readonly<EchoPerfConfig>;
  /** Read at every tick: the thresholds and the interval may change at run time. */
  readonly thresholds: () => PerformanceThresholds;
  readonly intervalMs: () => number;
  /** Scrape targets by name, in configuration order. */
  readonly targets: () => ReadonlyMap<string, TargetInfo>;
  /** Whether a component is still registered (staleness forgets the others). */
  readonly isCollector: (name: string) => boolean;
  /** Conditions raised from outside the data (an unwritable stats dir), evaluated every tick. */
  readonly conditions: () => Iterable<Finding>;
  /** An engine's process ids on this host, where known (for the GPUs serving it). */
  readonly enginePids?: (engine: string) => readonly string[] | undefined;
}

export interface Evaluation {
  snapshot: PerformanceMetrics;
  findings: Finding[];
  /** Rule conditions that stopped holding this tick, said the way a person would. */
  recoveries: Recovery[];
}

const DERIVED = { origin: 'derived' } as const;

export class Pipeline {
  private readonly _tick = new RefList();
  private readonly _one = new RefList();
  /** Per component: time of its newest sample (for staleness). */
  private readonly _lastSeen = new Map<string, number>();
  private _freshness: ReadonlyMap<string, Freshness> = new Map();
  /** The per-series rules (threshold, trend, baseline, …). */
  readonly rules: RuleEngine;
  /** The thresholds the rules were last built from: run-time changes rebuild them at the next tick. */
  private _builtFrom: string;

  /** Goodput, tokens per joule and SLOs of the LLM engines. */
  readonly llm: LlmServing;

  private readonly _pidsOf: (engine: string) => readonly string[] | undefined;

  constructor(private readonly _o: PipelineOptions) {
    this._pidsOf = _o.enginePids ?? (() => undefined);
    this.llm = new LlmServing(_o.config, this._pidsOf);
    const t = _o.thresholds();
    this._builtFrom = JSON.stringify(t);
    this.rules = new RuleEngine(activeRules(_o.config, t));
  }

  /** Per component seen: active or stale, as of the last evaluation. */
  get freshness(): ReadonlyMap<string, Freshness> {
    return this._freshness;
  }

  evaluate(at: number, batches: readonly CollectedBatch[]): Evaluation {
    const { store, config: c } = this._o;
    this._tick.clear();
    const collected: Sample[] = [];
    const seen = new Set<string>();
    for (const b of batches) {
      this._one.clear();
      store.append(b.samples, { budget: b.budget, depth: 'history', meta: { origin: b.origin }, refs: this._one });
      const refs = this._one.freeze();
      store.collections.set(collectorSource(b.source), { at, ...refs });
      seen.add(collectorSource(b.source));
      this._tick.pushAll(refs);
      for (const s of b.samples) collected.push(s);
    }
    store.collections.retain((s) => !s.startsWith('collector:') || seen.has(s));

    const windowMs = c.rate_window * 1000;
    const targets = this._o.targets();
    const engines = engineSources(c, store.collections, targets);
    // Rates of a target's own series are as many as the target makes: they share its budget.
    const targetRates = deriveFromScrapes(store, deriveSources(c, store.collections, targets), at, windowMs);
    store.append(targetRates, { budget: 'external', depth: 'history', meta: DERIVED, refs: this._tick });
    this._one.clear();
    store.append(deriveEngines(store, engines, at, windowMs), { depth: 'history', meta: DERIVED, refs: this._one });
    // GPU figures join the engine figures' collection: /metrics shows the last tick's, nothing older.
    const live = new Set(engines.map((e) => e.name));
    const gpu = deriveGpu(store, c.engines.filter((e) => live.has(e.name)), at, windowMs, this._pidsOf);
    store.append(gpu.samples, { depth: 'history', meta: DERIVED, refs: this._one });
    const serving = this.llm.evaluate(at, store, engines, windowMs, gpu);
    store.append(serving.samples, { depth: 'history', meta: DERIVED, refs: this._one });
    const engineRefs = this._one.freeze();
    store.collections.set(ENGINES_SOURCE, { at, ...engineRefs });
    this._tick.pushAll(engineRefs);
    freshTargetHealth(store, targets, at, this._tick);
    const view = this._o.history.record(at, this._tick.freeze());

    this._see(collected);
    const thresholds = this._o.thresholds();
    const now = JSON.stringify(thresholds);
    if (now !== this._builtFrom) {
      this._builtFrom = now;
      this.rules.setRules(activeRules(c, thresholds));
    }
    this.rules.evaluate(at, store, (name, labels) => store.metaOf(store.idOf(name, labels))?.origin);
    const ruled = this.rules.findings(at);
    const { findings, freshness } = evaluateRules({
      at,
      samples: collected,
      lastSeen: this._lastSeen,
      intervalMs: this._o.intervalMs(),
      staleAfterIntervals: c.stale_after_intervals,
      targets: targets.values(),
      targetKeepFiringForMs: c.alerting.target_keep_firing_for * 1000,
    });
    this._freshness = freshness;
    findings.push(...ruled.findings, ...this._o.conditions(), ...engineStalls(store, c, engines, at), ...serving.findings);
    return { snapshot: view.snapshot, findings, recoveries: [...ruled.recoveries, ...this.llm.recoveries()] };
  }

  private _see(collected: readonly Sample[]): void {
    for (const sample of collected) {
      const c = sample.labels['component'];
      if (c !== undefined && this._o.isCollector(c) && sample.t > (this._lastSeen.get(c) ?? -Infinity)) this._lastSeen.set(c, sample.t);
    }
    for (const c of this._lastSeen.keys()) if (!this._o.isCollector(c)) this._lastSeen.delete(c);
  }
}
