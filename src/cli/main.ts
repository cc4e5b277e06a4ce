#!/usr/bin/env -S node --no-memory-reducer --max-semi-space-size=4
/**
 * @module cli/main  Thin command dispatch over monitor/ and server/.
 *
 * --no-memory-reducer: the agent wakes once a second, and V8's memory reducer
 * takes each wake-up after an idle spell as the cue for a full GC; that tripled
 * the agent's idle CPU (0.57 % → 0.20 % of a core without it, BENCHMARKS.md).
 * The heap is still collected as it grows; it is only not shrunk while idle.
 * The flag must be given at start-up (v8.setFlagsFromString afterwards has no effect).
 *
 * --max-semi-space-size=4 (MiB; V8's default in Node 20 lets it grow to 16):
 * the burst of allocation while modules load grew the young generation to its
 * largest, and its pages stayed resident after the burst, ~13 MiB of the
 * agent's RSS for the first tens of seconds. Capped, the RSS is the same from
 * start to steady state, at no CPU cost measured (1, 2 and 4 gave the same
 * figures; 4 leaves the most room for a busy agent, BENCHMARKS.md).
 *
 * Each command's module is imported when that command runs: the agent
 * (`start`) has no use for the demo, replay, report or simulator code, and
 * loading it all cost the long-running process its source, bytecode and the
 * start-up garbage (BENCHMARKS.md, "where the RSS goes").
 */
import { parseArgs } from 'node:util';
import { EchoPerfError } from '../core/errors.js';
import { isLogLevel, LOG_LEVELS } from '../core/logger.js';
import { COMMAND_USAGE, CONFIG_CHECK_USAGE, CONFIG_SCHEMA_USAGE, CONFIG_USAGE, parseOrUsage, shown, REPLAY_USAGE, SIMULATE_USAGE, START_USAGE, USAGE, usageError, wantsHelp } from './usage.js';
import { packageVersion } from './version.js';

function parsePort(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw usageError(`--port: got ${shown(v)}; expected an integer 0..65535`, START_USAGE);
  return n;
}

/** The command path (`config check`) and the arguments after it. */
function commandPath(argv: readonly string[]): [string, string[]] {
  const [cmd = '', sub, ...more] = argv;
  if ((cmd === 'config' || cmd === 'simulate' || cmd === 'notify' || cmd === 'export') && sub !== undefined && COMMAND_USAGE.has(`${cmd} ${sub}`)) return [`${cmd} ${sub}`, more];
  return [cmd, argv.slice(1)];
}

