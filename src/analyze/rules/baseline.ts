/**
 * @module analyze/rules/baseline
 * A learnt baseline per series and deviations from it.
 *
 * Choice: a robust EWMA, not median/MAD over a reservoir. The first
 * min(warmup, 32) samples seed the centre and spread with their median and
 * MAD (× 1.4826, so the spread reads as a standard deviation under a normal
 * law); from then on every sample moves them with Huber-clipped updates:
 *   r = v − centre,  s = max(spread, floor)
 *   centre += a · clamp(r, ±min(k, 2)·s)
 *   spread += a · (√(π/2) · min(|r|, k·s) − spread)
 * (√(π/2) turns a mean absolute deviation into a standard deviation under a
 * normal law). Clipping keeps one outlier, or the start of an incident, from
 * dragging the baseline; a lasting change is still learnt, at a bounded pace.
 * `a = 1 − 2^(−Δt / half_life)` is time-based, so irregular sampling adapts at
 * the configured pace; during the warm-up a ≥ 1/n so the first samples
 * average rather than crawl. O(1) time and memory per sample, nothing
 * allocated: a reservoir median would cost O(log n) and a buffer per series.
 */
import { num, pct } from '../../core/humanize.js';
import type { BaselineRuleConfig } from '../../config/rules/baseline.js';
import { LEVEL, type EvaluatorFactory, type Explanation, type Level, type SeriesEvaluator, type Subject } from './evaluator.js';
import { quantity } from './quantity.js';

/** Samples whose median/MAD seed the baseline (or the warm-up, if shorter). */
const SEED_MAX = 32;
/** MAD → standard deviation under a normal law. */
const MAD_TO_SIGMA = 1.4826;
/** Mean absolute deviation → standard deviation under a normal law: √(π/2). */
const MEAN_ABS_TO_SIGMA = Math.sqrt(Math.PI / 2);
/** Huber's clip for the centre, in spreads (never past k). */
const HUBER = 2;
/**
 * No single sample weighs more than this, however long the gap before it
 * (a restart after a day off must not replace the baseline with one sample).
 */
const ALPHA_MAX = 0.1;
/** The spread never falls under this share of |centre|, nor under `min_change / k` of it. */
const FLOOR_REL = 0.001;
/** …nor under this absolute figure, so a series flat at 0 has a spread at all. */
const FLOOR_ABS = 1e-9;
/** Restored figures past this are not a baseline of a real series. */
const MAX_ABS = 1e100;
const MAX_LEARNT = 1e12;

export type BaselineStateName = 'warming_up' | 'ready' | 'frozen';

/** What the baseline has learnt, for status. */
export interface BaselineState {
  readonly state: BaselineStateName;
  readonly learnt: number;
  readonly warmup: number;
  /** Absent until the seed samples are in. */
  readonly centre?: number;
  readonly spread?: number;
}

/** Persisted form: a learnt baseline, or the seed samples gathered so far. */
type Saved = { v: 1; centre: number; spread: number; learnt: number; t: number | null } | { v: 1; seed: number[]; t: number | null };

class BaselineEvaluator implements SeriesEvaluator {
  private readonly level: Level;
  private readonly seedSize: number;
  private readonly seed: Float64Array;
  private readonly floorRel: number;
  private readonly huber: number;
  private readonly lnHalf: number;
  private centre = NaN;
  private spread = NaN;
  private learnt = 0;
  private frozen = false;
  private lastT = -Infinity;
  private lastDt = NaN;
  private lastAlpha = 0;
  private run = 0;
  private current: Level = 0;
  private lastV = NaN;
  private lastZ = 0;

  constructor(
    private readonly spec: BaselineRuleConfig,
    private readonly subject: Subject,
  ) {
    this.level = LEVEL[spec.severity ?? 'warning'];
    this.seedSize = Math.min(spec.warmup, SEED_MAX);
    this.seed = new Float64Array(this.seedSize);
    this.floorRel = Math.max(FLOOR_REL, spec.min_change / spec.k);
    this.huber = Math.min(spec.k, HUBER);
    this.lnHalf = Math.LN2 / (spec.half_life * 1000);
  }

