/**
 * A webhook receiver for tests: a real HTTP server on 127.0.0.1 that keeps
 * each POST (headers and JSON body), answers `status`, and can go down and
 * come back on the same port (an outage).
 */
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
  readonly raw: string;
  readonly at: number;
}

export class Receiver {
  readonly got: Received[] = [];
  status = 200;
  private _server: Server | undefined;
  private _port = 0;
  private _waiters: { n: number; resolve: () => void }[] = [];

  get url(): string {
    return `http://127.0.0.1:${this._port}/hook`;
  }

  get port(): number {
    return this._port;
  }

  async start(port = this._port): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= 4 * 1024 * 1024) chunks.push(c);
      });
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        if (this.status >= 200 && this.status < 300) {
          let body: unknown;
          try {
            body = JSON.parse(raw) as unknown;
          } catch {
            body = undefined;
          }
          this.got.push({ headers: req.headers, body, raw, at: Date.now() });
          this._waiters = this._waiters.filter((w) => (this.got.length >= w.n ? (w.resolve(), false) : true));
        }
        res.writeHead(this.status, { 'content-type': 'text/plain' }).end(this.status < 300 ? 'ok' : 'receiver says no');
      });
    });
    server.keepAliveTimeout = 1000;
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    this._port = (server.address() as AddressInfo).port;
    this._server = server;
    return this;
  }

  /** Goes down: refuses connections until start() again (same port). */
  async stop(): Promise<void> {
    const s = this._server;
    this._server = undefined;
    if (s === undefined) return;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }

  /** Resolves once `n` notifications arrived, or rejects after `ms`. */
  waitFor(n: number, ms = 10_000): Promise<void> {
    if (this.got.length >= n) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`receiver: ${this.got.length} of ${n} notifications after ${ms} ms`)), ms);
      this._waiters.push({ n, resolve: () => (clearTimeout(t), resolve()) });
    });
  }
}

/** A receiver started on a free port, stopped when the test ends. */
export async function startReceiver(t: { after(fn: () => Promise<void>): void }): Promise<Receiver> {
  const r = await new Receiver().start();
  t.after(() => r.stop());
  return r;
}
