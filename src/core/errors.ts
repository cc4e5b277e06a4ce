/**
 * @module core/errors
 * One catalogue of error codes. Every code is documented in docs/errors.md, and
 * a test fails when the two disagree. Messages name the field, the value and
 * what was expected.
 */

export const ErrorCodes = {
  /** The config file or object does not match the schema. */
  EP_ERR_CONFIG_INVALID: 'EP_ERR_CONFIG_INVALID',
  /** The config file cannot be read or is not JSON. */
  EP_ERR_CONFIG_READ: 'EP_ERR_CONFIG_READ',
  /** A collector name or function given to registerCollector is unusable. */
  EP_ERR_COLLECTOR_INVALID: 'EP_ERR_COLLECTOR_INVALID',
  /** A collector returned something that is not metrics. */
  EP_ERR_COLLECTOR_RESULT: 'EP_ERR_COLLECTOR_RESULT',
  /** A collector did not finish within its timeout. */
  EP_ERR_COLLECTOR_TIMEOUT: 'EP_ERR_COLLECTOR_TIMEOUT',
  /** An argument to a public method is out of its domain. */
  EP_ERR_ARGUMENT: 'EP_ERR_ARGUMENT',
  /** Text in the Prometheus exposition formats could not be parsed. */
  EP_ERR_EXPOSITION_PARSE: 'EP_ERR_EXPOSITION_PARSE',
  /** An exposition page breached a per-page limit (sample_limit, label_limit, label name/value length). */
  EP_ERR_EXPOSITION_LIMIT: 'EP_ERR_EXPOSITION_LIMIT',
  /** A command-line argument is missing or malformed. */
  EP_ERR_CLI_USAGE: 'EP_ERR_CLI_USAGE',
  /** The data dir is held by another running agent (its LOCK file names a live pid). */
  EP_ERR_STORE_LOCKED: 'EP_ERR_STORE_LOCKED',
  /** The data dir was written by a newer schema version than this build reads. */
  EP_ERR_STORE_VERSION: 'EP_ERR_STORE_VERSION',
  /** The data dir or its database cannot be created or opened. */
  EP_ERR_STORE_OPEN: 'EP_ERR_STORE_OPEN',
  /** Stored data (a compressed chunk) is truncated, damaged or of an unknown format version. */
  EP_ERR_STORE_CORRUPT: 'EP_ERR_STORE_CORRUPT',
  /** A replay input (CSV or JSONL series) cannot be read or has a malformed line. */
  EP_ERR_REPLAY_INPUT: 'EP_ERR_REPLAY_INPUT',
  /** A notification could not be delivered (receiver down, refused, timed out, or answered an error). */
  EP_ERR_DELIVERY: 'EP_ERR_DELIVERY',
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

/** The one error type thrown by configuration, construction and API input. */
export class EchoPerfError extends Error {
  readonly code: ErrorCode;
  /** Structured detail (e.g. the list of config issues) for callers and HTTP 400 bodies. */
  readonly details: readonly unknown[];

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; details?: readonly unknown[] }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EchoPerfError';
    this.code = code;
    this.details = options?.details ?? [];
  }
}

/** A collector, handler or request ran past its time. Callers tell it apart from other failures. */
export class TimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} timed out after ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

/** Renders any thrown value as one line for status fields and logs. */
export function describeError(e: unknown): string {
  if (e instanceof Error) return e.message;
  try {
    return `non-Error thrown: ${JSON.stringify(e)}`;
  } catch {
    return `non-Error thrown: ${String(e)}`;
  }
}

const CHAIN_DEPTH = 4;
const CHAIN_LENGTH = 300;

function messageOf(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return e.message !== '' ? e.message : typeof code === 'string' ? code : e.name;
  }
  return String(e);
}

/**
 * The message and its causes, outermost first: fetch rejects with "fetch failed"
 * and keeps the reason (`connect ECONNREFUSED 127.0.0.1:1`, a DNS or TLS error)
 * in `cause`, an AggregateError when several addresses were tried.
 * @example describeErrorChain(new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:1') }))
 * // 'fetch failed: connect ECONNREFUSED 127.0.0.1:1'
 */
export function describeErrorChain(e: unknown): string {
  const parts: string[] = [];
  let cur: unknown = e;
  for (let depth = 0; depth < CHAIN_DEPTH && cur !== undefined && cur !== null; depth++) {
    if (cur instanceof AggregateError && cur.errors.length > 0) {
      parts.push([...new Set(cur.errors.slice(0, 4).map(messageOf))].join('; '));
      break;
    }
    const m = messageOf(cur);
    if (!parts.includes(m)) parts.push(m);
    cur = cur instanceof Error ? cur.cause : undefined;
  }
  const text = parts.join(': ');
  return text.length > CHAIN_LENGTH ? `${text.slice(0, CHAIN_LENGTH)}...` : text;
}
