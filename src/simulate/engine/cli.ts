/**
 * @module simulate/engine/cli
 * `echo-perf simulate engine --flavor F [--port N] [--scenario NAME] [--host H]
 * [--model M] [--engines K] [--seed S]`: serves a simulated engine until
 * SIGINT/SIGTERM. Usage errors throw `EchoPerfError` (`EP_ERR_CLI_USAGE`) naming
 * the flag, the value and what it accepts; the CLI turns them into exit 2.
 */
import { parseArgs } from 'node:util';
import { EchoPerfError } from '../../core/errors.js';
import { FLAVOR_SPECS, FLAVORS } from './flavors/index.js';
import { isFlavor } from './options.js';
import { isScenario, SCENARIOS } from './scenarios.js';
import { SIMULATE_ENGINE_USAGE } from './usage.js';
import { startEngineSimulator } from './simulator.js';

export { SIMULATE_ENGINE_USAGE };

/** Where the command writes: a function or a writable stream. */
export type Out = ((s: string) => void) | { write(s: string): unknown };

export interface RunSimulateEngineHooks {
  /** Stops the command as SIGINT would (tests, embedding). */
  readonly signal?: AbortSignal;
}

function usage(flag: string, value: string | undefined, expected: string): never {
  const got = value === undefined ? 'missing' : `got ${JSON.stringify(value)}`;
  throw new EchoPerfError('EP_ERR_CLI_USAGE', `${flag}: ${got}; expected ${expected}\n\n${SIMULATE_ENGINE_USAGE}`);
}

function intFlag(flag: string, v: string, min: number, max: number): number {
  const n = /^\d+$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) usage(flag, v, `an integer ${min}..${max}`);
  return n;
}

/**
 * Runs the command; resolves 0 after SIGINT/SIGTERM (or `hooks.signal`) once the server is closed.
 * @example
 * // src/cli/main.ts: case 'simulate': if (rest[0] === 'engine') return runSimulateEngine(rest.slice(1), out);
 * await runSimulateEngine(['--flavor', 'vllm', '--port', '8000', '--scenario', 'load-spike'], process.stdout);
 */
export async function runSimulateEngine(argv: string[], out: Out, hooks: RunSimulateEngineHooks = {}): Promise<number> {
  const write = typeof out === 'function' ? out : (s: string): void => void out.write(s);
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        flavor: { type: 'string' },
        port: { type: 'string', short: 'p' },
        scenario: { type: 'string' },
        host: { type: 'string' },
        model: { type: 'string' },
        engines: { type: 'string' },
        seed: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new EchoPerfError('EP_ERR_CLI_USAGE', `${e instanceof Error ? e.message : String(e)}\n\n${SIMULATE_ENGINE_USAGE}`, { cause: e });
  }
  if (values['help'] === true) {
    write(SIMULATE_ENGINE_USAGE);
    return 0;
  }
  const str = (k: string): string | undefined => (typeof values[k] === 'string' ? values[k] : undefined);
  const flavor = str('flavor');
  if (flavor === undefined || !isFlavor(flavor)) return usage('--flavor', flavor, `one of ${FLAVORS.join(', ')}`);
  const scenario = str('scenario') ?? 'steady';
  if (!isScenario(scenario)) return usage('--scenario', scenario, `one of ${SCENARIOS.join(', ')}`);
  const spec = FLAVOR_SPECS[flavor];
  const port = str('port') === undefined ? spec.defaultPort : intFlag('--port', str('port')!, 0, 65535);
  const engines = str('engines') === undefined ? 1 : intFlag('--engines', str('engines')!, 1, 64);
  if (engines > 1 && !spec.multiEngine) usage('--engines', String(engines), `1 for ${flavor} (only vllm and aphrodite label data-parallel ranks)`);
  const seed = str('seed') === undefined ? undefined : intFlag('--seed', str('seed')!, 0, 2 ** 32 - 1);
  const model = str('model');
  if (model === '') usage('--model', model, 'a non-empty model name');
  const host = str('host');

  const sim = await startEngineSimulator({
    flavor,
    port,
    scenario,
    engines,
    ...(host !== undefined ? { host } : {}),
    ...(model !== undefined ? { model } : {}),
    ...(seed !== undefined ? { seed } : {}),
  });
  write(`echo-perf simulate engine: ${flavor} scenario ${scenario}, ${engines} engine(s)\n${sim.url}\nmetrics: ${sim.metricsUrl}\n`);
  const why = await waitForStop(hooks.signal);
  await sim.close();
  write(`echo-perf simulate engine: stopped (${why})\n`);
  return 0;
}

/** Resolves with what stopped the command; removes its handlers again. */
function waitForStop(signal: AbortSignal | undefined): Promise<string> {
  return new Promise((resolve) => {
    const done = (why: string) => (): void => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      signal?.removeEventListener('abort', onAbort);
      resolve(why);
    };
    const onInt = done('SIGINT');
    const onTerm = done('SIGTERM');
    const onAbort = done('abort');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
    if (signal?.aborted === true) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}
