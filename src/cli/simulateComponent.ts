/** @module cli/simulateComponent  `echo-perf simulate component NAME`: push realistic values to a running monitor. */
import { parseArgs } from 'node:util';
import { canonicalComponent } from '../core/components.js';
import { describeErrorChain, EchoPerfError } from '../core/errors.js';
import { componentPayload, prng, type SimComponent } from '../simulate/component.js';
import { agentBaseUrl, parseOrUsage, shown, SIMULATE_COMPONENT_USAGE, usageError } from './usage.js';

const COMPONENTS = ['dtesn', 'echo_self', 'embodied'];

export async function runSimulateComponent(argv: string[], out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseOrUsage(SIMULATE_COMPONENT_USAGE, () =>
    parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        url: { type: 'string', default: 'http://127.0.0.1:9464' },
        interval: { type: 'string', default: '1' },
        count: { type: 'string' },
        token: { type: 'string' },
        scenario: { type: 'string', default: 'healthy' },
        seed: { type: 'string', default: '1' },
      },
    }),
  );
  const name = canonicalComponent(positionals[0] ?? '');
  if (!COMPONENTS.includes(name)) {
    throw new EchoPerfError('EP_ERR_CLI_USAGE', `simulate component: got ${shown(positionals[0] ?? '')}; expected one of dtesn, echo-self, embodied`);
  }
  const interval = Number(values.interval);
  if (!(interval > 0)) throw new EchoPerfError('EP_ERR_CLI_USAGE', `--interval: got ${shown(values.interval)}; expected seconds > 0`);
  const count = values.count === undefined ? Infinity : Number(values.count);
  if (!(count >= 1) || (count !== Infinity && !Number.isInteger(count))) {
    throw new EchoPerfError('EP_ERR_CLI_USAGE', `--count: got ${shown(values.count ?? '')}; expected an integer >= 1`);
  }
  if (values.scenario !== 'healthy' && values.scenario !== 'degraded') {
    throw new EchoPerfError('EP_ERR_CLI_USAGE', `--scenario: got ${shown(values.scenario)}; expected healthy or degraded`);
  }
  const endpoint = pushEndpoint(values.url, name);
  const rnd = prng(Number(values.seed) || 1);
  let stop = false;
  const onSignal = (): void => void (stop = true);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  out(`pushing ${name} (${values.scenario}) to ${endpoint} every ${interval}s\n`);
  let failures = 0;
  for (let i = 0; i < count && !stop; i++) {
    const payload = { ...componentPayload(name as SimComponent, i, values.scenario, rnd), timestamp: Date.now() / 1000 };
    try {
      const res = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(values.token !== undefined ? { authorization: `Bearer ${values.token}` } : {}) },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(5000),
      });
      if (!res.ok) {
        failures++;
        out(`push ${i}: HTTP ${res.status} ${await res.text()}\n`);
      }
    } catch (e) {
      failures++;
      out(`push ${i}: ${describeErrorChain(e)}\n`);
    }
    if (i + 1 < count && !stop) await new Promise((r) => setTimeout(r, interval * 1000));
  }
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  return failures === 0 ? 0 : 1;
}

/** `{url}/api/v1/push/{name}`. */
function pushEndpoint(raw: string, name: string): string {
  const url = agentBaseUrl(raw);
  if (url === undefined) {
    throw usageError(`--url: got ${shown(raw)}; expected an http:// or https:// URL without ?query or #fragment, e.g. http://127.0.0.1:9464`, SIMULATE_COMPONENT_USAGE);
  }
  return `${url}/api/v1/push/${name}`;
}
