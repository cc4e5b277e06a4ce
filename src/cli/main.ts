#!/usr/bin/env -S node --no-memory-reducer
/**
 * @module cli/main  Thin command dispatch over monitor/ and server/.
 *
 * --no-memory-reducer: the agent wakes once a second, and V8's memory reducer
 * takes each wake-up after an idle spell as the cue for a full GC; that tripled
 * the agent's idle CPU (0.57 % → 0.20 % of a core without it, BENCHMARKS.md).
 * The heap is still collected as it grows; it is only not shrunk while idle.
 * The flag must be given at start-up (v8.setFlagsFromString afterwards has no effect).
 */
import { parseArgs } from 'node:util';
import { EchoPerfError } from '../core/errors.js';
import { runConfigCheck, runConfigSchema } from './configCmd.js';
import { runDemo } from './demo.js';
import { runStart } from './start.js';
import { runSimulateComponent } from './simulateComponent.js';
import { runSimulateEngine } from '../simulate/engine/index.js';

const USAGE = `usage: echo-perf <command> [options]

commands:
  start [--config FILE] [--port N] [--host ADDR] [--data-dir DIR]
                          run the monitor on this machine
  demo [--phase SECONDS | --fast] [--interval SECONDS] [--report PATH]
                          ~4 min of simulated engines and components going through load spike,
                          degradation, KV saturation, stall, restart and outage, with live alerts,
                          a summary and a JSON report (--fast: ~1 min 35 s)
  config check FILE       validate a config file (exit 0 valid, 2 invalid)
  config schema           print the config file's JSON Schema
  simulate engine --flavor aphrodite|vllm|sglang|tgi|llamacpp [--port N] [--scenario NAME]
                          serve a live simulated engine /metrics on 127.0.0.1 (scenarios: steady,
                          load-spike, throughput-degradation, kv-cache-saturation, engine-restart,
                          outage, stalled)
  simulate component dtesn|echo-self|embodied [--url URL] [--interval S] [--count N]
                          [--scenario healthy|degraded] [--token T]
                          push realistic component metrics to a running monitor
  help                    this text
`;

function usageError(msg: string): never {
  throw new EchoPerfError('EP_ERR_CLI_USAGE', `${msg}\n\n${USAGE}`);
}

function parsePort(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) usageError(`--port: got "${v}"; expected an integer 0..65535`);
  return n;
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  const out = (s: string): void => void process.stdout.write(s);
  const err = (s: string): void => void process.stderr.write(s);
  switch (cmd) {
    case 'start': {
      const { values } = parseArgs({
        args: rest,
        options: {
          config: { type: 'string', short: 'c' },
          port: { type: 'string', short: 'p' },
          host: { type: 'string' },
          'data-dir': { type: 'string' },
        },
        strict: true,
      });
      const port = parsePort(values.port);
      return runStart({
        ...(values.config !== undefined ? { config: values.config } : {}),
        ...(port !== undefined ? { port } : {}),
        ...(values.host !== undefined ? { host: values.host } : {}),
        ...(values['data-dir'] !== undefined ? { dataDir: values['data-dir'] } : {}),
      });
    }
    case 'config': {
      const [sub, file, ...extra] = rest;
      if (sub === 'check') {
        if (file === undefined || extra.length > 0) usageError('config check: expected exactly one FILE');
        return runConfigCheck(file, out, err);
      }
      if (sub === 'schema') return runConfigSchema(out);
      return usageError(`config: unknown subcommand ${JSON.stringify(sub ?? '')}; expected check or schema`);
    }
    case 'demo':
      return runDemo(rest, out);
    case 'simulate': {
      const [what, ...args] = rest;
      if (what === 'component') return runSimulateComponent(args, out);
      if (what === 'engine') return runSimulateEngine(args, out);
      return usageError(`simulate: unknown target ${JSON.stringify(what ?? '')}; expected component or engine`);
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      out(USAGE);
      return cmd === undefined ? 2 : 0;
    default:
      return usageError(`unknown command ${JSON.stringify(cmd)}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof EchoPerfError) {
      process.stderr.write(`echo-perf: ${e.message}\n`);
      process.exitCode = 2;
    } else if (e instanceof Error && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`echo-perf: ${e.message}\n\n${USAGE}`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`echo-perf: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    }
  },
);
