/**
 * @module analyze/slo/tracker
 * Service-level objectives on LLM engines, alerted on error-budget burn as in
 * Google's SRE workbook, ch. 5 "Alerting on SLOs" (multiwindow, multi-burn-rate
 * alerts): an alert fires when the burn rate over both the long and the short
 * window of a `burn_rates` entry exceeds its factor.
 *
 * Per SLO rule and engine, each tick reads the engine's cumulative histogram
 * and request counters and keeps, since the agent started, how many requests
 * met each criterion and how many there were. Histograms give each criterion's
 * share alone, never the joint one, so the share of good requests is taken as
 * the smallest share over the criteria: an upper bound on the true joint share
 * (a request may be slow to its first token and between tokens). Counts are
 * kept at a few points in time (every 10 s for windows up to 6 h, every 5 min
 * or coarser beyond) so any window ending now is one subtraction.
 *
 * burn rate over W = (bad / total over W) / (1 − objective)
 * budget left over the period = 1 − (bad / total over the period) / (1 − objective),
 * not clamped: −0.5 says the budget is overspent by half of it.
 */
import { humanDuration, num, pct } from '../../core/humanize.js';
import type { AlertSeverity } from '../../core/severity.js';
import type { Sample } from '../../core/types.js';
import type { SloRuleConfig } from '../../config/rules/index.js';
import type { SeriesReader } from '../../store/series.js';
import type { EngineSource } from '../engines/derive.js';
import { detectFlavor } from '../engines/flavor.js';
import { FLAVOR_MAPPINGS } from '../engines/flavors/index.js';
import type { Finding, Recovery } from '../finding.js';
import { criteriaOf, CriterionCounts, type Criterion } from './counts.js';
import { defaultSloName, describeCriteria, promDuration } from './describe.js';
import { CountRing } from './ring.js';

/** Burn rates as samples (label `window`). */
export const SLO_BURN_METRIC = 'slo_error_budget_burn_rate';

/**
 * The metric an SLO alert names: the unified engine metric its one criterion
 * is about (so its alertname reads `TtftErrorBudgetBurn`), `slo` for several.
 */
const CRITERION_METRIC: Readonly<Record<Criterion['kind'], string>> = { ttft: 'ttft_ms', tpot: 'tpot_ms', latency: 'request_latency_ms', errors: 'request_error_rate' };
export const SLO_SAMPLE = {
  objective: 'slo_objective',
  goodRatio: 'slo_good_ratio',
  budgetLeft: 'slo_error_budget_remaining',
  burn: SLO_BURN_METRIC,
} as const;

/** Spacing of the fine points: 10 s, finer for windows under 5 min (a 30th of the shortest), never under 1 s. */
const FINE_STEP_MS = 10_000;
const FINE_SPAN_MS = 6 * 3_600_000;
/** Points a fine ring holds at most. */
const FINE_POINTS = 4000;
const COARSE_STEP_MS = 300_000;
/** Points a coarse ring holds at most; a longer period spaces them further apart. */
const COARSE_POINTS = 10_000;
const SEVERITY_RANK: Readonly<Record<AlertSeverity, number>> = { info: 1, warning: 2, critical: 3 };

interface BurnEntry {
  readonly longMs: number;
  readonly shortMs: number;
  readonly factor: number;
  readonly severity: AlertSeverity;
}

interface Slo {
  readonly name: string;
  readonly engine: string | undefined;
  readonly objective: number;
  readonly criteria: readonly Criterion[];
  readonly description: string;
  readonly periodMs: number;
  readonly burnRates: readonly BurnEntry[];
  /** Every window any entry names, shortest first. */
  readonly windowsMs: readonly number[];
}

/** What a window of an SLO shows now. */
export interface WindowFigures {
  /** ms of data the window covers (less than asked while the agent has run less long). */
  readonly observedMs: number;
  /** Requests in the window (the largest count over the criteria). */
  readonly requests: number;
  /** Share of requests that were bad; undefined with no request. */
  readonly badRatio: number | undefined;
}

