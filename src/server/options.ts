/**
 * @module server/options
 * The server's options, their defaults (one literal, a unit on each value) and
 * the check that turns user input into a frozen, typed object before anything
 * is constructed.
 */
import { EchoPerfError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { previewValue } from '../core/preview.js';

/** Options of `createServer`. Every limit has a default; see `serverDefaults`. */
export interface ServerOptions {
  /** Address to bind. Anything but loopback (127.0.0.0/8, ::1, localhost) requires `token`. */
  readonly host?: string;
  /** TCP port; 0 picks an ephemeral port (read it from `listen()`'s result). */
  readonly port?: number;
  /** Largest request line + headers Node accepts; more is answered 431. */
  readonly maxHeaderBytes?: number;
  /** Longest request target (path + query) accepted; longer is answered 414. */
  readonly maxUrlLength?: number;
  /** Concurrent TCP connections; connections past it are closed on accept. */
  readonly maxConnections?: number;
  /**
   * Concurrent connections from one client (one IPv4 address, one IPv6 /64); more are
   * closed on accept, so one client cannot take the whole `maxConnections` budget.
   */
  readonly maxConnectionsPerIp?: number;
  /** Time a client has to send the request line and headers; a trickling client gets 408. At most `requestTimeoutMs`. */
  readonly headersTimeoutMs?: number;
  /**
   * Time a client has to send a whole request (headers and body); it also bounds
   * how long a socket may sit without any activity.
   */
  readonly requestTimeoutMs?: number;
  /** Time an idle keep-alive connection is kept open between requests. */
  readonly keepAliveTimeoutMs?: number;
  /** Requests served on one keep-alive connection before the server closes it; 0 = no limit (the default). */
  readonly maxRequestsPerSocket?: number;
  /** Largest request body accepted; more is answered 413. */
  readonly bodyLimit?: number;
  /** Where server errors (500s, failed renders) are reported. Requests are not logged. */
  readonly logger?: Logger;
  /** Bearer token write endpoints require. Mandatory when `host` is not loopback. */
  readonly token?: string;
}

/** The options with every default applied. */
export interface ResolvedServerOptions {
  readonly host: string;
  readonly port: number;
  readonly maxHeaderBytes: number;
  readonly maxUrlLength: number;
  readonly maxConnections: number;
  readonly maxConnectionsPerIp: number;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly maxRequestsPerSocket: number;
  readonly bodyLimit: number;
  readonly logger?: Logger;
  readonly token?: string;
}

/** Defaults of every numeric and address option. */
export const serverDefaults = Object.freeze({
  host: '127.0.0.1',
  port: 9464, // the port OpenTelemetry's Prometheus exporter registered
  maxHeaderBytes: 16 * 1024, // 16 KiB, Node's own default
  maxUrlLength: 2048, // characters
  maxConnections: 256,
  // A scraper and a few pushers need a handful; 32 leaves room for bursts while
  // 8 clients' worth of trickling sockets still cannot fill maxConnections.
  maxConnectionsPerIp: 32,
  // 5 s: headers are a few hundred bytes; only a slowloris client needs longer.
  // Capped at requestTimeoutMs when that is set lower (Node requires headers <= request).
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 10_000, // 10 s, for the headers and the body together
  // 5 s, Node's default: an idle scraper connection must not hold one of
  // `maxConnections` for a whole scrape interval.
  keepAliveTimeoutMs: 5_000,
  // 0 = unlimited: Node answers 503 past the limit, which a steady pusher on one keep-alive connection would hit.
  maxRequestsPerSocket: 0,
  bodyLimit: 1024 * 1024, // 1 MiB
});

type Limit = { readonly min: number; readonly max: number };
const limits: Record<Exclude<keyof typeof serverDefaults, 'host'>, Limit> = {
  port: { min: 0, max: 65_535 },
  maxHeaderBytes: { min: 1024, max: 1024 * 1024 },
  maxUrlLength: { min: 16, max: 1024 * 1024 },
  maxConnections: { min: 1, max: 1_000_000 },
  maxConnectionsPerIp: { min: 1, max: 1_000_000 },
  headersTimeoutMs: { min: 1, max: 3_600_000 },
  requestTimeoutMs: { min: 1, max: 3_600_000 },
  keepAliveTimeoutMs: { min: 1, max: 3_600_000 },
  maxRequestsPerSocket: { min: 0, max: Number.MAX_SAFE_INTEGER },
  bodyLimit: { min: 1, max: 1024 * 1024 * 1024 },
};

/**
 * Applies the defaults and checks every value. Throws `EchoPerfError`
 * (`EP_ERR_ARGUMENT`) naming the option, the value and the expected range.
 * @example resolveServerOptions({ port: 0 }).host // '127.0.0.1'
 */
export function resolveServerOptions(options: ServerOptions): ResolvedServerOptions {
  const num = (key: keyof typeof limits, fallback: number = serverDefaults[key]): number => {
    const value: unknown = options[key] ?? fallback;
    const { min, max } = limits[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new EchoPerfError(
        'EP_ERR_ARGUMENT',
        `server option ${key}: got ${String(previewValue(typeof value === 'string' ? JSON.stringify(value) : value))}; expected an integer ${min}..${max}`,
      );
    }
    return value;
  };
  const host: unknown = options.host ?? serverDefaults.host;
  if (typeof host !== 'string' || host.trim() === '') {
    throw new EchoPerfError('EP_ERR_ARGUMENT', `server option host: got ${String(previewValue(JSON.stringify(host) ?? String(host)))}; expected a host name or IP address`);
  }
  const token: unknown = options.token;
  // A bearer token travels in a header: visible ASCII, no spaces (RFC 6750 b64token is narrower still).
  if (token !== undefined && (typeof token !== 'string' || !/^[\x21-\x7e]{1,4096}$/.test(token))) {
    throw new EchoPerfError(
      'EP_ERR_ARGUMENT',
      'server option token: expected a non-empty string of visible ASCII characters without spaces (at most 4096)',
    );
  }
  const requestTimeoutMs = num('requestTimeoutMs');
  const headersTimeoutMs = num('headersTimeoutMs', Math.min(serverDefaults.headersTimeoutMs, requestTimeoutMs));
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new EchoPerfError(
      'EP_ERR_ARGUMENT',
      `server option headersTimeoutMs: got ${headersTimeoutMs}; expected at most requestTimeoutMs (${requestTimeoutMs})`,
    );
  }
  const resolved: ResolvedServerOptions = {
    host,
    port: num('port'),
    maxHeaderBytes: num('maxHeaderBytes'),
    maxUrlLength: num('maxUrlLength'),
    maxConnections: num('maxConnections'),
    maxConnectionsPerIp: num('maxConnectionsPerIp'),
    headersTimeoutMs,
    requestTimeoutMs,
    keepAliveTimeoutMs: num('keepAliveTimeoutMs'),
    maxRequestsPerSocket: num('maxRequestsPerSocket'),
    bodyLimit: num('bodyLimit'),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(token === undefined ? {} : { token }),
  };
  return Object.freeze(resolved);
}