  update(t: number, v: number): Level {
    if (!(t > this.lastT) || !Number.isFinite(v)) return this.current;
    const dt = this.lastT === -Infinity ? 0 : t - this.lastT;
    this.lastT = t;
    this.lastV = v;
    if (this.learnt < this.seedSize && Number.isNaN(this.centre)) {
      this.seed[this.learnt++] = v;
      if (this.learnt === this.seedSize) this.seedFromMedian();
      return (this.current = 0);
    }
    const c = this.centre;
    const r = v - c;
    const s = this.effectiveSpread();
    const z = r / s;
    this.lastZ = z;
    const ready = this.learnt >= this.spec.warmup;
    if (ready && this.deviates(r, z, c)) this.run++;
    else this.run = 0;
    if (!this.frozen) this.learn(dt, r, s);
    return (this.current = ready && this.run >= this.spec.samples ? this.level : 0);
  }

  private deviates(r: number, z: number, c: number): boolean {
    const dir = this.spec.direction;
    if (dir === 'above' ? r <= 0 : dir === 'below' ? r >= 0 : r === 0) return false;
    if (Math.abs(z) <= this.spec.k) return false;
    return c === 0 || Math.abs(r) >= this.spec.min_change * Math.abs(c);
  }

  private learn(dt: number, r: number, s: number): void {
    let a: number;
    if (dt === this.lastDt) a = this.lastAlpha;
    else {
      a = Math.min(ALPHA_MAX, -Math.expm1(-dt * this.lnHalf));
      this.lastDt = dt;
      this.lastAlpha = a;
    }
    this.learnt++;
    if (this.learnt <= this.spec.warmup && a < 1 / this.learnt) a = 1 / this.learnt;
    const hc = this.huber * s;
    this.centre += a * (r > hc ? hc : r < -hc ? -hc : r);
    const ar = Math.abs(r);
    const hs = this.spec.k * s;
    this.spread += a * (MEAN_ABS_TO_SIGMA * (ar > hs ? hs : ar) - this.spread);
  }

  private effectiveSpread(): number {
    const floor = Math.max(this.floorRel * Math.abs(this.centre), FLOOR_ABS);
    return this.spread > floor ? this.spread : floor;
  }

  /** Median and MAD of the seed samples (sorted in place: they are not needed again). */
  private seedFromMedian(): void {
    const xs = this.seed;
    xs.sort();
    const med = medianOfSorted(xs);
    for (let i = 0; i < xs.length; i++) xs[i] = Math.abs(xs[i]! - med);
    xs.sort();
    this.centre = med;
    this.spread = MAD_TO_SIGMA * medianOfSorted(xs);
  }

  setAlerting(alerting: boolean): void {
    this.frozen = alerting;
  }

  describe(): BaselineState {
    const state: BaselineStateName = this.learnt < this.spec.warmup ? 'warming_up' : this.frozen ? 'frozen' : 'ready';
    const base = { state, learnt: this.learnt, warmup: this.spec.warmup };
    return Number.isNaN(this.centre) ? base : { ...base, centre: this.centre, spread: this.effectiveSpread() };
  }

