/**
 * @module analyze/rules/engine
 * Runs the per-series rules: one evaluator per (rule, series), created when
 * the series is first seen, forgotten once it has been silent for the
 * staleness period. Bounded: at most `maxSeriesPerRule` series per rule and
 * `maxEvaluators` in all; series past either are skipped and counted.
 *
 * Two ways in: `observe` (replay, benchmarks: a series seen before costs two
 * map lookups and its evaluators' `update`) and `evaluate` (the live tick:
 * each rule reads its series' latest samples from the store). `findings`
 * then says which conditions hold and which stopped holding.
 */
import { seriesKey } from '../../core/labels.js';
import { previewValue } from '../../core/preview.js';
import type { Labels } from '../../core/types.js';
import type { SeriesReader } from '../../store/series.js';
import type { Finding, Recovery } from '../finding.js';
import { severityOfLevel, type Level, type SeriesEvaluator, type Subject } from './evaluator.js';
import { factoryOf, KINDS, type KindRegistry } from './kinds.js';
import type { ResolvedRule } from './resolve.js';
import { selects } from './select.js';
import { titleOf } from './format.js';

/** Prometheus's staleness period: a series silent this long is gone. */
export const RULE_STALE_MS = 5 * 60_000;
export const MAX_SERIES_PER_RULE = 2000;
export const MAX_EVALUATORS = 50_000;
/** Saved states taken back per restore, at most. */
const MAX_RESTORED = MAX_EVALUATORS;

export interface RuleEngineOptions {
  readonly kinds?: KindRegistry;
  readonly staleMs?: number;
  readonly maxSeriesPerRule?: number;
  readonly maxEvaluators?: number;
}

interface Watch {
  readonly rule: RuleRun;
  /** The finding key: `rule:<rule name>:<series key>`. */
  readonly key: string;
  readonly series: string;
  readonly metric: string;
  readonly labels: Labels;
  readonly component: string;
  readonly ev: SeriesEvaluator;
  lastT: number;
  level: Level;
  /** The level the last `findings` reported. */
  reported: Level;
  dead: boolean;
}

interface RuleRun {
  readonly rule: ResolvedRule;
  readonly create: ((s: Subject) => SeriesEvaluator) | undefined;
  readonly bySeries: Map<string, Watch>;
}

/** Per metric name: the rules that watch it, and per series the watches already made. */
interface NameEntry {
  readonly runs: RuleRun[];
  /** Keyed by the caller's label object: replay hands the same object for a series every time. */
  byLabels: WeakMap<Labels, Watch[]>;
  readonly byKey: Map<string, Watch[]>;
}

export interface RuleEngineCounts {
  readonly rules: number;
  readonly evaluators: number;
  /** Series not watched because a bound was reached (since start). */
  readonly skippedSeries: number;
  /** Rules whose kind has no evaluator here. */
  readonly unavailableRules: number;
}

export class RuleEngine {
  private _runs: RuleRun[] = [];
  private readonly _byName = new Map<string, NameEntry>();
  private readonly _byKey = new Map<string, Watch>();
  private readonly _restored = new Map<string, unknown>();
  private readonly _kinds: KindRegistry;
  private readonly _staleMs: number;
  private readonly _perRule: number;
  private readonly _max: number;
  private _skipped = 0;
  private _lastSweep = -Infinity;
  /** Newest sample time observed: replay's clock for forgetting. */
  private _newest = -Infinity;

  constructor(rules: readonly ResolvedRule[], o: RuleEngineOptions = {}) {
    this._kinds = o.kinds ?? KINDS;
    this._staleMs = o.staleMs ?? RULE_STALE_MS;
    this._perRule = o.maxSeriesPerRule ?? MAX_SERIES_PER_RULE;
    this._max = o.maxEvaluators ?? MAX_EVALUATORS;
    this.setRules(rules);
  }

  get rules(): readonly ResolvedRule[] {
    return this._runs.map((r) => r.rule);
  }

  /** Whether a rule's kind has an evaluator here. */
  available(rule: ResolvedRule): boolean {
    return factoryOf(this._kinds, rule.spec) !== undefined;
  }

  counts(): RuleEngineCounts {
    return { rules: this._runs.length, evaluators: this._byKey.size, skippedSeries: this._skipped, unavailableRules: this._runs.filter((r) => r.create === undefined).length };
  }

