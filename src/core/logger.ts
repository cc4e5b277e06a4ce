/**
 * @module core/logger
 * The monitor logs through this small interface so embedders can route it to
 * their own logger (pino, winston, console). Levels follow the seed's use of
 * Python logging: debug, info, warn, error. `createLogger` (core/log/pinoLogger)
 * is the agent's own, structured implementation.
 */
import { describeError } from './errors.js';
import { truncateText } from './preview.js';

export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  /** `err`, when given, is logged as an error object (type, message, stack, code, cause). */
  warn(msg: string, err?: unknown): void;
  error(msg: string, err?: unknown): void;
  /**
   * A logger whose lines carry `bindings` (`{ stage: 'collect' }`). Optional so
   * that any object with the four methods stays a Logger; call `childLogger`.
   */
  child?(bindings: Record<string, string>): Logger;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];
const order: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 };

/** Whether `s` is one of LOG_LEVELS. */
export function isLogLevel(s: string): s is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(s);
}

/** Bindings a child keeps: a label set, not a payload. */
const MAX_BINDINGS = 16;
const BINDING_CHARS = 100;

const BINDING_KEY = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

/**
 * `bindings` cut to a few short entries with plain names; a key that is a
 * property of Object.prototype (`hasOwnProperty`) is left out, as loggers
 * call those on the bindings object.
 */
export function boundBindings(bindings: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  let n = 0;
  for (const [k, v] of Object.entries(bindings)) {
    if (n >= MAX_BINDINGS) break;
    if (!BINDING_KEY.test(k) || k in Object.prototype) continue;
    out[k] = truncateText(String(v), BINDING_CHARS);
    n++;
  }
  return out;
}

/**
 * `logger.child(bindings)` where the logger has one; otherwise a logger that
 * prefixes each message with the bindings (`[collector=gpu] …`), so loggers
 * given by embedders (and MemoryLogger) keep working.
 * @example childLogger(new MemoryLogger(), { stage: 'collect' }).info('x') // line "[stage=collect] x"
 */
export function childLogger(logger: Logger, bindings: Record<string, string>): Logger {
  const b = boundBindings(bindings);
  if (typeof logger.child === 'function') return logger.child(b);
  const prefix = `[${Object.entries(b)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ')}] `;
  return {
    debug: (msg) => logger.debug(prefix + msg),
    info: (msg) => logger.info(prefix + msg),
    warn: (msg, err) => (err === undefined ? logger.warn(prefix + msg) : logger.warn(prefix + msg, err)),
    error: (msg, err) => (err === undefined ? logger.error(prefix + msg) : logger.error(prefix + msg, err)),
    child: (more) => childLogger(logger, { ...b, ...more }),
  };
}

/** `: message` and the stack of `err` for one-line loggers; nothing when there is no error. */
function errSuffix(err: unknown): string {
  if (err === undefined) return '';
  const stack = err instanceof Error && err.stack !== undefined ? `\n${err.stack}` : '';
  return `: ${describeError(err)}${stack}`;
}

/** A logger writing `level: message` lines to a stream (stderr by default). */
export function createStreamLogger(
  level: LogLevel = 'info',
  write: (line: string) => void = (line) => void process.stderr.write(line),
  name = 'echo-perf',
): Logger {
  const at = order[level];
  const mk =
    (l: Exclude<LogLevel, 'silent'>) =>
    (msg: string, err?: unknown): void => {
      if (order[l] >= at) write(`${new Date().toISOString()} ${l.toUpperCase()} ${name}: ${msg}${errSuffix(err)}\n`);
    };
  return { debug: mk('debug'), info: mk('info'), warn: mk('warn'), error: mk('error') };
}

/** A logger that keeps lines in memory: for tests and for embedders who poll. */
export class MemoryLogger implements Logger {
  readonly lines: { level: Exclude<LogLevel, 'silent'>; msg: string; err?: unknown }[] = [];
  debug(msg: string): void {
    this.lines.push({ level: 'debug', msg });
  }
  info(msg: string): void {
    this.lines.push({ level: 'info', msg });
  }
  warn(msg: string, err?: unknown): void {
    this.lines.push(err === undefined ? { level: 'warn', msg } : { level: 'warn', msg, err });
  }
  error(msg: string, err?: unknown): void {
    this.lines.push(err === undefined ? { level: 'error', msg } : { level: 'error', msg, err });
  }
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
