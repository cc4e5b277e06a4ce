/**
 * @module analyze/rules/forecast
 * Time until a series crosses a level ("disk_usage 86 % → 90 % in 3 h 10 min").
 *
 * The last `window` seconds live in a ring of at most 1024 points with running
 * least-squares sums (Σx, Σy, Σx², Σxy, Σy², x in seconds and y relative to an
 * origin that moves every 1024 updates, when the sums are rebuilt from the
 * ring: that bounds rounding drift and keeps each sample O(1) amortised).
 * Samples denser than window/1022 fall into the newest point, which holds
 * their mean, so a window of any length costs at most 16 KiB per series.
 *
 * The regression decides whether the series is heading for the level at all:
 * its slope must point at the level with a t statistic ≥ 5 (slope over its
 * standard error; 3 would let a flat noisy series through every few hundred
 * windows), and the fitted change across the window's span must be at least
 * 2 residual standard deviations (with many points a t statistic calls a
 * drift far inside the noise "significant"). So a flat or receding series
 * never fires. The crossing time
 * comes from the chosen method:
 * - `linear`: the least-squares line, evaluated now (Prometheus's
 *   predict_linear, promql/functions.go, anchors the intercept at the
 *   evaluation time the same way);
 * - `holt`: Holt's double exponential smoothing (Prometheus's holt_winters /
 *   double_exponential_smoothing), made time-aware for irregular samples:
 *   a = 1 − 2^(−Δt/h) per sample, with the level's half-life h = window/20 and
 *   the trend's h = window/4; pred = ℓ + b·Δt, ℓ' = pred + aℓ·(v − pred),
 *   b' = b + ab·((ℓ' − ℓ)/Δt − b). It starts from the regression's line once
 *   the fit is usable, then follows a bend in the trend sooner than the line.
 * Either way: ETA = (level − now) / slope, 0 when the series is already past
 * the level (a threshold rule covers the level itself).
 */
import { humanDuration } from '../../core/humanize.js';
import type { ForecastRuleConfig } from '../../config/rules/forecast.js';
import { LEVEL, type EvaluatorFactory, type Explanation, type Level, type SeriesEvaluator, type Subject } from './evaluator.js';
import { quantity, rate } from './quantity.js';

/** Most points the ring holds; it starts at RING_START and doubles up to this. */
const RING_MAX = 1024;
const RING_START = 64;
/** Before it may fire: this many points… */
const MIN_POINTS = 10;
/** …spanning this share of the window. */
const MIN_SPAN = 0.1;
/** The slope's t statistic needed to call the series heading anywhere… */
const MIN_T = 5;
/** …and the fitted change across the window's span, in residual standard deviations. */
const MIN_CHANGE_SIGMAS = 2;
/** Holt's half-lives as shares of the window (level, trend). */
const HOLT_LEVEL = 1 / 20;
const HOLT_TREND = 1 / 4;
/** A unit of `%` and a level at least this high reads as saturation. */
const SATURATION = 95;

class ForecastEvaluator implements SeriesEvaluator {
  private readonly level: Level;
  private readonly target: number;
  private readonly rising: boolean;
  private readonly windowMs: number;
  private readonly horizonS: number;
  private readonly spacing: number;
  private readonly holt: boolean;
  private readonly lnLevel: number;
  private readonly lnTrend: number;
  // ring of points: mean time (ms) and mean value of each bucket of samples
  private ts = new Float64Array(RING_START);
  private vs = new Float64Array(RING_START);
  private head = 0;
  private len = 0;
  private bucketStart = -Infinity;
  private bucketN = 0;
  // least-squares sums, x = (t − ox) / 1000, y = v − oy
  private ox = 0;
  private oy = 0;
  private sx = 0;
  private sy = 0;
  private sxx = 0;
  private sxy = 0;
  private syy = 0;
  private sinceRebuild = 0;
  // Holt's state
  private hl = NaN;
  private hb = 0;
  private holtSeeded = false;
  private holtDt = NaN;
  private al = 0;
  private ab = 0;
  private lastT = -Infinity;
  private lastV = NaN;
  // the latest forecast
  private current: Level = 0;
  private usable = false;
  private now = NaN;
  private slope = 0;
  private tStat = 0;
  private trending = false;
  private eta = Infinity;