  /**
   * Replaces the rule set. A rule whose name and meaning are unchanged keeps
   * its evaluators (and their state: hysteresis, windows, baselines).
   */
  setRules(rules: readonly ResolvedRule[]): void {
    const old = new Map(this._runs.map((r) => [r.rule.name, r]));
    this._runs = rules.map((rule) => {
      const prev = old.get(rule.name);
      if (prev !== undefined && prev.rule.signature === rule.signature) {
        old.delete(rule.name);
        return prev;
      }
      const factory = factoryOf(this._kinds, rule.spec);
      return { rule, create: factory === undefined ? undefined : (s: Subject) => factory(rule.spec, s), bySeries: new Map() };
    });
    for (const gone of old.values()) for (const w of gone.bySeries.values()) this._forget(w);
    this._byName.clear();
    for (const run of this._runs) {
      if (run.create === undefined) continue;
      const m = run.rule.selector.metric;
      let e = this._byName.get(m);
      if (e === undefined) this._byName.set(m, (e = { runs: [], byLabels: new WeakMap(), byKey: new Map() }));
      e.runs.push(run);
    }
  }

  /** Feeds one sample of series `name{labels}` to every rule that watches it (samples older than the series' last are ignored). */
  observe(name: string, labels: Labels, t: number, v: number): void {
    const e = this._byName.get(name);
    if (e === undefined) return;
    let ws = e.byLabels.get(labels);
    if (ws === undefined) ws = this._watchesOf(e, name, labels);
    if (t > this._newest) this._newest = t;
    for (let i = 0; i < ws.length; i++) {
      const w = ws[i]!;
      if (w.dead) {
        e.byLabels = new WeakMap();
        e.byKey.clear();
        this.observe(name, labels, t, v);
        return;
      }
      if (t <= w.lastT) continue;
      w.lastT = t;
      w.level = w.ev.update(t, v);
    }
  }

  /** The live path: each rule reads its series' latest samples and feeds those newer than what it saw. */
  evaluate(at: number, reader: Pick<SeriesReader, 'latest'>, originOf?: (name: string, labels: Labels) => string | undefined): void {
    for (const run of this._runs) {
      if (run.create === undefined) continue;
      const sel = run.rule.selector;
      for (const s of reader.latest(sel.metric, sel.exact)) {
        if (!selects(sel, s.labels)) continue;
        const series = seriesKey(s.name, s.labels);
        const w = run.bySeries.get(series) ?? this._watch(run, series, s.name, s.labels, originOf);
        if (w === undefined || s.t <= w.lastT) continue;
        w.lastT = s.t;
        w.level = w.ev.update(s.t, s.v);
      }
    }
    if (at > this._newest) this._newest = at;
  }

  /** What holds now, and what stopped holding since the last call. */
  findings(at: number = this._newest): { findings: Finding[]; recoveries: Recovery[] } {
    this._sweep(at);
    const findings: Finding[] = [];
    const recoveries: Recovery[] = [];
    for (const run of this._runs) {
      const staleMs = run.rule.staleAfterMs;
      for (const w of run.bySeries.values()) {
        const gone = staleMs > 0 && w.level !== 0 && at - w.lastT > staleMs;
        if (gone) w.level = 0;
        if (w.level === 0) {
          if (w.reported !== 0) {
            const x = w.ev.explain();
            const message = gone ? `${seriesKey(w.metric, w.labels)} no longer reported (no sample for ${Math.round((at - w.lastT) / 1000)} s)` : x.message;
            recoveries.push({ key: w.key, value: x.value, message });
          }
          w.reported = 0;
          continue;
        }
        w.reported = w.level;
        findings.push(this._finding(w));
      }
    }
    return { findings, recoveries };
  }

  /** Each evaluator with its rule and series, in rule order: what status reads (at most `limit`). */
  *evaluators(limit = Infinity): Generator<{ readonly rule: ResolvedRule; readonly key: string; readonly series: string; readonly evaluator: SeriesEvaluator }> {
    let n = 0;
    for (const run of this._runs) {
      for (const w of run.bySeries.values()) {
        if (n++ >= limit) return;
        yield { rule: run.rule, key: w.key, series: w.series, evaluator: w.ev };
      }
    }
  }

  /** Told when the alert of a finding key starts (true) or stops (false) firing. */
  alerting(key: string, firing: boolean): void {
    this._byKey.get(key)?.ev.setAlerting?.(firing);
  }

  /** `[finding key, JSON]` of every evaluator with state worth keeping. */
  saveState(): [string, string][] {
    const out: [string, string][] = [];
    for (const w of this._byKey.values()) {
      if (w.ev.save === undefined) continue;
      const s = w.ev.save();
      if (s !== undefined) out.push([w.key, JSON.stringify(s)]);
    }
    return out;
  }

