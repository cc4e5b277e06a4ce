/**
 * @module collect/scrape/fetchPage
 * One HTTP scrape: content negotiation as Prometheus 2.42 does it, gzip, a
 * deadline and a cap on the (uncompressed) body size.
 */

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
    readonly kind: 'http' | 'timeout' | 'body_limit' | 'network' | 'parse',
  ) {
    super(message);
    this.name = 'ScrapeError';
  }
}

export async function fetchPage(url: string, o: FetchPageOptions): Promise<FetchedPage> {
  const deadline = AbortSignal.timeout(o.timeoutMs);
  const signal = o.signal ? AbortSignal.any([deadline, o.signal]) : deadline;
  let res: Response;
  try {
    res = await fetch(url, {
      signal,
      redirect: 'follow',
      headers: {
        accept: o.format === 'prometheus' ? TEXT_ONLY_ACCEPT : SCRAPE_ACCEPT_HEADER,
        'accept-encoding': 'gzip',
        'user-agent': o.userAgent,
        'x-prometheus-scrape-timeout-seconds': String(o.timeoutMs / 1000),
      },
    });
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
  const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : '';
  return new ScrapeError(`${e instanceof Error ? e.message : String(e)}${cause}`, 'network');
}