  constructor(
    private readonly spec: ForecastRuleConfig,
    private readonly subject: Subject,
  ) {
    this.level = LEVEL[spec.severity ?? 'warning'];
    this.rising = spec.above !== undefined;
    this.target = spec.above ?? spec.below ?? NaN;
    this.windowMs = spec.window * 1000;
    this.horizonS = spec.horizon;
    this.spacing = this.windowMs / (RING_MAX - 2);
    this.holt = spec.method === 'holt';
    this.lnLevel = Math.LN2 / (spec.window * HOLT_LEVEL);
    this.lnTrend = Math.LN2 / (spec.window * HOLT_TREND);
  }

  update(t: number, v: number): Level {
    if (!(t > this.lastT) || !Number.isFinite(v)) return this.current;
    const dt = (t - this.lastT) / 1000;
    this.lastT = t;
    this.lastV = v;
    if (this.holt) this.smooth(dt, v);
    this.insert(t, v);
    this.evict(t - this.windowMs);
    if (++this.sinceRebuild >= RING_MAX) this.rebuild();
    return (this.current = this.forecast(t));
  }

  private smooth(dt: number, v: number): void {
    if (Number.isNaN(this.hl)) {
      this.hl = v;
      return;
    }
    // regular scrapes repeat one Δt: the two exponentials are worked out once
    if (dt !== this.holtDt) {
      this.holtDt = dt;
      this.al = -Math.expm1(-dt * this.lnLevel);
      this.ab = -Math.expm1(-dt * this.lnTrend);
    }
    const al = this.al;
    const ab = this.ab;
    const prev = this.hl;
    const pred = prev + this.hb * dt;
    this.hl = pred + al * (v - pred);
    this.hb += ab * ((this.hl - prev) / dt - this.hb);
  }

  private insert(t: number, v: number): void {
    if (this.len > 0 && t - this.bucketStart < this.spacing) {
      const i = (this.head + this.len - 1) & (this.ts.length - 1);
      this.sub(this.ts[i]!, this.vs[i]!);
      const n = ++this.bucketN;
      this.ts[i] = this.ts[i]! + (t - this.ts[i]!) / n;
      this.vs[i] = this.vs[i]! + (v - this.vs[i]!) / n;
      this.add(this.ts[i], this.vs[i]);
      return;
    }
    if (this.len === this.ts.length) {
      if (this.ts.length < RING_MAX) this.grow();
      else this.dropOldest();
    }
    if (this.len === 0) {
      this.ox = t;
      this.oy = v;
    }
    const i = (this.head + this.len) & (this.ts.length - 1);
    this.ts[i] = t;
    this.vs[i] = v;
    this.len++;
    this.bucketStart = t;
    this.bucketN = 1;
    this.add(t, v);
  }

  private evict(before: number): void {
    while (this.len > 1 && this.ts[this.head]! < before) this.dropOldest();
  }

  private dropOldest(): void {
    this.sub(this.ts[this.head]!, this.vs[this.head]!);
    this.head = (this.head + 1) & (this.ts.length - 1);
    this.len--;
  }

  /** Doubles the ring (rare: log2(1024/64) times at most in a series' life). */
  private grow(): void {
    const size = this.ts.length * 2;
    const ts = new Float64Array(size);
    const vs = new Float64Array(size);
    for (let k = 0; k < this.len; k++) {
      const i = (this.head + k) & (this.ts.length - 1);
      ts[k] = this.ts[i]!;
      vs[k] = this.vs[i]!;
    }
    this.ts = ts;
    this.vs = vs;
    this.head = 0;
  }

  private add(t: number, v: number): void {
    const x = (t - this.ox) / 1000;
    const y = v - this.oy;
    this.sx += x;
    this.sy += y;
    this.sxx += x * x;
    this.sxy += x * y;
    this.syy += y * y;
  }

  private sub(t: number, v: number): void {
    const x = (t - this.ox) / 1000;
    const y = v - this.oy;
    this.sx -= x;
    this.sy -= y;
    this.sxx -= x * x;
    this.sxy -= x * y;
    this.syy -= y * y;
  }

  /** Sums again from the ring, around its oldest point: no drift, small x. */
  private rebuild(): void {
    this.sinceRebuild = 0;
    this.sx = this.sy = this.sxx = this.sxy = this.syy = 0;
    if (this.len === 0) return;
    this.ox = this.ts[this.head]!;
    this.oy = this.vs[this.head]!;
    for (let k = 0; k < this.len; k++) {
      const i = (this.head + k) & (this.ts.length - 1);
      this.add(this.ts[i]!, this.vs[i]!);
    }
  }

