/**
 * @module collect/scrape/fetchPage
 * One HTTP scrape: content negotiation as Prometheus 2.42 does it, gzip, a
 * deadline, a cap on the (uncompressed) body size, and credentials. No error
 * it throws quotes a secret: the URL's userinfo and secret query values and
 * the credentials are scrubbed from every message.
 */
import { scrubSecrets, urlSecrets } from '../../core/redact.js';
import { authorization, CredentialsError, splitUserinfo, type ScrapeAuth } from './credentials.js';

/** Prometheus 2.42's scrape Accept header (scrape/scrape.go@v2.42.0). */
export const SCRAPE_ACCEPT_HEADER =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
const TEXT_ONLY_ACCEPT = 'text/plain;version=0.0.4;q=1,*/*;q=0.1';

export interface FetchPageOptions {
  timeoutMs: number;
  maxBodyBytes: number;
  /** 'auto' negotiates like Prometheus; 'prometheus' asks for text 0.0.4 only. */
  format: 'auto' | 'prometheus' | 'openmetrics';
  userAgent: string;
  signal?: AbortSignal;
  /** Sent as the Authorization header; without it, a URL's `user:pass@` is sent as basic auth. */
  auth?: ScrapeAuth | undefined;
}

export interface FetchedPage {
  body: string;
  contentType: string;
  /** Uncompressed bytes read. */
  bytes: number;
}

export class ScrapeError extends Error {
  constructor(
    message: string,
    readonly kind: 'http' | 'timeout' | 'body_limit' | 'network' | 'parse' | 'auth',
  ) {
    super(message);
    this.name = 'ScrapeError';
  }
}

export async function fetchPage(url: string, o: FetchPageOptions): Promise<FetchedPage> {
  const secrets = urlSecrets(url);
  try {
    return await fetchOnce(url, o, secrets);
  } catch (e) {
    const err = e instanceof ScrapeError ? e : new ScrapeError(describe(e), 'network');
    if (secrets.length === 0) throw err;
    throw new ScrapeError(scrubSecrets(err.message, secrets), err.kind);
  }
}

/** `secrets` gains the credentials once they are read, for the caller to scrub. */
async function fetchOnce(url: string, o: FetchPageOptions, secrets: string[]): Promise<FetchedPage> {
  const split = splitUserinfo(url);
  const auth = o.auth ?? split.auth;
  const headers: Record<string, string> = {
    accept: o.format === 'prometheus' ? TEXT_ONLY_ACCEPT : SCRAPE_ACCEPT_HEADER,
    'accept-encoding': 'gzip',
    'user-agent': o.userAgent,
    'x-prometheus-scrape-timeout-seconds': String(o.timeoutMs / 1000),
  };
  if (auth !== undefined) {
    try {
      const a = await authorization(auth);
      secrets.push(...a.secrets);
      headers['authorization'] = a.header;
    } catch (e) {
      throw new ScrapeError(e instanceof CredentialsError ? e.message : describe(e), 'auth');
    }
  }
  const deadline = AbortSignal.timeout(o.timeoutMs);
  const signal = o.signal ? AbortSignal.any([deadline, o.signal]) : deadline;
  let res: Response;
  try {
    // Like Prometheus, redirects are followed; fetch drops Authorization when one leaves the origin.
    res = await fetch(split.url, { signal, redirect: 'follow', headers });
  } catch (e) {
    throw classify(e, o.timeoutMs, deadline);
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined);
    throw new ScrapeError(`server returned HTTP status ${res.status} ${res.statusText}`, 'http');
  }
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  try {
    // Node's web streams are async-iterable; leaving the loop early cancels the stream.
    const body = res.body as AsyncIterable<Uint8Array> | null;
    if (body !== null) {
      for await (const value of body) {
        bytes += value.byteLength;
        if (bytes > o.maxBodyBytes) {
          throw new ScrapeError(`body size limit exceeded (limit: ${o.maxBodyBytes} bytes)`, 'body_limit');
        }
        chunks.push(value);
      }
    }
  } catch (e) {
    if (e instanceof ScrapeError) throw e;
    throw classify(e, o.timeoutMs, deadline);
  }
  return { body: Buffer.concat(chunks).toString('utf8'), contentType: res.headers.get('content-type') ?? '', bytes };
}

function classify(e: unknown, timeoutMs: number, deadline: AbortSignal): ScrapeError {
  if (deadline.aborted) return new ScrapeError(`scrape timed out after ${timeoutMs} ms`, 'timeout');
  return new ScrapeError(describe(e), 'network');
}

function describe(e: unknown): string {
  const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : '';
  return `${e instanceof Error ? e.message : String(e)}${cause}`;
}
