/**
 * @module cli/demoPhases
 * The script of `echo-perf demo`: what each phase does to the simulated stack,
 * which alert it is there to show, and how long it runs: at least the phase
 * length, then until its alert fired. Fixed lengths cannot be both short and
 * sure, because the time an alert takes depends on where the simulated load
 * happened to be: the per-engine throughput trend fires 23-29 s into the
 * degradation, the saturated KV cache 13-46 s in (its value swings, and each
 * swing under the clear line starts the 10-s hold again), and a target that was
 * down keeps its alert a minute after it is back.
 * Every alert comes from the default rules (with the demo's holds and two
 * refitted rules, demoRules.ts), the target check and the stall check.
 *
 * The order differs from the seed demo's list where that makes each phase's alert
 * its own: the components go first (an alert within 15 s of the start), the
 * outage comes before the load spike (a restart wipes a queue, an outage freezes
 * it), and the restart comes last but one, so that the recovery starts clean.
 */
import type { PerformanceAlert } from '../alert/alert.js';
import type { ComponentScenario } from '../simulate/component.js';
import type { ScenarioName } from '../simulate/engine/index.js';

export interface DemoPhase {
  readonly name: string;
  /** What happens, for the phase header. */
  readonly what: string;
  /** The alerts the phase is there to show. */
  readonly expect: string;
  /** The least seconds it runs, given the phase length `p` (--phase, or FAST_PHASE_S with --fast). */
  readonly seconds: (p: number) => number;
  /**
   * Past its least length the phase goes on until this holds of the alerts firing
   * (its alert fired, or everything resolved), for at most UNTIL_MAX_S more seconds:
   * how long an alert takes depends on where the simulated load happened to be.
   */
  readonly until?: (firing: readonly PerformanceAlert[]) => boolean;
  /** How long past its least length it waits for `until`, seconds (default UNTIL_MAX_S). */
  readonly untilMaxS?: number;
  /** The scenario of the `aphrodite` engine during the phase (the `vllm` engine stays steady). */
  readonly engine: ScenarioName;
  readonly components: ComponentScenario;
  /** Restart the aphrodite process when the phase starts (3 s down, back cold with counters at 0). */
  readonly restart?: true;
}

/** Default phase length, seconds (9 phases: ~4 min in all). */
export const DEFAULT_PHASE_S = 30;
/**
 * `--fast`: 6-s phases, each going on until its alert fired (~2 min 30 s in all,
 * a minute of it the recovery waiting for the target alert's minute to pass).
 */
export const FAST_PHASE_S = 6;
/** The most a phase waits past its least length for its `until`, seconds. */
export const UNTIL_MAX_S = 30;
/**
 * The recovery waits this long for everything to resolve: a down target's alert
 * keeps firing a while after it is back (`alerting.target_keep_firing_for`, DEMO_FOR_S here).
 */
export const RECOVERY_MAX_S = 40;
/** How long the restarted process stays down, ms. */
export const RESTART_DOWN_MS = 3000;

/** Whether an alert of `metric` on `component` (of `kind`, when given) is firing. */
const firing =
  (metric: string, component = 'aphrodite', kind?: PerformanceAlert['kind']) =>
  (alerts: readonly PerformanceAlert[]): boolean =>
    alerts.some((a) => a.metric === metric && a.component === component && (kind === undefined || a.kind === kind));

export const DEMO_PHASES: readonly DemoPhase[] = [
  {
    name: 'baseline',
    what: 'both engines steady (~1.3k tokens/s each), components healthy; then the per-engine rules in force',
    expect: 'no alert',
    seconds: (p) => Math.min(Math.max(p, 8), 12),
    engine: 'steady',
    components: 'healthy',
  },
  {
    name: 'components-degraded',
    what: 'DTESN membrane hierarchy off OEIS A000081, Echo-Self convergence ~0.55, Embodied loop ~150 ms',
    expect: 'WARNING a000081_compliance at once, trends falling, then CRITICAL evolution_convergence and proprioceptive_accuracy and WARNING sensory_motor_latency once held 10 s',
    seconds: (p) => p,
    // The threshold, not the trend that fires first on the same series.
    until: firing('evolution_convergence', 'echo_self', 'threshold'),
    engine: 'steady',
    components: 'degraded',
  },
  {
    name: 'throughput-degradation',
    what: 'aphrodite decode speed falls 28 % every 10 s (32 clients in a closed loop)',
    expect: 'WARNING token_throughput{engine="aphrodite",…} fell 25 % over 9 s (trend), 23-29 s in',
    seconds: (p) => p,
    until: firing('token_throughput', 'aphrodite', 'trend'),
    engine: 'throughput-degradation',
    components: 'healthy',
  },
  {
    name: 'kv-cache-saturation',
    what: 'long prompts and outputs fill the aphrodite KV cache (~97 %), with preemptions',
    expect: 'WARNING kv_cache_usage{engine="aphrodite",…} above 95 % once held 10 s (CRITICAL above 99 %); TTFT p95 may follow',
    seconds: (p) => p,
    until: firing('kv_cache_usage'),
    engine: 'kv-cache-saturation',
    components: 'healthy',
  },
  {
    name: 'outage',
    what: 'aphrodite answers 503 on every route, its state frozen',
    expect: 'WARNING Target aphrodite is down (HTTP 503)',
    seconds: (p) => p,
    until: firing('up'),
    engine: 'outage',
    components: 'healthy',
  },
  {
    name: 'load-spike',
    what: 'aphrodite is back and arrivals ×5: the queue builds faster than it drains',
    expect: 'WARNING requests_waiting{engine="aphrodite",…} above 50 once held 10 s',
    seconds: (p) => p,
    until: firing('requests_waiting'),
    engine: 'load-spike',
    components: 'healthy',
  },
  {
    name: 'stalled',
    what: "aphrodite's scheduler stops: requests arrive and wait, none runs",
    expect: 'CRITICAL engine_stalled after 5 intervals; vllm is not affected',
    seconds: (p) => p,
    until: firing('engine_stalled'),
    engine: 'stalled',
    components: 'healthy',
  },
  {
    name: 'engine-restart',
    what: 'the operator restarts the stalled aphrodite: 3 s down, back cold with every counter at 0 and the queue lost',
    expect: 'WARNING target down while it is down (it keeps firing 10 s after it is back); the stall and queue alerts resolve; rates survive the counter reset',
    seconds: (p) => p,
    until: (a) => !a.some((x) => x.metric === 'engine_stalled' || x.metric === 'requests_waiting'),
    engine: 'steady',
    components: 'healthy',
    restart: true,
  },
  {
    name: 'recovery',
    what: 'aphrodite steady again, components healthy',
    expect: 'everything still firing resolves; the target alert last, a minute after the restart',
    seconds: (p) => p,
    until: (a) => a.length === 0,
    untilMaxS: RECOVERY_MAX_S,
    engine: 'steady',
    components: 'healthy',
  },
];

/** The least total seconds of the script for phase length `p`. */
export function demoSeconds(p: number): number {
  return DEMO_PHASES.reduce((s, ph) => s + ph.seconds(p), 0);
}
