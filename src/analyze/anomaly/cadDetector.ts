/**
 * @module analyze/anomaly/cadDetector
 * A causal detector around the CAD OSE core (cad.ts): values binned into
 * 2^bits levels, each level given as its bits (CAD OSE's getAnomalyScore
 * encoding), and CAD OSE's rest after a high score. Not the default detector:
 * far slower and larger than detector.ts, for a small gain on NAB (see
 * docs/rules/anomaly.md).
 *
 * Where CAD OSE as run by NAB is handed each file's min and max, this one
 * learns its range from the first `warmup` samples (buffered, then replayed
 * through the core so none is wasted) and widens it by `pad` × range on each
 * side; a value beyond falls in one overflow level above or below.
 */
import { Cad } from './cad.js';

export interface CadDetectorOptions {
  /** Samples that set the range; they score 0. */
  readonly warmup?: number;
  /** Bits of the binned value (CAD OSE: numNormValueBits = 3, so 8 levels). */
  readonly bits?: number;
  /** Share of the learnt range added on each side. */
  readonly pad?: number;
  /** Samples scored 0 after a raw score reaches `threshold` (CAD OSE: restPeriod). */
  readonly rest?: number;
  /** CAD OSE's baseThreshold: the raw score that starts a rest. */
  readonly threshold?: number;
  /** Contexts kept; when full, memory starts over and `relearn` samples score 0. */
  readonly maxContexts?: number;
  readonly relearn?: number;
  /** When a value leaves the padded range: widen it and relearn from the last `warmup` samples. */
  readonly regrow?: boolean;
}

export const DEFAULT_CAD_OPTIONS: Required<CadDetectorOptions> = {
  warmup: 300,
  bits: 3,
  pad: 1,
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
  const rest = Math.max(0, Math.round(o.rest));
  const core = { maxLeft: 7, maxActive: 15, maxContexts: Math.max(16, Math.round(o.maxContexts)) };
  let cad = new Cad(core);
  let lo = Infinity;
  let hi = -Infinity;
  let step = 1;
  let n = 0;
  let quiet = 0;
  let sinceHigh = Infinity;
  const buf: number[] = [];
  // The last `warmup` values, replayed when the range is widened.
  const recent = new Float64Array(warmup);
  let rawLo = Infinity;
  let rawHi = -Infinity;

  const setRange = (): void => {
    const r = rawHi - rawLo;
    lo = rawLo - o.pad * r;
    hi = rawHi + o.pad * r;
    step = hi > lo ? (hi - lo) / maxBin : Math.abs(lo) > 0 ? Math.abs(lo) : 1;
  };

  const facts = (v: number): number[] => {
    let b = Math.trunc((v - lo) / step);
    b = b < -1 ? -1 : b > maxBin + 1 ? maxBin + 1 : b;
    const out: number[] = [];
    const m = b < 0 ? 0 : b;
    const width = m > maxBin ? bits + 1 : bits;
    // Fact 2s + bit for bit s, as CAD OSE encodes the binned value.
    for (let s = 0; s < width; s++) out.push(2 * s + ((m >> s) & 1));
    if (b < 0) out.push(BELOW);
    return out;
  };

  const raw = (v: number): number => {
    if (cad.contexts >= core.maxContexts) {
      cad = new Cad(core);
      quiet = Math.max(0, Math.round(o.relearn));
    }
    const s = cad.step(facts(v));
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

  return {
    score(_t: number, v: number): number {
      if (!Number.isFinite(v)) return 0;
      n++;
      if (n <= warmup) {
        buf.push(v);
        if (v < rawLo) rawLo = v;
        if (v > rawHi) rawHi = v;
        if (n === warmup) {
          rawLo = lo;
          rawHi = hi;
          setRange();
          for (const x of buf) rested(raw(x));
          buf.length = 0;
        }
        recent[(n - 1) % warmup] = v;
        return 0;
      }
      recent[(n - 1) % warmup] = v;
      const out = rested(raw(v));
      if (o.regrow && (v < lo || v > hi)) {
        if (v < rawLo) rawLo = v;
        if (v > rawHi) rawHi = v;
        setRange();
        cad = new Cad(core);
        for (let i = n - warmup + 1; i <= n; i++) cad.step(facts(recent[(i - 1) % warmup]!));
      }
      return out;
    },
  };
}