export interface SloStatus {
  readonly slo: string;
  readonly engine: string;
  /** "TTFT ≤ 500 ms and TPOT ≤ 100 ms" */
  readonly description: string;
  readonly objective: number;
  readonly periodSeconds: number;
  /** Seconds of the period observed so far. */
  readonly observedSeconds: number;
  /** Share of good requests over the period (so far); undefined with no request. */
  readonly goodRatio: number | undefined;
  /** 1 = untouched, 0 = spent, below 0 = overspent. */
  readonly budgetLeft: number | undefined;
  readonly burnRates: readonly { readonly window: string; readonly seconds: number; readonly burnRate: number | undefined }[];
  /** Severity of the alert firing now. */
  readonly firing: AlertSeverity | undefined;
  /** Why the SLO is counted differently from what it says (a target that is not a bucket bound). */
  readonly warnings: readonly string[];
}

class Track {
  readonly counts: CriterionCounts[];
  /** good, total per criterion. */
  readonly current: Float64Array;
  readonly fine: CountRing;
  readonly coarse: CountRing;
  startedAt: number | undefined;
  /** The entry firing after the last evaluation, and its long window's burn. */
  firing: BurnEntry | undefined;

  constructor(
    readonly slo: Slo,
    readonly engine: string,
  ) {
    this.counts = slo.criteria.map((c) => new CriterionCounts(c));
    this.current = new Float64Array(2 * slo.criteria.length);
    const longest = Math.max(slo.periodMs, ...slo.windowsMs);
    const fineSpan = Math.min(FINE_SPAN_MS, Math.max(...slo.windowsMs));
    const fineStep = Math.max(1000, Math.min(FINE_STEP_MS, Math.floor(slo.windowsMs[0]! / 30)), Math.ceil(fineSpan / FINE_POINTS));
    this.fine = new CountRing(this.current.length, fineStep, fineSpan);
    this.coarse = new CountRing(this.current.length, Math.max(COARSE_STEP_MS, Math.ceil(longest / COARSE_POINTS)), longest);
  }

  advance(at: number, read: SeriesReader, src: EngineSource): void {
    const flavor = src.flavor ?? detectFlavor(src.families.keys());
    if (flavor !== undefined) {
      const mapping = FLAVOR_MAPPINGS[flavor];
      for (const c of this.counts) c.read(read, { job: src.name }, mapping);
    }
    for (let i = 0; i < this.counts.length; i++) {
      this.current[2 * i] = this.counts[i]!.good.total;
      this.current[2 * i + 1] = this.counts[i]!.total.total;
    }
    this.startedAt ??= at;
    this.fine.offer(at, this.current);
    this.coarse.offer(at, this.current);
  }

  window(at: number, ms: number): WindowFigures {
    const ring = ms <= FINE_SPAN_MS && this.fine.size > 0 && ms <= (this.fine.capacity - 2) * this.fine.stepMs ? this.fine : this.coarse;
    const pos = ring.find(at - ms);
    if (pos < 0) return { observedMs: 0, requests: 0, badRatio: undefined };
    let requests = 0;
    let bad: number | undefined;
    for (let i = 0; i < this.counts.length; i++) {
      const total = this.current[2 * i + 1]! - ring.valueAt(pos, 2 * i + 1);
      if (!(total > 0)) continue;
      const good = this.current[2 * i]! - ring.valueAt(pos, 2 * i);
      const b = Math.min(1, Math.max(0, (total - good) / total));
      bad = bad === undefined ? b : Math.max(bad, b);
      requests = Math.max(requests, total);
    }
    return { observedMs: Math.min(ms, at - ring.timeAt(pos)), requests, badRatio: bad };
  }

  burn(at: number, ms: number): number | undefined {
    const w = this.window(at, ms);
    return w.badRatio === undefined ? undefined : w.badRatio / (1 - this.slo.objective);
  }
}