  explain(): Explanation {
    const { display, unit } = this.subject;
    const v = this.lastV;
    const c = this.centre;
    const q = (x: number): string => quantity(x, unit);
    const learning = this.learnt < this.spec.warmup;
    const detail = {
      centre: c,
      spread: Number.isNaN(c) ? NaN : this.effectiveSpread(),
      spreads: this.lastZ,
      learnt: this.learnt,
      state: this.describe().state,
    };
    if (learning) {
      return { value: v, reference: c, message: `${display} baseline warming up: ${this.learnt} of ${this.spec.warmup} samples learnt`, detail };
    }
    if (this.current === 0) {
      return { value: v, reference: c, message: `${display} back to ${q(v)} (baseline ${q(c)})`, detail };
    }
    const side = v > c ? 'above' : 'below';
    let how: string;
    if (c > 0 && v / c >= 2) how = `${num(v / c)}×`;
    else if (c > 0) how = `${pct(Math.abs(v - c) / c)} ${side}`;
    else how = `${q(Math.abs(v - c))} ${side}`;
    const message = `${display} ${q(v)} is ${how} its baseline ${q(c)} (${num(Math.abs(this.lastZ))} spreads ${side})`;
    return { value: v, reference: c, message, detail };
  }

  save(): Saved {
    const t = Number.isFinite(this.lastT) ? this.lastT : null;
    if (Number.isNaN(this.centre)) return { v: 1, seed: Array.from(this.seed.subarray(0, this.learnt)), t };
    return { v: 1, centre: this.centre, spread: this.spread, learnt: this.learnt, t };
  }

  restore(state: unknown): boolean {
    const s = parseSaved(state, this.seedSize);
    if (s === undefined) return false;
    this.lastT = s.t ?? -Infinity;
    this.lastDt = NaN;
    this.run = 0;
    this.current = 0;
    this.lastZ = 0;
    if ('seed' in s) {
      this.centre = NaN;
      this.spread = NaN;
      this.learnt = s.seed.length;
      this.seed.set(s.seed);
      if (this.learnt === this.seedSize) this.seedFromMedian();
    } else {
      this.centre = s.centre;
      this.spread = s.spread;
      this.learnt = s.learnt;
    }
    return true;
  }
}

function medianOfSorted(xs: Float64Array): number {
  const mid = xs.length >> 1;
  return xs.length % 2 === 1 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
}

const isNum = (x: unknown, min: number, max: number): x is number => typeof x === 'number' && Number.isFinite(x) && x >= min && x <= max;

/** What `save` wrote, read back as hostile input: undefined unless every field is as `save` writes it. */
function parseSaved(x: unknown, seedSize: number): Saved | undefined {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return undefined;
  const o = x as Record<string, unknown>;
  if (o.v !== 1) return undefined;
  const t = o.t === null ? null : isNum(o.t, 0, 1e15) ? o.t : undefined;
  if (t === undefined) return undefined;
  if ('seed' in o) {
    const seed = o.seed;
    if (!Array.isArray(seed) || seed.length > seedSize) return undefined;
    const out: number[] = [];
    // an index loop, not every(): every() skips the holes of a sparse array
    for (let i = 0; i < seed.length; i++) {
      const e: unknown = seed[i];
      if (!isNum(e, -MAX_ABS, MAX_ABS)) return undefined;
      out.push(e);
    }
    return { v: 1, seed: out, t };
  }
  const { centre, spread, learnt } = o;
  if (!isNum(centre, -MAX_ABS, MAX_ABS) || !isNum(spread, 0, MAX_ABS)) return undefined;
  if (!isNum(learnt, 1, MAX_LEARNT) || !Number.isInteger(learnt)) return undefined;
  return { v: 1, centre, spread, learnt, t };
}

/**
 * One evaluator per (baseline rule, series).
 * @example
 * const ev = createBaselineEvaluator(v.parse(baselineRuleSchema, { kind: 'baseline', metric: 'ttft_ms_p95' }), subject);
 * ev.update(Date.now(), 780);
 */
export const createBaselineEvaluator: EvaluatorFactory<BaselineRuleConfig> = (spec, subject) => new BaselineEvaluator(spec, subject);

/** The learnt state behind a baseline evaluator, for status; undefined for any other evaluator. */
export function describeBaseline(evaluator: SeriesEvaluator): BaselineState | undefined {
  return evaluator instanceof BaselineEvaluator ? evaluator.describe() : undefined;
}
