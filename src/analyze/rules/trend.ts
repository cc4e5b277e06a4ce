/**
 * @module analyze/rules/trend
 * A least-squares line over the last `window` samples (or `window_seconds`),
 * kept incrementally: running sums over a ring of the window's samples, O(1)
 * a sample, the sums recomputed from the ring once per ring's worth of
 * samples so float drift stays bounded. The fitted change across the window,
 * b·(t₁ − t₀), is taken relative to the fitted start a + b·t₀ (not the mean:
 * "fell 22 %" means 22 % of where it started, so it can never exceed 100 %
 * for a fall). It fires when that change exceeds `threshold` in the bad
 * direction, the line explains at least `min_r2` of the variance, and the
 * window is full. A fitted start at or below zero, or below a thousandth of
 * the window's RMS, leaves the relative change undefined: the rule stays quiet.
 */
import { humanDuration, num, pct } from '../../core/humanize.js';
import type { TrendRuleConfig } from '../../config/rules/index.js';
import { LEVEL, type EvaluatorFactory, type Explanation, type Level, type SeriesEvaluator, type Subject } from './evaluator.js';

/** Most samples a `window_seconds` ring holds; past it the oldest leave early. */
export const MAX_TREND_SAMPLES = 100_000;
/** A fitted start smaller than this share of the window's RMS is too close to zero for a relative change. */
const TINY_START = 1e-3;

export interface Fit {
  n: number;
  slope: number;
  start: number;
  spanMs: number;
  /** Fitted change across the window relative to the fitted start; NaN when undefined. */
  rel: number;
  r2: number;
}

class TrendEvaluator implements SeriesEvaluator {
  private _ts: Float64Array;
  private _vs: Float64Array;
  private _head = 0;
  private _size = 0;
  private readonly _fixed: boolean;
  private readonly _windowMs: number;
  private readonly _level: Level;
  private readonly _sign: number;
  // Sums over (x, v), x = seconds since `_base`.
  private _base = NaN;
  private _sx = 0;
  private _sv = 0;
  private _sxx = 0;
  private _sxv = 0;
  private _svv = 0;
  private _sinceRecompute = 0;
  private _firstT = NaN;
  private _state: Level = 0;
  private readonly _fit: Fit = { n: 0, slope: 0, start: NaN, spanMs: 0, rel: NaN, r2: 0 };

  constructor(
    private readonly _spec: TrendRuleConfig,
    private readonly _s: Subject,
  ) {
    this._fixed = _spec.window_seconds === undefined;
    const cap = this._fixed ? (_spec.window ?? 10) : 64;
    this._ts = new Float64Array(cap);
    this._vs = new Float64Array(cap);
    this._windowMs = (_spec.window_seconds ?? 0) * 1000;
    this._level = LEVEL[_spec.severity ?? 'warning'];
    this._sign = _spec.better === 'higher' ? -1 : 1;
  }

  update(t: number, v: number): Level {
    if (!Number.isFinite(v)) return this._state;
    if (Number.isNaN(this._firstT)) this._firstT = t;
    if (this._size === this._ts.length && !this._grow()) this._drop();
    if (!this._fixed) while (this._size > 0 && this._ts[this._head]! < t - this._windowMs) this._drop();
    const i = (this._head + this._size) % this._ts.length;
    this._ts[i] = t;
    this._vs[i] = v;
    this._size++;
    if (Number.isNaN(this._base)) this._base = t;
    this._add(t, v, 1);
    if (++this._sinceRecompute >= Math.max(64, this._ts.length)) this._recompute();
    this._state = this._full(t) && this._compute() ? this._level : 0;
    return this._state;
  }

