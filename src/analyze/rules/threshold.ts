/**
 * @module analyze/rules/threshold
 * A level crossed, with one level per severity and hysteresis. The value must
 * be strictly past a level to reach it (the seed compares with `>` and `<`).
 * Once the condition holds at any level it keeps holding, at least at the
 * lowest severity, until the value is back at or inside `clear` (default: the
 * lowest level itself), so a value hovering at the line raises one alert, not
 * one per crossing. While it holds, the severity follows the value up and down.
 * With `increase`, the figure compared is the counter's increase over that
 * window (increase.ts) instead of its value.
 */
import type { ThresholdRuleConfig } from '../../config/rules/index.js';
import type { EvaluatorFactory, Explanation, Level, SeriesEvaluator, Subject } from './evaluator.js';
import { severityOfLevel } from './evaluator.js';
import { withUnit } from './format.js';
import { CounterIncrease } from './increase.js';

type Levels = ThresholdRuleConfig['above'];

/** Level per severity (index 1 info, 2 warning, 3 critical); NaN where the rule names none. */
export function levelsOf(l: Levels): [number, number, number, number] {
  if (l === undefined) return [NaN, NaN, NaN, NaN];
  if (typeof l === 'number') return [NaN, NaN, l, NaN];
  return [NaN, l.info ?? NaN, l.warning ?? NaN, l.critical ?? NaN];
}

class ThresholdEvaluator implements SeriesEvaluator {
  private readonly _lv: [number, number, number, number];
  private readonly _above: boolean;
  /** Lowest severity the rule names: the level held while between `clear` and the line. */
  private readonly _floor: Level;
  private readonly _clear: number;
  private _level: Level = 0;
  private _v = NaN;
  private readonly _increase: CounterIncrease | undefined;
  private readonly _over: string;

  constructor(
    spec: ThresholdRuleConfig,
    private readonly _s: Subject,
  ) {
    this._above = spec.above !== undefined;
    this._lv = levelsOf(this._above ? spec.above : spec.below);
    let floor: Level = 0;
    for (let i = 3; i >= 1; i--) if (!Number.isNaN(this._lv[i]!)) floor = i as Level;
    this._floor = floor;
    // Default clear: the least demanding level (the lowest for `above`, the highest for `below`).
    let edge = this._above ? Infinity : -Infinity;
    for (let i = 1; i <= 3; i++) {
      const x = this._lv[i]!;
      if (!Number.isNaN(x)) edge = this._above ? Math.min(edge, x) : Math.max(edge, x);
    }
    this._clear = spec.clear ?? edge;
    this._increase = spec.increase === undefined ? undefined : new CounterIncrease(spec.increase * 1000);
    this._over = spec.increase === undefined ? '' : ` increase over ${spec.increase} s`;
  }

  update(t: number, raw: number): Level {
    if (Number.isNaN(raw)) return this._level;
    const v = this._increase === undefined ? raw : this._increase.update(t, raw);
    this._v = v;
    let level: Level = 0;
    for (let i = 3; i >= 1; i--) {
      const x = this._lv[i]!;
      if (this._above ? v > x : v < x) {
        level = i as Level;
        break;
      }
    }
    if (level === 0 && this._level !== 0 && (this._above ? v > this._clear : v < this._clear)) level = this._floor;
    this._level = level;
    return level;
  }

  explain(): Explanation {
    const s = this._s;
    const v = this._v;
    const name = s.display + this._over;
    if (this._level === 0) {
      const sign = this._above ? '≤' : '≥';
      return {
        value: v,
        reference: this._clear,
        message: `${name} back to ${withUnit(v, s.unit)} (${sign} ${withUnit(this._clear, s.unit)})`,
        detail: { clear: this._clear },
      };
    }
    // The level crossed: the current severity's, or the lowest one while held by hysteresis.
    const crossed = this._above ? v > this._lv[this._level] : v < this._lv[this._level];
    const ref = this._lv[crossed ? this._level : this._floor];
    const side = this._above ? 'above' : 'below';
    const sev = severityOfLevel(this._level);
    const message = crossed
      ? `${name} ${withUnit(v, s.unit)} ${side} ${withUnit(ref, s.unit)} (${sev})`
      : `${name} ${withUnit(v, s.unit)}, went ${side} ${withUnit(ref, s.unit)} and not yet back to ${this._above ? '≤' : '≥'} ${withUnit(this._clear, s.unit)} (${sev})`;
    return { value: v, reference: ref, message, detail: { clear: this._clear } };
  }
}

export const createThresholdEvaluator: EvaluatorFactory<ThresholdRuleConfig> = (spec, subject) => new ThresholdEvaluator(spec, subject);
