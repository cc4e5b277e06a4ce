/**
 * @module server/encoding
 * Response compression for /metrics. Prometheus sends `Accept-Encoding: gzip`
 * on every scrape; a page of a few thousand series shrinks about tenfold.
 */
import { gzip } from 'node:zlib';

/**
 * Whether `Accept-Encoding` allows gzip (RFC 9110 section 12.5.3): `gzip` or
 * `x-gzip` with a non-zero `q`, or else `*` with a non-zero `q`.
 * @example acceptsGzip('gzip, deflate;q=0.5') // true
 * @example acceptsGzip('gzip;q=0, *') // false
 */
export function acceptsGzip(acceptEncoding: string | string[] | undefined): boolean {
  if (acceptEncoding === undefined) return false;
  const header = Array.isArray(acceptEncoding) ? acceptEncoding.join(',') : acceptEncoding;
  let gzipQ: number | undefined;
  let anyQ: number | undefined;
  for (const part of header.split(',')) {
    const [coding = '', ...params] = part.split(';');
    const name = coding.trim().toLowerCase();
    if (name !== 'gzip' && name !== 'x-gzip' && name !== '*') continue;
    let q = 1;
    for (const p of params) {
      const [k = '', v = ''] = p.split('=');
      if (k.trim().toLowerCase() === 'q') {
        const n = Number(v.trim());
        q = v.trim() !== '' && Number.isFinite(n) ? n : 0;
      }
    }
    if (name === '*') anyQ = q;
    else gzipQ = Math.max(gzipQ ?? 0, q);
  }
  return (gzipQ ?? anyQ ?? 0) > 0;
}

/**
 * Compresses off the event loop (libuv's thread pool), so a large page never
 * delays collection ticks while it is being gzipped.
 */
export function gzipAsync(body: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    gzip(body, (err, out) => (err === null ? resolve(out) : reject(err)));
  });
}
