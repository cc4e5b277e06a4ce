/**
 * @module simulate/engine/usage
 * The usage text of `echo-perf simulate engine`, apart from the simulator so
 * the CLI's help table does not load the simulator (and every process that
 * reads the table, the agent included, does not carry it).
 */
import { FLAVOR_SPECS, FLAVORS } from './flavors/index.js';
import { SCENARIOS } from './scenarios.js';

export const SIMULATE_ENGINE_USAGE = `usage: echo-perf simulate engine --flavor F [--port N] [--scenario NAME] [--host H] [--model M] [--engines K] [--seed S]

  --flavor F       ${FLAVORS.join(' | ')}
  --port N         0..65535, 0 = any free port (default: the engine's own: ${FLAVORS.map((f) => `${f} ${FLAVOR_SPECS[f].defaultPort}`).join(', ')})
  --scenario NAME  ${SCENARIOS.join(' | ')} (default steady)
  --host H         address to bind (default 127.0.0.1)
  --model M        model name on the page (default per flavor)
  --engines K      data-parallel ranks, vllm and aphrodite only (default 1)
  --seed S         PRNG seed (default 42)
`;
