/** @module cli/logSetup  The agent's logger from --log-level / ECHO_PERF_LOG / config, and --log-file / config log_file. */
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { EchoPerfError } from '../core/errors.js';
import { truncateText } from '../core/preview.js';
import { createLogger, type AgentLogger, type LogFileOptions } from '../core/log/pinoLogger.js';
import { LOG_FILE_MODE } from '../core/log/rotatingFile.js';
import { isLogLevel, LOG_LEVELS, type LogLevel } from '../core/logger.js';
import { shown } from './usage.js';
import type { EchoPerfConfig } from '../config/index.js';

export interface LogArgs {
  /** --log-level, already checked */
  logLevel?: LogLevel;
  /** --log-file */
  logFile?: string;
}

/** The environment variable that sets the log level (the seed's debug switch), below --log-level. */
export const LOG_ENV = 'ECHO_PERF_LOG';

/** --log-level, then ECHO_PERF_LOG, then config log_level; with where it came from. */
export function logLevelOf(args: LogArgs, config: Pick<EchoPerfConfig, 'log_level'>, env: NodeJS.ProcessEnv = process.env): { level: LogLevel; from: string } {
  if (args.logLevel !== undefined) return { level: args.logLevel, from: '--log-level' };
  const v = env[LOG_ENV];
  if (v !== undefined && v !== '') {
    const l = v.trim().toLowerCase();
    if (!isLogLevel(l)) throw new EchoPerfError('EP_ERR_ARGUMENT', `${LOG_ENV}: got ${shown(v)}; expected one of ${LOG_LEVELS.join(', ')}`);
    return { level: l, from: LOG_ENV };
  }
  return { level: config.log_level, from: 'log_level' };
}

/** The agent's logger; a log file that cannot be opened is refused here, naming where it was set. */
export function startLogger(args: LogArgs, config: Pick<EchoPerfConfig, 'log_level' | 'log_file'>, env: NodeJS.ProcessEnv = process.env): AgentLogger {
  const { level, from } = logLevelOf(args, config, env);
  const logger = createLogger({ level, name: 'echo-perf', ...fileOf(args, config) });
  logger.debug(`logging at ${level} (from ${from}) to ${logger.target}`);
  return logger;
}

function fileOf(args: LogArgs, config: Pick<EchoPerfConfig, 'log_file'>): { file?: LogFileOptions } {
  const path = args.logFile ?? config.log_file.path;
  if (path === undefined) return {};
  const field = args.logFile !== undefined ? '--log-file' : 'log_file.path';
  try {
    // Private as the data dir: a log holds hostnames, URLs and alert text (core/log/rotatingFile).
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    closeSync(openSync(path, 'a', LOG_FILE_MODE));
  } catch (e) {
    const why = truncateText(e instanceof Error ? e.message : String(e), 200);
    throw new EchoPerfError('EP_ERR_ARGUMENT', `${field}: got ${shown(path)}, which cannot be written (${why}); expected a writable file path`);
  }
  return { file: { path, maxSize: config.log_file.max_size, maxFiles: config.log_file.max_files } };
}
