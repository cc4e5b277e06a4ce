/**
 * @module core/log/pinoLogger
 * The agent's structured logger over pino: JSON lines (pino's fields: `level`
 * as a number, `time` in ms since the epoch, `pid`, `hostname`, `name`, `msg`,
 * plus `level_name`), or pino-pretty's human format on a terminal. Every
 * message is scrubbed of credentials (`redactText`), and structured fields
 * named like secrets are censored by pino's `redact`. Output is synchronous so
 * nothing waits in a buffer at SIGTERM.
 */
import { pino, type DestinationStream, type Logger as Pino } from 'pino';
import { createRequire } from 'node:module';
import type PinoPretty from 'pino-pretty';
import { boundBindings, type Logger, type LogLevel } from '../logger.js';
import { redactText, SECRET } from '../redact.js';
import { errorFields } from './errorFields.js';
import { RotatingFile } from './rotatingFile.js';

export type LogFormat = 'json' | 'pretty' | 'auto';

export interface LogFileOptions {
  path: string;
  /** Bytes before the file is rotated (default 10 MiB). */
  maxSize?: number;
  /** Rotated files kept besides the current one (default 5). */
  maxFiles?: number;
}

export interface CreateLoggerOptions {
  level?: LogLevel;
  /** pino's `name` field (default "echo-perf"). */
  name?: string;
  /** json, pretty, or auto: pretty when the destination is a terminal (default auto). A file is always JSON. */
  format?: LogFormat;
  /** Log to this file, rotated by size, instead of the destination. */
  file?: LogFileOptions;
  /** Where lines go without `file` (default stderr). */
  destination?: { write(line: string): unknown; isTTY?: boolean };
}

/** A Logger with pino's child loggers, that can be closed at exit. */
export interface AgentLogger extends Logger {
  child(bindings: Record<string, string>): AgentLogger;
  readonly level: LogLevel;
  /** Where lines go: the log file's path, or "stderr". */
  readonly target: string;
  /** Writes out anything pending and closes the log file; later lines are dropped. */
  close(): void;
}

export const LOG_FILE_DEFAULTS = { maxSize: 10_485_760, maxFiles: 5 } as const;

/**
 * Field paths pino censors (its `redact` option, fast-redact syntax): the
 * credentials a structured field could carry, at the top and one level down.
 */
const REDACT_KEYS = ['password', 'passwd', 'token', 'secret', 'api_key', 'apikey', 'authorization', 'push_token', 'bearer_token', 'smtp_password', 'hmac_secret'];
export const REDACT_PATHS = [
  ...REDACT_KEYS,
  ...REDACT_KEYS.map((k) => `*.${k}`),
  'headers.authorization',
  'headers.cookie',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["x-api-key"]',
];

/**
 * A pino-backed Logger.
 * @example const log = createLogger({ level: 'debug', file: { path: '/var/log/echo-perf/agent.log' } });
 * childLogger(log, { stage: 'collect' }).warn('scrape failed', err);
 */
export function createLogger(options: CreateLoggerOptions = {}): AgentLogger {
  const level = options.level ?? 'info';
  let file: RotatingFile | undefined;
  let dest: DestinationStream;
  let target = 'stderr';
  if (options.file !== undefined) {
    file = new RotatingFile({
      path: options.file.path,
      maxSize: options.file.maxSize ?? LOG_FILE_DEFAULTS.maxSize,
      maxFiles: options.file.maxFiles ?? LOG_FILE_DEFAULTS.maxFiles,
    });
    dest = file;
    target = file.path;
  } else {
    const out = options.destination ?? stderrDestination();
    const format = options.format ?? 'auto';
    const pretty = format === 'pretty' || (format === 'auto' && out.isTTY === true);
    dest = pretty ? prettyDestination(out, out.isTTY === true) : { write: (s: string) => void out.write(s) };
  }
  const root = pino(
    {
      name: options.name ?? 'echo-perf',
      level,
      // The label beside pino's numeric level, for readers that do not know pino's numbers.
      formatters: { level: (label, number) => ({ level: number, level_name: label }) },
      redact: { paths: REDACT_PATHS, censor: SECRET },
      // `err` arrives already as errorFields (bounded, scrubbed); pino's own serializer would flatten its causes.
      serializers: { err: (e: unknown) => e },
    },
    dest,
  );
  let closed = false;
  const wrap = (p: Pino): AgentLogger => ({
    debug: (msg) => p.debug(redactText(msg)),
    info: (msg) => p.info(redactText(msg)),
    warn: (msg, err) => (err === undefined ? p.warn(redactText(msg)) : p.warn({ err: errorFields(err) }, redactText(msg))),
    error: (msg, err) => (err === undefined ? p.error(redactText(msg)) : p.error({ err: errorFields(err) }, redactText(msg))),
    child: (bindings) => wrap(p.child(scrubBindings(bindings))),
    level,
    target,
    close: () => {
      if (closed) return;
      closed = true;
      root.flush();
      // Later lines (a late timer, a stop handler) are dropped rather than written to a closed file.
      root.level = 'silent';
      file?.close();
    },
  });
  return wrap(root);
}

function scrubBindings(bindings: Record<string, string>): Record<string, string> {
  const b = boundBindings(bindings);
  for (const k of Object.keys(b)) b[k] = redactText(b[k]!);
  return b;
}

/** stderr written synchronously (sonic-boom's sync mode), so lines are out before the process exits. */
function stderrDestination(): { write(line: string): unknown; isTTY?: boolean } {
  const boom = pino.destination({ fd: 2, sync: true });
  return { write: (s: string) => boom.write(s), isTTY: process.stderr.isTTY };
}

/** pino-pretty in-process: each JSON line is formatted and written at once, no worker thread. */
function prettyDestination(out: { write(line: string): unknown }, colorize: boolean): DestinationStream {
  // Loaded only for a terminal: the agent under a service manager never pays for it (memory, start-up).
  const pinoPretty = createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
  const prettify = pinoPretty.prettyFactory({ colorize, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,level_name' });
  return { write: (s: string) => void out.write(prettify(s)) };
}
