/**
 * @module cli/demoRules
 * What the demo changes of the default rule set (docs/rules.md), so that a
 * phase of tens of seconds shows the alert a real deployment would raise after
 * minutes, and the lines that show the per-engine rules in force. Every alert
 * of the demo comes from the default rules, the target and stall checks.
 * The numbers were measured on the engine simulator in simulated time
 * (steady load on both engines for 8 × 10 min, each scenario switched on).
 */
import type { ResolvedRule } from '../analyze/rules/resolve.js';
import type { EchoPerfConfigInput } from '../config/index.js';
import { num } from '../core/humanize.js';

/**
 * `alerting.default_for`, seconds: 10 instead of 60 so that each hold fits in a
 * phase. Not shorter: a steady engine's KV cache goes past 95 % for a few
 * seconds now and then, and with a 3-5 s hold the steady `vllm` engine alerted.
 */
export const DEMO_FOR_S = 10;

/**
 * The seed's degradation window (10 samples) with 30 %, not 15 %: the simulated
 * components draw each sample afresh (Embodied's 42 ± 8 ms), so a 10-sample fit
 * moves ~11 % (1 σ) on noise alone. It configures the components' trend rules.
 */
export const DEMO_DEGRADATION = { window_size: 10, threshold: 0.3 } as const;

/** Relative fall over the 10-sample fit that the per-engine throughput trend fires on. */
export const ENGINE_TREND_THRESHOLD = 0.25;

/** Default rules replaced by name (a config rule named like a default one takes its place). */
export const DEMO_RULES: NonNullable<EchoPerfConfigInput['rules']> = [
  /*
   * A 20-s rate of Poisson load fitted over 10 samples falls 16-20 % now and then
   * on a steady engine (overlapping windows make the fit smooth, so R² does not
   * help); 25 % never did. The degrading engine's tokens/s, −28 % per 10 s, shows
   * a 25-30 % fall 23-29 s after the switch, while the rate window still holds
   * its steady past.
   */
  {
    kind: 'trend',
    name: 'trend:engine_token_throughput',
    metric: 'token_throughput',
    match_re: { engine: '.+' },
    match: { engine_index: '' },
    better: 'higher',
    window: DEMO_DEGRADATION.window_size,
    threshold: ENGINE_TREND_THRESHOLD,
    min_r2: 0.5,
    severity: 'warning',
  },
  /*
   * The default levels (95 %, 99 % critical) clearing at 85 % instead of 90 %: a
   * saturated cache swings between 86 and 100 % as preemptions free blocks, and
   * each swing under the clear line starts the hold again (the alert then took
   * 20-130 s to fire; clearing at 85 %, 13-46 s, and never on the steady engine).
   */
  {
    kind: 'threshold',
    name: 'engine:kv_cache_usage',
    metric: 'kv_cache_usage',
    match_re: { engine: '.+' },
    above: { warning: 95, critical: 99 },
    clear: 85,
    for: DEMO_FOR_S,
  },
  // The replayed GPU runs at full load, at its power cap, the whole demo: its alerts would still be firing at the end of the script.
  { kind: 'threshold', name: 'threshold:gpu_utilization', metric: 'gpu_utilization', enabled: false },
  { kind: 'threshold', name: 'gpu:power_capped', metric: 'gpu_power_capped', enabled: false },
];

/** One rule as `name: condition`, e.g. `engine:requests_waiting > 50 for 10 s`. */
function describe(r: ResolvedRule): string {
  const s = r.spec;
  const hold = r.forMs > 0 ? ` for ${num(r.forMs / 1000)} s` : '';
  const unit = r.unit === '%' || r.unit === 'ms' ? ` ${r.unit}` : r.unit;
  const levels = (v: number | { info?: number | undefined; warning?: number | undefined; critical?: number | undefined }): string =>
    typeof v === 'number' ? `${num(v)}${unit}` : [v.info, v.warning, v.critical].filter((x): x is number => x !== undefined).map((x) => `${num(x)}${unit}`).join(' / ');
  if (s.kind === 'threshold') {
    const side = s.above !== undefined ? `> ${levels(s.above)}` : s.below !== undefined ? `< ${levels(s.below)}` : '';
    return `${r.name} ${side}${hold}`;
  }
  if (s.kind === 'trend') return `${r.name} falls > ${num(s.threshold * 100)} % over ${s.window ?? `${s.window_seconds} s`} samples (R² ≥ ${num(s.min_r2)})`;
  return r.name;
}

/** The per-engine threshold and trend rules in force, for the line printed after the baseline phase. */
export function describeEngineRules(rules: readonly ResolvedRule[]): string {
  return rules
    .filter((r) => (r.kind === 'threshold' && r.name.startsWith('engine:')) || r.name === 'trend:engine_token_throughput')
    .map(describe)
    .join(' · ');
}