  explain(): Explanation {
    const f = this._fit;
    const s = this._s;
    const over = humanDuration(f.spanMs);
    const detail = { r2: f.r2, slopePerSecond: f.slope, start: f.start, samples: f.n };
    if (this._state !== 0) {
      const word = f.rel < 0 ? 'fell' : 'rose';
      return { value: f.rel, reference: this._spec.threshold, message: `${s.display} ${word} ${pct(Math.abs(f.rel))} over ${over} (fit R² ${num(f.r2)})`, detail };
    }
    const change = Number.isNaN(f.rel) ? '' : ` (change ${f.rel < 0 ? '−' : '+'}${pct(Math.abs(f.rel))} over ${over})`;
    return { value: f.rel, reference: this._spec.threshold, message: `${s.display} steady again${change}`, detail };
  }

  /** Whether the window holds what the rule asks for: `window` samples, or `window_seconds` of them. */
  private _full(t: number): boolean {
    return this._fixed ? this._size === this._ts.length : this._size >= 3 && t - this._firstT >= this._windowMs;
  }

  /** Fits the line; true when the change counts as a degradation. */
  private _compute(): boolean {
    const f = this._fit;
    const n = this._size;
    f.n = n;
    const oldest = this._ts[this._head]!;
    const newest = this._ts[(this._head + n - 1) % this._ts.length]!;
    f.spanMs = newest - oldest;
    const dx = n * this._sxx - this._sx * this._sx;
    const dv = n * this._svv - this._sv * this._sv;
    if (n < 3 || !(dx > 0)) {
      f.slope = 0;
      f.rel = NaN;
      f.r2 = 0;
      return false;
    }
    const cov = n * this._sxv - this._sx * this._sv;
    const b = cov / dx;
    const a = (this._sv - b * this._sx) / n;
    f.slope = b;
    f.r2 = dv > 0 ? Math.min(1, (cov * cov) / (dx * dv)) : 1;
    const x0 = (oldest - this._base) / 1000;
    f.start = a + b * x0;
    const rms = Math.sqrt(Math.max(0, this._svv / n));
    f.rel = f.start > 0 && f.start >= TINY_START * rms ? (b * (f.spanMs / 1000)) / f.start : NaN;
    return !Number.isNaN(f.rel) && f.r2 >= this._spec.min_r2 && this._sign * f.rel > this._spec.threshold;
  }

  private _add(t: number, v: number, w: 1 | -1): void {
    const x = (t - this._base) / 1000;
    this._sx += w * x;
    this._sv += w * v;
    this._sxx += w * x * x;
    this._sxv += w * x * v;
    this._svv += w * v * v;
  }

  private _drop(): void {
    this._add(this._ts[this._head]!, this._vs[this._head]!, -1);
    this._head = (this._head + 1) % this._ts.length;
    this._size--;
  }

  /** Doubles a `window_seconds` ring up to MAX_TREND_SAMPLES; false for a `window` ring or at the cap. */
  private _grow(): boolean {
    if (this._fixed || this._ts.length >= MAX_TREND_SAMPLES) return false;
    const cap = Math.min(MAX_TREND_SAMPLES, this._ts.length * 2);
    const ts = new Float64Array(cap);
    const vs = new Float64Array(cap);
    for (let k = 0; k < this._size; k++) {
      const j = (this._head + k) % this._ts.length;
      ts[k] = this._ts[j]!;
      vs[k] = this._vs[j]!;
    }
    this._ts = ts;
    this._vs = vs;
    this._head = 0;
    return true;
  }

  /** Sums again from the ring, from the oldest sample's time, so rounding errors do not pile up. */
  private _recompute(): void {
    this._sinceRecompute = 0;
    this._sx = this._sv = this._sxx = this._sxv = this._svv = 0;
    this._base = this._size > 0 ? this._ts[this._head]! : NaN;
    for (let k = 0; k < this._size; k++) {
      const j = (this._head + k) % this._ts.length;
      this._add(this._ts[j]!, this._vs[j]!, 1);
    }
  }
}

export const createTrendEvaluator: EvaluatorFactory<TrendRuleConfig> = (spec, subject) => new TrendEvaluator(spec, subject);
