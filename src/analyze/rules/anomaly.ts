/**
 * @module analyze/rules/anomaly
 * The `anomaly` rule kind: the streaming detector scores every sample, and
 * the rule fires while at least `rate` of the last `window` samples scored
 * `score` or more. A rate over a window rather than one score: a single odd
 * sample is not an incident, a run of them is.
 */
import type { AnomalyRuleConfig } from '../../config/rules/anomaly.js';
import { num } from '../../core/humanize.js';
import { createDetector, type Detector, type DetectorOptions } from '../anomaly/detector.js';
import { LEVEL, QUIET, type EvaluatorFactory, type Explanation, type Level, type SeriesEvaluator, type Subject } from './evaluator.js';

/** "412 ms", "22 %", "310 tokens/s", "7": the unit as a person writes it after a number. */
function withUnit(v: number, unit: string): string {
  if (unit === '') return num(v);
  return unit.startsWith(' ') ? `${num(v)}${unit}` : `${num(v)} ${unit}`;
}

class AnomalyEvaluator implements SeriesEvaluator {
  private readonly detector: Detector;
  private readonly flags: Uint8Array;
  /** Anomalous samples needed in the window; rate × window rounded up, at least 1. */
  private readonly needed: number;
  private readonly level: Level;
  private pos = 0;
  private count = 0;
  private lastScore = 0;
  private lastValue = Number.NaN;
  private lastLevel: Level = QUIET;

  constructor(
    private readonly spec: AnomalyRuleConfig,
    private readonly subject: Subject,
    detectorOptions?: DetectorOptions,
  ) {
    // The rate over the window is this rule's own guard against repeats, so the
    // detector's damping after an alarm (meant for a bare score stream) is off.
    this.detector = createDetector({ suppress: 0, ...detectorOptions });
    this.flags = new Uint8Array(spec.window);
    this.needed = Math.max(1, Math.ceil(spec.rate * spec.window - 1e-9));
    this.level = LEVEL[spec.severity ?? 'info'];
  }

  update(t: number, v: number): Level {
    const s = this.detector.score(t, v);
    const flag = s >= this.spec.score ? 1 : 0;
    this.count += flag - this.flags[this.pos]!;
    this.flags[this.pos] = flag;
    this.pos = this.pos + 1 === this.flags.length ? 0 : this.pos + 1;
    this.lastScore = s;
    this.lastValue = v;
    this.lastLevel = this.count >= this.needed ? this.level : QUIET;
    return this.lastLevel;
  }

  explain(): Explanation {
    const { display, unit } = this.subject;
    const { window, score, rate } = this.spec;
    const latest = Number.isNaN(this.lastValue) ? 'no sample yet' : `latest ${withUnit(this.lastValue, unit)}`;
    const message =
      this.lastLevel === QUIET
        ? `${display} back to normal (${this.count} of ${window})`
        : `${display} anomalous: ${this.count} of the last ${window} samples scored ≥ ${num(score)} (${latest})`;
    return {
      value: this.count / window,
      reference: rate,
      message,
      detail: { score: this.lastScore, anomalous: this.count, window, threshold: score },
    };
  }
}

export const createAnomalyEvaluator: EvaluatorFactory<AnomalyRuleConfig> = (spec, subject) => new AnomalyEvaluator(spec, subject);

/** The same, with other detector settings (tests, experiments). */
export function createAnomalyEvaluatorWith(detectorOptions: DetectorOptions): EvaluatorFactory<AnomalyRuleConfig> {
  return (spec, subject) => new AnomalyEvaluator(spec, subject, detectorOptions);
}