  /**
   * Takes back saved states (read from disk: hostile). Each applies when its
   * series is next seen, or now if it is watched. Returns what was refused and why.
   */
  restoreState(entries: unknown): { restored: number; problems: string[] } {
    const problems: string[] = [];
    if (!Array.isArray(entries)) return { restored: 0, problems: [`state: got ${shown(entries)}; expected an array of [key, json] pairs`] };
    let restored = 0;
    for (let i = 0; i < entries.length && i < MAX_RESTORED; i++) {
      const e: unknown = entries[i];
      if (!Array.isArray(e) || e.length !== 2 || typeof e[0] !== 'string' || typeof e[1] !== 'string' || !e[0].startsWith('rule:') || e[0].length > 4096 || e[1].length > 65_536) {
        problems.push(`state[${i}]: got ${shown(e)}; expected a ["rule:<name>:<series>", "<json>"] pair`);
        continue;
      }
      let state: unknown;
      try {
        state = JSON.parse(e[1]);
      } catch {
        problems.push(`state[${i}][1]: got ${shown(e[1])}; expected JSON`);
        continue;
      }
      const w = this._byKey.get(e[0]);
      if (w !== undefined) {
        if (w.ev.restore?.(state) === true) restored++;
        else problems.push(`state[${i}][1]: got ${shown(e[1])}; expected a state the rule's evaluator takes back`);
        continue;
      }
      this._restored.set(e[0], state);
      restored++;
    }
    if (entries.length > MAX_RESTORED) problems.push(`state: got ${entries.length} entries; expected at most ${MAX_RESTORED}`);
    return { restored, problems };
  }

  private _watchesOf(e: NameEntry, name: string, labels: Labels): Watch[] {
    const series = seriesKey(name, labels);
    let ws = e.byKey.get(series);
    if (ws === undefined) {
      ws = [];
      let complete = true;
      for (const run of e.runs) {
        if (!selects(run.rule.selector, labels)) continue;
        const w = run.bySeries.get(series) ?? this._watch(run, series, name, labels);
        if (w === undefined) complete = false;
        else ws.push(w);
      }
      // A list missing a skipped series is not kept: the series is tried again once room is freed.
      if (complete) e.byKey.set(series, ws);
    }
    e.byLabels.set(labels, ws);
    return ws;
  }

  private _watch(run: RuleRun, series: string, metric: string, labels: Labels, originOf?: (name: string, labels: Labels) => string | undefined): Watch | undefined {
    if (run.bySeries.size >= this._perRule || this._byKey.size >= this._max) {
      this._skipped++;
      return undefined;
    }
    const rule = run.rule;
    const own: Record<string, string> = {};
    for (const k of Object.keys(labels)) if (k !== 'component') own[k] = labels[k]!;
    // "CPU usage" for the host's one series; `token_throughput{engine="vllm",…}` where labels tell series apart.
    const display = Object.keys(own).length === 0 ? titleOf(metric) : seriesKey(metric, own);
    const ev = run.create!({ metric, labels, display, unit: rule.unit });
    const key = `rule:${rule.name}:${series}`;
    const saved = this._restored.get(key);
    if (saved !== undefined) {
      this._restored.delete(key);
      ev.restore?.(saved);
    }
    const origin = originOf?.(metric, labels);
    const component = rule.spec.component ?? labels['component'] ?? labels['engine'] ?? (origin?.startsWith('collector:') === true ? origin.slice(10) : undefined) ?? 'unknown';
    const w: Watch = { rule: run, key, series, metric, labels: own, component, ev, lastT: -Infinity, level: 0, reported: 0, dead: false };
    run.bySeries.set(series, w);
    this._byKey.set(key, w);
    return w;
  }

  private _finding(w: Watch): Finding {
    const x = w.ev.explain();
    const r = w.rule.rule;
    const hasLabels = Object.keys(w.labels).length > 0;
    return {
      key: w.key,
      kind: r.kind,
      severity: severityOfLevel(w.level)!,
      component: w.component,
      metric: w.metric,
      value: x.value,
      threshold: x.reference,
      message: x.message,
      metadata: { ...x.detail, rule: r.name, ...(r.op !== undefined ? { op: r.op } : {}) },
      ...(hasLabels ? { labels: w.labels } : {}),
      rule: r.name,
      ...(r.forMs > 0 ? { forMs: r.forMs } : {}),
      ...(r.keepFiringForMs > 0 ? { keepFiringForMs: r.keepFiringForMs } : {}),
    };
  }

  /** Forgets series silent for the staleness period; runs at most ten times a period. */
  private _sweep(at: number): void {
    if (at - this._lastSweep < this._staleMs / 10) return;
    this._lastSweep = at;
    for (const run of this._runs) for (const w of run.bySeries.values()) if (at - w.lastT > this._staleMs && w.lastT !== -Infinity) this._forget(w);
    for (const e of this._byName.values()) {
      for (const [k, ws] of e.byKey) if (ws.some((w) => w.dead)) e.byKey.delete(k);
    }
  }

  private _forget(w: Watch): void {
    w.dead = true;
    w.rule.bySeries.delete(w.series);
    this._byKey.delete(w.key);
  }
}

/** A hostile value in a message: strings quoted, everything cut to ~100 characters. */
function shown(v: unknown): string {
  const p = previewValue(v);
  return typeof v === 'string' ? JSON.stringify(p) : String(p);
}