  private forecast(t: number): Level {
    const n = this.len;
    const span = n > 1 ? this.ts[(this.head + n - 1) & (this.ts.length - 1)]! - this.ts[this.head]! : 0;
    this.usable = n >= MIN_POINTS && span >= MIN_SPAN * this.windowMs;
    this.eta = Infinity;
    if (!this.usable) {
      this.now = this.lastV;
      this.slope = 0;
      this.tStat = 0;
      this.trending = false;
      return 0;
    }
    const mx = this.sx / n;
    const my = this.sy / n;
    const sxx = this.sxx - this.sx * mx;
    const sxy = this.sxy - this.sx * my;
    const syy = this.syy - this.sy * my;
    const b = sxx > 0 ? sxy / sxx : 0;
    const sse = Math.max(0, syy - b * sxy);
    const sigma = Math.sqrt(sse / (n - 2));
    const se = sxx > 0 ? sigma / Math.sqrt(sxx) : Infinity;
    this.tStat = se > 0 ? b / se : b === 0 ? 0 : b > 0 ? Infinity : -Infinity;
    this.trending = Math.abs(b) * (span / 1000) >= MIN_CHANGE_SIGMAS * sigma && Math.abs(this.tStat) >= MIN_T;
    const fitted = this.oy + my + b * ((t - this.ox) / 1000 - mx);
    if (this.holt && !this.holtSeeded) {
      this.hl = fitted;
      this.hb = b;
      this.holtSeeded = true;
    }
    this.now = this.holt ? this.hl : fitted;
    this.slope = this.holt ? this.hb : b;
    const sign = this.rising ? 1 : -1;
    if (!this.trending || sign * b <= 0 || sign * this.slope <= 0) return 0;
    const gap = sign * (this.target - this.now);
    this.eta = gap <= 0 ? 0 : gap / (sign * this.slope);
    return this.eta <= this.horizonS ? this.level : 0;
  }

  explain(): Explanation {
    const { display, unit } = this.subject;
    const q = (x: number): string => quantity(x, unit);
    const L = this.target;
    const detail = {
      eta_s: this.eta,
      horizon_s: this.horizonS,
      level: L,
      current: this.now,
      slope_per_s: this.slope,
      t_stat: this.tStat,
      points: this.len,
      method: this.spec.method,
    };
    const base = { value: this.eta, reference: this.horizonS, detail };
    const moving = `${this.slope > 0 ? 'rising' : 'falling'} at ${rate(Math.abs(this.slope), unit)}`;
    if (this.current !== 0) {
      if (this.eta === 0) return { ...base, message: `${display} reaches ${q(L)} now (${q(this.now)}, ${moving})` };
      const eta = humanDuration(this.eta * 1000);
      if (unit === '%' && this.rising && L >= SATURATION) {
        return { ...base, message: `${display} saturates (${q(L)}) in ${eta} (${q(this.now)} now, ${moving})` };
      }
      return { ...base, message: `${display} ${q(this.now)} → ${q(L)} in ${eta} at ${rate(this.slope, unit)}` };
    }
    if (!this.usable) {
      return { ...base, message: `${display} forecast needs more history (${this.len} points, ${MIN_POINTS} over ${humanDuration(MIN_SPAN * this.windowMs)} wanted)` };
    }
    const sign = this.rising ? 1 : -1;
    const how =
      !this.trending || this.slope === 0
        ? 'steady'
        : sign * this.slope < 0
          ? moving
          : `${moving}, ${q(L)} in ${humanDuration(this.eta * 1000)}`;
    return { ...base, message: `${display} no longer heading for ${q(L)} (${q(this.now)}, ${how})` };
  }
}

/**
 * One evaluator per (forecast rule, series).
 * @example
 * const ev = createForecastEvaluator(v.parse(forecastRuleSchema, { kind: 'forecast', metric: 'disk_usage', above: 90, horizon: 21600 }), subject);
 * ev.update(Date.now(), 86);
 */
export const createForecastEvaluator: EvaluatorFactory<ForecastRuleConfig> = (spec, subject) => new ForecastEvaluator(spec, subject);
