/**
 * @module cli/demo
 * `echo-perf demo`: the seed's demo_performance_monitoring.py, on a live stack.
 * Two simulated engines (aphrodite, whose scenario is switched live, and vllm,
 * steady throughout) are scraped by an IntegratedPerformanceSystem, the three
 * Deep Tree Echo components push in-process every tick, and a script of phases
 * (demoPhases.ts) makes each kind of alert fire and resolve, with a live status
 * line, every alert event on its own line, a summary and a JSON report.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EchoPerfError } from '../core/errors.js';
import { DEFAULT_PHASE_S, FAST_PHASE_S } from './demoPhases.js';
import { DemoSession, type DemoOptions } from './demoSession.js';
import { Terminal } from './demoView.js';
import { DEMO_USAGE } from './usage.js';

export { DEMO_USAGE };

interface DemoArgs extends DemoOptions {
  readonly reportPath: string;
}

function parseDemoArgs(argv: string[]): DemoArgs | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      phase: { type: 'string' },
      fast: { type: 'boolean' },
      interval: { type: 'string' },
      report: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help === true) return 'help';
  const usage = (msg: string): never => {
    throw new EchoPerfError('EP_ERR_CLI_USAGE', `${msg}\n${DEMO_USAGE}`);
  };
  const phaseS = values.phase !== undefined ? Number(values.phase) : values.fast === true ? FAST_PHASE_S : DEFAULT_PHASE_S;
  if (!(phaseS >= 5 && phaseS <= 600)) usage(`--phase: got "${values.phase}"; expected seconds 5..600`);
  const intervalS = values.interval !== undefined ? Number(values.interval) : 1;
  if (!(intervalS >= 0.2 && intervalS <= 5)) usage(`--interval: got "${values.interval}"; expected seconds 0.2..5`);
  return { phaseS, intervalS, reportPath: resolve(values.report ?? 'echo-perf-demo-report.json') };
}

/**
 * Runs the demo and stops everything it started; SIGINT or SIGTERM ends it early,
 * with the summary and the report. Resolves 0, or 1 when the report could not be written.
 * @example process.exitCode = await runDemo(['--fast'], (s) => void process.stdout.write(s));
 */
export async function runDemo(argv: string[], out: (s: string) => void, io: { tty?: boolean; columns?: number } = {}): Promise<number> {
  const args = parseDemoArgs(argv);
  if (args === 'help') {
    out(`${DEMO_USAGE}\n`);
    return 0;
  }
  const term = new Terminal(out, io.tty ?? process.stdout.isTTY === true, io.columns ?? (process.stdout.columns || 160));
  const ac = new AbortController();
  const onSignal = (): void => ac.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let session: DemoSession | undefined;
  try {
    session = await DemoSession.start(args, term);
    await session.run(ac.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (ac.signal.aborted) term.line('interrupted: stopping');
    await session?.stop();
  }
  return session.finish(args.reportPath, ac.signal.aborted);
}