/** `echo-perf help [COMMAND [SUBCOMMAND]]`. */
function runHelp(args: string[], out: (s: string) => void): number {
  if (args.length === 0) {
    out(USAGE);
    return 0;
  }
  const [path, extra] = commandPath(args);
  const text = COMMAND_USAGE.get(path);
  if (text === undefined || extra.length > 0) throw usageError(`help: unknown command ${shown(args.join(' '))}`);
  out(text);
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const out = (s: string): void => void process.stdout.write(s);
  const err = (s: string): void => void process.stderr.write(s);
  const [cmd, ...rest] = argv;
  if (cmd === '--version' || cmd === '-V') {
    out(`${packageVersion()}\n`);
    return 0;
  }
  const [path, args] = commandPath(argv);
  // Help wins over every other argument, valid or not, as in most CLIs.
  if (cmd !== undefined && COMMAND_USAGE.has(path) && wantsHelp(args)) {
    out(COMMAND_USAGE.get(path)!);
    return 0;
  }
  switch (cmd) {
    case 'start': {
      const { values } = parseOrUsage(START_USAGE, () =>
        parseArgs({
          args: rest,
          options: {
            config: { type: 'string', short: 'c' },
            port: { type: 'string', short: 'p' },
            host: { type: 'string' },
            'data-dir': { type: 'string' },
            'log-level': { type: 'string' },
            'log-file': { type: 'string' },
          },
          strict: true,
        }),
      );
      const port = parsePort(values.port);
      const dataDir = values['data-dir'];
      if (dataDir !== undefined && dataDir.trim() === '') throw usageError('--data-dir: got ""; expected a directory path', START_USAGE);
      const logLevel = values['log-level'];
      if (logLevel !== undefined && !isLogLevel(logLevel)) throw usageError(`--log-level: got ${shown(logLevel)}; expected one of ${LOG_LEVELS.join(', ')}`, START_USAGE);
      const logFile = values['log-file'];
      if (logFile !== undefined && logFile.trim() === '') throw usageError('--log-file: got ""; expected a file path', START_USAGE);
      const { runStart } = await import('./start.js');
      return runStart({
        ...(values.config !== undefined ? { config: values.config } : {}),
        ...(port !== undefined ? { port } : {}),
        ...(values.host !== undefined ? { host: values.host } : {}),
        ...(dataDir !== undefined ? { dataDir } : {}),
        ...(logLevel !== undefined ? { logLevel } : {}),
        ...(logFile !== undefined ? { logFile } : {}),
      });
    }
    case 'config': {
      if (path === 'config check') {
        if (args.length !== 1) throw usageError('config check: expected exactly one FILE', CONFIG_CHECK_USAGE);
        return (await import('./configCmd.js')).runConfigCheck(args[0]!, out, err);
      }
      if (path === 'config schema') {
        if (args.length > 0) throw usageError(`config schema: got ${shown(args.join(' '))}; expected no arguments`, CONFIG_SCHEMA_USAGE);
        return (await import('./configCmd.js')).runConfigSchema(out);
      }
      throw usageError(`config: unknown subcommand ${shown(rest[0] ?? '')}; expected check or schema`, CONFIG_USAGE);
    }
    case 'demo':
      return (await import('./demo.js')).runDemo(rest, out);
    case 'query':
      return (await import('./query.js')).runQuery(rest, out);
    case 'report':
      return (await import('./report.js')).runReport(rest, out);
    case 'silence':
      return (await import('./silence.js')).runSilence(rest, out);
    case 'notify':
      return (await import('./notify.js')).runNotify(rest, out);
    case 'rules':
      return (await import('./rules.js')).runRules(rest, out);
    case 'export':
      return (await import('./exportCmd.js')).runExport(rest, out);
    case 'replay': {
      const { values, positionals } = parseOrUsage(REPLAY_USAGE, () =>
        parseArgs({
          args: rest,
          options: { config: { type: 'string', short: 'c' }, metric: { type: 'string' }, out: { type: 'string' }, scores: { type: 'string' }, detector: { type: 'string' } },
          allowPositionals: true,
          strict: true,
        }),
      );
      if (positionals.length === 0) throw usageError('replay: no INPUT; expected one or more CSV or JSONL files or data dirs', REPLAY_USAGE);
      if (values.out === undefined && values.scores === undefined) throw usageError('replay: nothing to write; expected --out FILE and/or --scores DIR', REPLAY_USAGE);
      if (values.metric !== undefined && !/^[a-zA-Z_:][a-zA-Z0-9_:]{0,199}$/.test(values.metric))
        throw usageError(`--metric: got ${shown(values.metric)}; expected a metric name matching [a-zA-Z_:][a-zA-Z0-9_:]*`, REPLAY_USAGE);
      const { detector, ...rest2 } = values;
      if (detector !== undefined && detector !== 'fast' && detector !== 'context') throw usageError(`--detector: got ${shown(detector)}; expected fast or context`, REPLAY_USAGE);
      if (detector !== undefined && values.scores === undefined) throw usageError('--detector: chooses the detector of --scores; expected --scores DIR with it', REPLAY_USAGE);
      await (await import('./replay.js')).runReplay({ ...rest2, ...(detector !== undefined ? { detector } : {}), inputs: positionals }, err);
      return 0;
    }
    case 'simulate': {
      if (path === 'simulate component') return (await import('./simulateComponent.js')).runSimulateComponent(args, out);
      if (path === 'simulate engine') return (await import('../simulate/engine/index.js')).runSimulateEngine(args, out);
      throw usageError(`simulate: unknown target ${shown(rest[0] ?? '')}; expected component or engine`, SIMULATE_USAGE);
    }
    case 'help':
      return runHelp(rest, out);
    case '--help':
    case '-h':
      out(USAGE);
      return 0;
    case undefined:
      out(USAGE);
      return 2;
    default:
      throw usageError(`unknown command ${shown(cmd)}`);
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
