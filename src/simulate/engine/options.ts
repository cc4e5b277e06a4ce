/**
 * @module simulate/engine/options
 * The simulator's options, their defaults, and the checks that turn a bad
 * value into an `EchoPerfError` naming the option, the value and what fits.
 */
import type { Clock } from '../../core/clock.js';
import { SystemClock } from '../../core/clock.js';
import { EchoPerfError } from '../../core/errors.js';
import { FLAVOR_SPECS, FLAVORS, type Flavor, type FlavorSpec } from './flavors/index.js';
import { isScenario, SCENARIOS, type ScenarioName } from './scenarios.js';

export interface EngineSimOptions {
  readonly flavor: Flavor;
  /** 0 = an ephemeral port. */
  readonly port: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default `steady`. */
  readonly scenario?: ScenarioName;
  /** `model_name` label and `/v1/models` id; default per flavor. */
  readonly model?: string;
  /** PRNG seed; same seed and same clock, same pages. Default 42. */
  readonly seed?: number;
  /** Drives the simulation; default the wall clock. */
  readonly clock?: Clock;
  /** Data-parallel ranks (vLLM / Aphrodite only: one `engine="i"` label value each). Default 1. */
  readonly engines?: number;
  /** Simulation step, ms. Default 100. */
  readonly stepMs?: number;
  /** max_model_len (TGI: max_total_tokens); sets token-histogram buckets. Default per flavor (the recorded deployment's). */
  readonly maxModelLen?: number;
}

export interface ResolvedOptions {
  readonly spec: FlavorSpec;
  readonly port: number;
  readonly host: string;
  readonly scenario: ScenarioName;
  readonly model: string;
  readonly seed: number;
  readonly clock: Clock;
  readonly engines: number;
  readonly stepMs: number;
  readonly maxModelLen: number;
}

const bad = (field: string, value: unknown, expected: string): EchoPerfError =>
  new EchoPerfError('EP_ERR_ARGUMENT', `${field}: got ${JSON.stringify(value) ?? String(value)}; expected ${expected}`);

function int(field: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw bad(field, v, `an integer ${min}..${max}`);
  return v;
}

export function isFlavor(s: string): s is Flavor {
  return (FLAVORS as readonly string[]).includes(s);
}

/** Checks `o` and fills in the defaults; throws `EchoPerfError` (`EP_ERR_ARGUMENT`) on the first bad option. */
export function resolveOptions(o: EngineSimOptions): ResolvedOptions {
  if (typeof o.flavor !== 'string' || !isFlavor(o.flavor)) throw bad('flavor', o.flavor, `one of ${FLAVORS.join(', ')}`);
  const spec = FLAVOR_SPECS[o.flavor];
  const scenario = o.scenario ?? 'steady';
  if (!isScenario(scenario)) throw bad('scenario', scenario, `one of ${SCENARIOS.join(', ')}`);
  const engines = int('engines', o.engines ?? 1, 1, 64);
  if (engines > 1 && !spec.multiEngine) {
    throw bad('engines', engines, `1 for ${o.flavor} (only vllm and aphrodite label data-parallel ranks)`);
  }
  const model = o.model ?? spec.defaultModel;
  if (typeof model !== 'string' || model === '') throw bad('model', model, 'a non-empty model name');
  const host = o.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host === '') throw bad('host', host, 'a host name or address');
  return {
    spec,
    port: int('port', o.port, 0, 65535),
    host,
    scenario,
    model,
    seed: int('seed', o.seed ?? 42, 0, 2 ** 32 - 1),
    clock: o.clock ?? new SystemClock(),
    engines,
    stepMs: int('stepMs', o.stepMs ?? 100, 10, 10_000),
    maxModelLen: int('maxModelLen', o.maxModelLen ?? spec.defaultMaxModelLen, 64, 1 << 20),
  };
}
