/**
 * The soak's load, each part a real peer on 127.0.0.1: a scrape target whose
 * page carries `SERIES` gauges that all change every second, a pusher posting
 * the three Deep Tree Echo components to /api/v1/push/{component} every second,
 * and a dashboard client reading /api/v1/stream without pause.
 */
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { componentPayload, prng, type SimComponent } from '../src/simulate/component.js';

export const SERIES = 10_000;
const FAMILIES = 10;

/** The page at second `sec`: FAMILIES gauge families of SERIES / FAMILIES series each. */
export function seriesPage(sec: number): string {
  const per = SERIES / FAMILIES;
  const lines: string[] = [];
  for (let f = 0; f < FAMILIES; f++) {
    lines.push(`# HELP soak_load_${f} A synthetic gauge that changes every second.`, `# TYPE soak_load_${f} gauge`);
    for (let i = 0; i < per; i++) lines.push(`soak_load_${f}{series="${i}"} ${((sec * 7 + i * 13 + f) % 1000) / 10}`);
  }
  return lines.join('\n') + '\n';
}

export interface SeriesTarget {
  readonly url: string;
  /** Pages served. */
  served(): number;
  close(): Promise<void>;
}

/** Serves the page, built once per second (a scrape in the same second gets the same page). */
export async function startSeriesTarget(): Promise<SeriesTarget> {
  let sec = -1;
  let page = '';
  let served = 0;
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    const now = Math.floor(Date.now() / 1000);
    if (now !== sec) {
      sec = now;
      page = seriesPage(now);
    }
    served++;
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(page);
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}/metrics`, served: () => served, close: () => close(server) };
}

export interface Pusher {
  readonly ok: () => number;
  readonly failed: () => number;
  /** The first failure's reason, for the report. */
  readonly firstError: () => string | undefined;
  stop(): void;
}

const COMPONENTS: readonly SimComponent[] = ['dtesn', 'echo_self', 'embodied'];

/** Posts each component's realistic values every second until stopped. */
export function startPusher(base: string): Pusher {
  const rnd = prng(16);
  let ok = 0;
  let failed = 0;
  let firstError: string | undefined;
  let i = 0;
  const fail = (why: string): void => {
    failed++;
    firstError ??= why;
  };
  const pushOnce = async (c: SimComponent, n: number): Promise<void> => {
    try {
      const res = await fetch(`${base}/api/v1/push/${c}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...componentPayload(c, n, 'healthy', rnd), timestamp: Date.now() / 1000 }),
        signal: AbortSignal.timeout(5000),
      });
      const text = await res.text();
      if (res.ok) ok++;
      else fail(`${c}: HTTP ${res.status} ${text.slice(0, 100)}`);
    } catch (e) {
      fail(`${c}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const timer = setInterval(() => {
    const n = i++;
    for (const c of COMPONENTS) void pushOnce(c, n);
  }, 1000);
  return { ok: () => ok, failed: () => failed, firstError: () => firstError, stop: () => clearInterval(timer) };
}

export interface StreamReader {
  /** `tick` events read. */
  readonly ticks: () => number;
  readonly bytes: () => number;
  /** Times the stream ended under it (the agent drops a client that falls 1 MiB behind); it reconnects. */
  readonly reconnects: () => number;
  stop(): void;
}

const TICK = 'event: tick\n';

/** Reads the event stream as fast as it comes, reconnecting a second after it ends. */
export function startStreamReader(base: string): StreamReader {
  let ticks = 0;
  let bytes = 0;
  let reconnects = 0;
  let stopped = false;
  let current: IncomingMessage | undefined;
  let retry: NodeJS.Timeout | undefined;
  const open = (): void => {
    const req = request(`${base}/api/v1/stream`, { headers: { accept: 'text/event-stream' } }, (res) => {
      current = res;
      // The last few characters of the previous chunk: an event name may straddle two chunks.
      let carry = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        bytes += Buffer.byteLength(chunk);
        const text = carry + chunk;
        for (let at = text.indexOf(TICK); at !== -1; at = text.indexOf(TICK, at + TICK.length)) ticks++;
        carry = text.slice(-(TICK.length - 1));
      });
      res.on('close', again);
    });
    req.on('error', again);
    req.end();
  };
  let pending = false;
  function again(): void {
    if (stopped || pending) return;
    pending = true;
    reconnects++;
    retry = setTimeout(() => {
      pending = false;
      open();
    }, 1000);
  }
  open();
  return {
    ticks: () => ticks,
    bytes: () => bytes,
    reconnects: () => reconnects,
    stop: () => {
      stopped = true;
      clearTimeout(retry);
      current?.destroy();
    },
  };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
