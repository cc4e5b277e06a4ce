/** @module cli/start  `echo-perf start`: run the integrated monitor on this machine until SIGINT/SIGTERM. */
import { EchoPerfError } from '../core/errors.js';
import { loadConfigFile, parseConfig } from '../config/index.js';
import { isLoopbackHost } from '../core/net.js';
import { formatAlertLine } from '../notify/console.js';
import { routedLocal } from '../notify/local.js';
import { IntegratedPerformanceSystem } from '../monitor/integrated.js';
import type { AgentLogger } from '../core/log/pinoLogger.js';
import { startLogger, type LogArgs } from './logSetup.js';
import { formatStatusLine } from './statusLine.js';
import { shown, START_USAGE, usageError } from './usage.js';

export interface StartOptions extends LogArgs {
  config?: string;
  port?: number;
  host?: string;
  /** Where history is kept (over config storage.data_dir). */
  dataDir?: string;
}

export async function runStart(opts: StartOptions, out: NodeJS.WriteStream = process.stdout): Promise<number> {
  // The config is read first for its log settings; the system reads it again (a few ms, once).
  const logger = startLogger(opts, opts.config !== undefined ? loadConfigFile(opts.config) : parseConfig({}));
  try {
    return await runWith(logger, opts, out);
  } finally {
    // Lines are written synchronously; close() ends the file so nothing comes after the last one.
    logger.close();
  }
}

async function runWith(logger: AgentLogger, opts: StartOptions, out: NodeJS.WriteStream): Promise<number> {
  const system = new IntegratedPerformanceSystem({
    ...(opts.config !== undefined ? { configPath: opts.config } : {}),
    logger,
    consoleAlerts: false,
    listen: { host: opts.host, port: opts.port },
    // The agent keeps history unless its config says storage.enabled: false.
    persistByDefault: true,
    ...(opts.dataDir !== undefined ? { dataDir: opts.dataDir } : {}),
  });
  const monitor = system.monitor;
  if (opts.host !== undefined && !isLoopbackHost(opts.host) && monitor.config.server.push_token === undefined) {
    throw usageError(
      `--host: got ${shown(opts.host)}, not a loopback address; binding it requires server.push_token ` +
        'in the config file (--config FILE), or --host 127.0.0.1',
      START_USAGE,
    );
  }
  const tty = out.isTTY === true;
  let statusShown = false;
  const clearStatus = (): void => {
    if (tty && statusShown) out.write('\r\x1b[2K');
    statusShown = false;
  };
  const onAlert = routedLocal(monitor.config.notifiers, 'console', (a) => {
    clearStatus();
    out.write(formatAlertLine(a) + '\n');
  });
  if (onAlert !== undefined) monitor.registerAlertHandler(onAlert);
  let n = 0;
  monitor.onTick((snap) => {
    // Not a terminal: one line every 10 ticks, not a flood (and no work for the other nine).
    if (!tty && n++ % 10 !== 0) return;
    const line = formatStatusLine(snap, monitor.firingAlerts().length, monitor.collectorStatus());
    if (tty) {
      out.write('\r\x1b[2K' + line);
      statusShown = true;
    } else out.write(line + '\n');
  });
  try {
    await system.start();
  } catch (e) {
    await system.stop();
    // A refusal the user can fix (a data dir in use, a newer schema, a bad bind) is said and exits 2.
    if (e instanceof EchoPerfError) throw e;
    return 1;
  }
  // Listening before the line that says so: a supervisor may signal as soon as it reads it.
  const signalled = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  out.write(`echo-perf monitoring this machine every ${monitor.monitorInterval}s; metrics at ${system.address?.url ?? '(not served)'}/metrics (Ctrl-C to stop)\n`);
  // Keep the process alive: the monitor's own timers are unref'ed for embedders.
  const keepAlive = setInterval(() => {}, 1 << 30);
  const signal = await signalled;
  clearInterval(keepAlive);
  clearStatus();
  out.write(`\nreceived ${signal}, stopping\n`);
  logger.info(`received ${signal}, stopping`);
  await system.stop();
  logger.info('stopped');
  return 0;
}