export class SloTracker {
  private readonly _slos: Slo[];
  /** SLO index → engine → track. Bounded by rules × configured engines. */
  private readonly _tracks = new Map<Slo, Map<string, Track>>();
  private _recoveries: Recovery[] = [];
  private _lastAt: number | undefined;

  /** @param rules the config's `rules`; those of kind `slo` and enabled are tracked */
  constructor(rules: readonly { readonly kind: string }[]) {
    this._slos = rules.filter((r): r is SloRuleConfig => r.kind === 'slo' && (r as SloRuleConfig).enabled).map(resolve);
  }

  get size(): number {
    return this._slos.length;
  }

  /**
   * Advances every SLO over the engines' counters at `at` and returns the
   * burn-rate alerts that hold. Recoveries of alerts that stopped are in `recoveries()`.
   */
  evaluate(at: number, read: SeriesReader, engines: readonly EngineSource[]): Finding[] {
    const out: Finding[] = [];
    const recovered: Recovery[] = [];
    this._lastAt = at;
    for (const slo of this._slos) {
      let byEngine = this._tracks.get(slo);
      if (byEngine === undefined) this._tracks.set(slo, (byEngine = new Map<string, Track>()));
      for (const src of engines) {
        if (slo.engine !== undefined && slo.engine !== src.name) continue;
        let track = byEngine.get(src.name);
        if (track === undefined) byEngine.set(src.name, (track = new Track(slo, src.name)));
        track.advance(at, read, src);
        const was = track.firing;
        track.firing = firingEntry(track, at);
        if (track.firing !== undefined) out.push(finding(track, track.firing, at));
        else if (was !== undefined) recovered.push(recovery(track, was, at));
      }
    }
    this._recoveries = recovered;
    return out;
  }

  /** Alerts of the last evaluation that had fired on the one before and no longer do. */
  recoveries(): readonly Recovery[] {
    return this._recoveries;
  }

  /** Per SLO and engine: objective, good share and budget left over the period, burn rate per window. */
  status(at = this._lastAt ?? 0): SloStatus[] {
    const out: SloStatus[] = [];
    for (const [slo, byEngine] of this._tracks) {
      for (const t of byEngine.values()) {
        const period = t.window(at, slo.periodMs);
        const warnings = t.counts.flatMap((c) => (c.warning === undefined ? [] : [c.warning]));
        out.push({
          slo: slo.name,
          engine: t.engine,
          description: slo.description,
          objective: slo.objective,
          periodSeconds: slo.periodMs / 1000,
          observedSeconds: period.observedMs / 1000,
          goodRatio: period.badRatio === undefined ? undefined : 1 - period.badRatio,
          budgetLeft: period.badRatio === undefined ? undefined : 1 - period.badRatio / (1 - slo.objective),
          burnRates: slo.windowsMs.map((ms) => ({ window: promDuration(ms), seconds: ms / 1000, burnRate: t.burn(at, ms) })),
          firing: t.firing?.severity,
          warnings,
        });
      }
    }
    return out;
  }

  /** The figures of `status` as samples for the store and /metrics (labels engine, slo; burn rates also window). */
  samples(at: number): Sample[] {
    const out: Sample[] = [];
    for (const s of this.status(at)) {
      const labels = { engine: s.engine, slo: s.slo, component: s.engine };
      out.push({ name: SLO_SAMPLE.objective, labels, t: at, v: s.objective });
      if (s.goodRatio !== undefined) out.push({ name: SLO_SAMPLE.goodRatio, labels, t: at, v: s.goodRatio });
      if (s.budgetLeft !== undefined) out.push({ name: SLO_SAMPLE.budgetLeft, labels, t: at, v: s.budgetLeft });
      for (const b of s.burnRates) if (b.burnRate !== undefined) out.push({ name: SLO_SAMPLE.burn, labels: { ...labels, window: b.window }, t: at, v: b.burnRate });
    }
    return out;
  }
}

