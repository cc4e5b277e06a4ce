/**
 * The fleet bench's engines, in a process of their own so that their page
 * rendering is neither the bench's (it runs the receivers) nor an agent's:
 * starts `ENGINES` simulated vLLM engines (steady load) on 127.0.0.1, prints
 * their /metrics URLs as one JSON line, and serves until SIGTERM.
 */
import { startEngineSimulator } from '../src/simulate/engine/index.js';

const n = Number(process.env['ENGINES'] ?? 50);
if (!Number.isInteger(n) || n < 1 || n > 500) throw new Error(`ENGINES: ${JSON.stringify(process.env['ENGINES'])} is not an integer from 1 to 500`);
const sims = await Promise.all(Array.from({ length: n }, (_, i) => startEngineSimulator({ flavor: 'vllm', port: 0, scenario: 'steady', seed: 1000 + i })));
process.stdout.write(`${JSON.stringify(sims.map((s) => s.metricsUrl))}\n`);
process.once('SIGTERM', () => void Promise.all(sims.map((s) => s.close())).then(() => process.exit(0)));
