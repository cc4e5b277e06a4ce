/**
 * @module core/logger
 * The monitor logs through this small interface so embedders can route it to
 * their own logger (pino, winston, console). Levels follow the seed's use of
 * Python logging: debug, info, warn, error.
 */

export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const order: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 };

/** A logger writing `level: message` lines to a stream (stderr by default). */
export function createStreamLogger(
  level: LogLevel = 'info',
  write: (line: string) => void = (line) => void process.stderr.write(line),
  name = 'echo-perf',
): Logger {
  const at = order[level];
  const mk =
    (l: Exclude<LogLevel, 'silent'>) =>
    (msg: string): void => {
      if (order[l] >= at) write(`${new Date().toISOString()} ${l.toUpperCase()} ${name}: ${msg}\n`);
    };
  return { debug: mk('debug'), info: mk('info'), warn: mk('warn'), error: mk('error') };
}

/** A logger that keeps lines in memory: for tests and for embedders who poll. */
export class MemoryLogger implements Logger {
  readonly lines: { level: Exclude<LogLevel, 'silent'>; msg: string }[] = [];
  debug(msg: string): void {
    this.lines.push({ level: 'debug', msg });
  }
  info(msg: string): void {
    this.lines.push({ level: 'info', msg });
  }
  warn(msg: string): void {
    this.lines.push({ level: 'warn', msg });
  }
  error(msg: string): void {
    this.lines.push({ level: 'error', msg });
  }
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