function resolve(r: SloRuleConfig): Slo {
  const criteria = criteriaOf(r);
  const burnRates = r.burn_rates.map((b) => ({ longMs: b.long * 1000, shortMs: b.short * 1000, factor: b.factor, severity: b.severity }));
  const windows = new Set<number>();
  for (const b of burnRates) windows.add(b.longMs).add(b.shortMs);
  return {
    name: r.name ?? defaultSloName(criteria),
    engine: r.engine,
    objective: r.objective,
    criteria,
    description: describeCriteria(criteria),
    periodMs: r.period * 1000,
    burnRates,
    windowsMs: [...windows].sort((a, b) => a - b),
  };
}

/**
 * The most severe entry whose long and short windows both burn faster than its
 * factor. The short window must be full (a burst in the first minutes is not a
 * 5-minute burn); the long one uses what there is while the agent is young.
 */
function firingEntry(t: Track, at: number): BurnEntry | undefined {
  let best: BurnEntry | undefined;
  for (const e of t.slo.burnRates) {
    const short = t.window(at, e.shortMs);
    if (short.observedMs < e.shortMs || short.badRatio === undefined) continue;
    const longBurn = t.burn(at, e.longMs);
    const shortBurn = short.badRatio / (1 - t.slo.objective);
    if (longBurn === undefined || !(longBurn > e.factor) || !(shortBurn > e.factor)) continue;
    if (best === undefined || SEVERITY_RANK[e.severity] > SEVERITY_RANK[best.severity]) best = e;
  }
  return best;
}

function keyOf(t: Track): string {
  return `slo:${t.slo.name}:${t.engine}`;
}

function sloPhrase(t: Track): string {
  return `${t.slo.description} SLO (${pct(t.slo.objective)})`;
}

function finding(t: Track, e: BurnEntry, at: number): Finding {
  const longBurn = t.burn(at, e.longMs) ?? 0;
  const shortBurn = t.burn(at, e.shortMs) ?? 0;
  const period = t.window(at, t.slo.periodMs);
  const left = period.badRatio === undefined ? 1 : 1 - period.badRatio / (1 - t.slo.objective);
  return {
    key: keyOf(t),
    kind: 'slo',
    severity: e.severity,
    component: t.engine,
    metric: t.slo.criteria.length === 1 ? CRITERION_METRIC[t.slo.criteria[0]!.kind] : 'slo',
    value: longBurn,
    threshold: e.factor,
    message:
      `${t.engine} burns its ${sloPhrase(t)} error budget at ${num(longBurn)}× over ${humanDuration(e.longMs)} ` +
      `and ${num(shortBurn)}× over ${humanDuration(e.shortMs)}: ${budgetPhrase(left)}`,
    metadata: {
      slo: t.slo.name,
      objective: t.slo.objective,
      long_window_s: e.longMs / 1000,
      short_window_s: e.shortMs / 1000,
      long_burn_rate: longBurn,
      short_burn_rate: shortBurn,
      budget_left: left,
    },
    labels: { engine: t.engine, slo: t.slo.name },
    rule: t.slo.name,
  };
}

function budgetPhrase(left: number): string {
  return left >= 0 ? `${pct(left)} of the budget left` : `the budget is overspent by ${pct(-left)}`;
}

/** Said of the window that stopped exceeding the factor (the short one when both did). */
function recovery(t: Track, e: BurnEntry, at: number): Recovery {
  const short = t.burn(at, e.shortMs) ?? 0;
  const [burn, ms] = short <= e.factor ? [short, e.shortMs] : [t.burn(at, e.longMs) ?? 0, e.longMs];
  return { key: keyOf(t), value: burn, message: `${t.engine}'s ${sloPhrase(t)} burn back to ${num(burn)}× (${humanDuration(ms)})` };
}
