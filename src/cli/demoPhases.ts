/**
 * @module cli/demoPhases
 * The script of `echo-perf demo`: what each phase does to the simulated stack,
 * which alert it is there to show, and how long it runs for a phase length `p`.
 * Minimum lengths come from the simulator's physics, not from taste: the
 * degradation needs ~25 s before the fleet's throughput is 20 % down, a stall
 * must hold for `engine_stall_intervals` (5 s), and alerts need ~10 s to resolve
 * once the 20-s rate window has refilled.
 */
import type { ComponentScenario } from '../simulate/component.js';
import type { ScenarioName } from '../simulate/engine/index.js';

export interface DemoPhase {
  readonly name: string;
  /** What happens, for the phase header. */
  readonly what: string;
  /** The alerts the phase is there to show. */
  readonly expect: string;
  /** Seconds it runs, given the phase length `p` (--phase, or 10 with --fast). */
  readonly seconds: (p: number) => number;
  /** The scenario of the `aphrodite` engine during the phase (the `vllm` engine stays steady). */
  readonly engine: ScenarioName;
  readonly components: ComponentScenario;
  /** Restart the aphrodite process when the phase starts (3 s down, back cold with counters at 0). */
  readonly restart?: true;
}

/** Default phase length, seconds (9 phases: ~4 min in all). */
export const DEFAULT_PHASE_S = 30;
/** `--fast`: the shortest phases in which every phase's alert still fires (~1 min 50 s in all). */
export const FAST_PHASE_S = 10;
/** How long the restarted process stays down, ms. */
export const RESTART_DOWN_MS = 3000;

export const DEMO_PHASES: readonly DemoPhase[] = [
  {
    name: 'baseline',
    what: 'both engines steady (~1.3k tokens/s each), components healthy; thresholds are calibrated from it',
    expect: 'no alert',
    seconds: (p) => Math.min(p, 12),
    engine: 'steady',
    components: 'healthy',
  },
  {
    name: 'components-degraded',
    what: 'DTESN membrane hierarchy off OEIS A000081, Echo-Self convergence ~0.55, Embodied loop ~150 ms',
    expect: 'CRITICAL evolution_convergence and proprioceptive_accuracy, WARNING sensory_motor_latency and a000081_compliance',
    seconds: (p) => p,
    engine: 'steady',
    components: 'degraded',
  },
  {
    name: 'throughput-degradation',
    what: 'aphrodite decode speed falls 28 % every 10 s (32 clients in a closed loop)',
    expect: 'CRITICAL Low token throughput once the fleet is 20 % under its baseline (~25 s)',
    seconds: (p) => Math.max(p, 28),
    engine: 'throughput-degradation',
    components: 'healthy',
  },
  {
    name: 'kv-cache-saturation',
    what: 'long prompts and outputs fill the aphrodite KV cache (~97 %), with preemptions',
    expect: 'WARNING KV cache ≥ 90 % (demo rule: the seed has no KV threshold)',
    seconds: (p) => p,
    engine: 'kv-cache-saturation',
    components: 'healthy',
  },
  {
    name: 'load-spike',
    what: 'arrivals ×5 on aphrodite: the queue builds faster than it drains',
    expect: 'WARNING ≥ 100 requests waiting (demo rule)',
    seconds: (p) => p,
    engine: 'load-spike',
    components: 'healthy',
  },
  {
    name: 'stalled',
    what: "aphrodite's scheduler stops: requests arrive and wait, none runs",
    expect: 'CRITICAL engine_stalled after 5 intervals; vllm is not affected',
    seconds: (p) => Math.max(p, 10),
    engine: 'stalled',
    components: 'healthy',
  },
  {
    name: 'engine-restart',
    what: 'the operator restarts aphrodite: 3 s down, back cold with every counter at 0 and the queue lost',
    expect: 'WARNING target down while it is down; the stall and queue alerts resolve; rates survive the counter reset',
    seconds: (p) => Math.max(p, 10),
    engine: 'steady',
    components: 'healthy',
    restart: true,
  },
  {
    name: 'outage',
    what: 'aphrodite answers 503 on every route',
    expect: 'WARNING Target aphrodite is down (HTTP 503); the fleet throughput is vllm alone',
    seconds: (p) => p,
    engine: 'outage',
    components: 'healthy',
  },
  {
    name: 'recovery',
    what: 'aphrodite steady again, components healthy',
    expect: 'everything still firing resolves',
    seconds: (p) => Math.max(p, 15),
    engine: 'steady',
    components: 'healthy',
  },
];

/** Total seconds of the script for phase length `p`. */
export function demoSeconds(p: number): number {
  return DEMO_PHASES.reduce((s, ph) => s + ph.seconds(p), 0);
}
