/**
 * @module analyze/anomaly/cadDetector
 * A causal detector around the CAD OSE core (cad.ts): values binned into
 * 2^bits levels, each level given as its bits (CAD OSE's getAnomalyScore
 * encoding), and CAD OSE's rest after a high score. Not the default detector:
 * far slower and larger than detector.ts, for a gain on NAB (see
 * docs/rules/anomaly.md).
 *
 * Where CAD OSE as run by NAB is handed each file's min and max, this one
 * grows its range from what it has seen: the first `warmup` samples set it,
 * it is widened by `pad` × range on each side, and a value beyond falls in
 * one overflow level above or below (scored as the novelty it is). Then the
 * range is widened to hold that value and the core relearns from the last
 * `history` samples. Because the levels are coarse, where a value falls
 * near a level edge decides much of the score; `shifts` cores see the same
 * series on grids offset by 1/shifts of a level, and the step's score is the
 * highest of theirs, so novelty seen at any offset counts and the outcome no
 * longer hangs on where the edges happen to fall.
 */
import { Cad } from './cad.js';

export interface CadDetectorOptions {
  /** Samples that set the first range; they score 0. */
  readonly warmup?: number;
  /** Samples kept and replayed through fresh cores when the range widens. */
  readonly history?: number;
  /** Bits of the binned value (CAD OSE: numNormValueBits = 3, so 8 levels). */
  readonly bits?: number;
  /** Share of the seen range added on each side. */
  readonly pad?: number;
  /** Cores on grids offset by 1/shifts of a level; the score is their highest. */
  readonly shifts?: number;
  /** Samples scored 0 after a raw score reaches `threshold` (CAD OSE: restPeriod). */
  readonly rest?: number;
  /** CAD OSE's baseThreshold: the raw score that starts a rest. */
  readonly threshold?: number;
  /** Contexts kept per core; when full, memory starts over and `relearn` samples score 0. */
  readonly maxContexts?: number;
  readonly relearn?: number;
  /** When a value leaves the padded range: widen it and relearn from the last `history` samples. */
  readonly regrow?: boolean;
}

export const DEFAULT_CAD_OPTIONS: Required<CadDetectorOptions> = {
  warmup: 1,
  history: 300,
  bits: 3,
  pad: 1,
  shifts: 3,
  rest: 60,
  threshold: 0.75,
  maxContexts: 8192,
  relearn: 100,
  regrow: true,
};

/** Sign fact of the overflow level below the range; above every bit fact. */
const BELOW = 1000;

export function createCadDetector(options: CadDetectorOptions = {}): { score(t: number, v: number): number } {
  const o = { ...DEFAULT_CAD_OPTIONS, ...options };
  const bits = Math.max(1, Math.min(8, Math.round(o.bits)));
  const maxBin = 2 ** bits - 1;
  const warmup = Math.max(1, Math.round(o.warmup));
  const history = Math.max(warmup, Math.round(o.history));
  const shifts = Math.max(1, Math.min(8, Math.round(o.shifts)));
  const rest = Math.max(0, Math.round(o.rest));
  const core = { maxLeft: 7, maxActive: 15, maxContexts: Math.max(16, Math.round(o.maxContexts)) };
  const fresh = (): Cad[] => Array.from({ length: shifts }, () => new Cad(core));
  let cads = fresh();
  let lo = Infinity;
  let hi = -Infinity;
  let step = 1;
  let n = 0;
  let quiet = 0;
  let sinceHigh = Infinity;
  // The last `history` values, replayed when the range is widened.
  const recent = new Float64Array(history);
  let rawLo = Infinity;
  let rawHi = -Infinity;

  const setRange = (): void => {
    const r = rawHi - rawLo;
    lo = rawLo - o.pad * r;
    hi = rawHi + o.pad * r;
    step = hi > lo ? (hi - lo) / maxBin : Math.abs(lo) > 0 ? Math.abs(lo) : 1;
  };

  /** Facts of v on grid j, whose edges sit j/shifts of a level lower (so its top level is a part one). */
  const facts = (v: number, j: number): number[] => {
    let b = Math.trunc((v - lo + (j / shifts) * step) / step);
    b = Number.isNaN(b) ? 0 : b < -1 ? -1 : b > maxBin + 1 ? maxBin + 1 : b;
    const out: number[] = [];
    const m = b < 0 ? 0 : b;
    const width = m > maxBin ? bits + 1 : bits;
    // Fact 2s + bit for bit s, as CAD OSE encodes the binned value.
    for (let s = 0; s < width; s++) out.push(2 * s + ((m >> s) & 1));
    if (b < 0) out.push(BELOW);
    return out;
  };

  const raw = (v: number): number => {
    if (cads[0]!.contexts >= core.maxContexts) {
      cads = fresh();
      quiet = Math.max(0, Math.round(o.relearn));
    }
    let s = 0;
    for (let j = 0; j < shifts; j++) {
      const x = cads[j]!.step(facts(v, j));
      if (x > s) s = x;
    }
    if (quiet > 0) {
      quiet--;
      return 0;
    }
    return s;
  };

  // CAD OSE's rest: a score is reported only when no raw score of the last `rest` reached the threshold.
  const rested = (s: number): number => {
    const out = sinceHigh >= rest ? s : 0;
    sinceHigh = s >= o.threshold ? 0 : sinceHigh + 1;
    return out;
  };

  const relearn = (): void => {
    cads = fresh();
    for (let i = Math.max(1, n - history + 1); i <= n; i++) {
      const x = recent[(i - 1) % history]!;
      for (let j = 0; j < shifts; j++) cads[j]!.step(facts(x, j));
    }
  };

  return {
    score(_t: number, v: number): number {
      if (!Number.isFinite(v)) return 0;
      n++;
      recent[(n - 1) % history] = v;
      if (n <= warmup) {
        if (v < rawLo) rawLo = v;
        if (v > rawHi) rawHi = v;
        if (n === warmup) {
          setRange();
          for (let i = 1; i <= n; i++) rested(raw(recent[(i - 1) % history]!));
        }
        return 0;
      }
      const out = rested(raw(v));
      if (o.regrow && (v < lo || v > hi)) {
        if (v < rawLo) rawLo = v;
        if (v > rawHi) rawHi = v;
        setRange();
        relearn();
      }
      return out;
    },
  };
}
