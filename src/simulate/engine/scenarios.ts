/**
 * @module simulate/engine/scenarios
 * What each scenario does to the load, the engine and its HTTP server, as a
 * function of the seconds since the scenario was entered. All numbers are per
 * engine rank at workload scale 1 (an 8192-token model); the model scales token
 * sizes and rates to the flavor's max model length.
 */

export const SCENARIOS = [
  'steady',
  'load-spike',
  'throughput-degradation',
  'kv-cache-saturation',
  'engine-restart',
  'outage',
  'stalled',
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export function isScenario(s: string): s is ScenarioName {
  return (SCENARIOS as readonly string[]).includes(s);
}

/** The request mix and speed in force for one step. */
export interface Workload {
  /** Open-loop Poisson arrivals, requests/s. Ignored when `concurrency` is set. */
  readonly arrivalRate: number;
  /** Closed loop: clients keep this many requests in the engine (a benchmark at fixed concurrency). */
  readonly concurrency?: number;
  readonly promptMean: number;
  /** Log-space sigma of the log-normal prompt length. */
  readonly promptSigma: number;
  /** Mean of the exponential output length (before max_tokens caps it). */
  readonly outputMean: number;
  readonly maxTokens: number;
  /** Multiplies the per-sequence decode speed (1 = nominal). */
  readonly decodeFactor: number;
}

/** `unavailable`: 503 on every route; `dropped`: the connection is closed without an answer. */
export type HttpMode = 'ok' | 'unavailable' | 'dropped';
/** `frozen`: nothing moves; `stalled`: requests arrive and wait, nothing runs; `down`: the process is gone. */
export type EngineMode = 'run' | 'frozen' | 'stalled' | 'down';

export interface Phase {
  readonly workload: Workload;
  readonly http: HttpMode;
  readonly engine: EngineMode;
}

/** The scenario parameters, in one place (units in the names). */
export const SCENARIO_PARAMS = {
  /** ~7 req/s of ~512-token prompts and ~185 output tokens: ~30 running, KV ~60 %, ~1.3k tok/s. */
  steady: { arrivalRate: 7.2, promptMean: 512, promptSigma: 0.5, outputMean: 200, maxTokens: 512 },
  /** Arrivals ×5 for 30 s, then 90 s of steady load, repeating from the switch. */
  loadSpike: { factor: 5, spikeSec: 30, periodSec: 120 },
  /**
   * Decode speed × 0.72 every 10 s from the switch, down to 10 % after ~70 s. Load is
   * a closed loop of 32 clients, so tokens/s follows the speed: −28 % per 10 s, and a
   * line fitted to ten 1-s rates falls ~25 % from its first to its last point.
   */
  degradation: { concurrency: 32, factorPer10s: 0.72, floor: 0.1 },
  /** Long prompts and outputs arriving faster than the engine drains them: KV ~97 %, a preemption every few s, a growing queue. */
  kvSaturation: { arrivalRate: 4, promptMean: 1536, promptSigma: 0.3, outputMean: 512, maxTokens: 1024 },
  /** Up for 27 s, then the process is gone for 3 s and comes back with every counter at 0. */
  restart: { everySec: 30, downSec: 3 },
} as const;

const P = SCENARIO_PARAMS;
const STEADY: Workload = { ...P.steady, decodeFactor: 1 };
const RUN = (workload: Workload): Phase => ({ workload, http: 'ok', engine: 'run' });

/** The phase of `scenario` at `t` seconds after it was entered. */
export function phaseAt(scenario: ScenarioName, t: number): Phase {
  switch (scenario) {
    case 'steady':
      return RUN(STEADY);
    case 'load-spike': {
      const spiking = t % P.loadSpike.periodSec < P.loadSpike.spikeSec;
      return RUN(spiking ? { ...STEADY, arrivalRate: STEADY.arrivalRate * P.loadSpike.factor } : STEADY);
    }
    case 'throughput-degradation': {
      const d = P.degradation;
      const decodeFactor = Math.max(d.floor, Math.pow(d.factorPer10s, t / 10));
      return RUN({ ...STEADY, concurrency: d.concurrency, decodeFactor });
    }
    case 'kv-cache-saturation':
      return RUN({ ...P.kvSaturation, decodeFactor: 1 });
    case 'engine-restart': {
      const down = t % P.restart.everySec >= P.restart.everySec - P.restart.downSec;
      return down ? { workload: STEADY, http: 'dropped', engine: 'down' } : RUN(STEADY);
    }
    case 'outage':
      return { workload: STEADY, http: 'unavailable', engine: 'frozen' };
    case 'stalled':
      return { workload: STEADY, http: 'ok', engine: 'stalled' };
  }
}
