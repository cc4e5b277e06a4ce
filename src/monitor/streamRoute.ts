/**
 * @module monitor/streamRoute
 * `GET /api/v1/stream[?metrics=a,b]`: the live state as server-sent events
 * (HTML Living Standard, "Server-sent events"): `event: tick` once per tick
 * with the snapshot and the current series, `event: alert` for each alert
 * event (shaped as `GET /api/v1/alerts` items), and a `: ping` comment every
 * 15 s so proxies and clients see the connection alive. Bounded: at most
 * `maxStreams` open (503 past it), and a client that lets more than
 * `maxBufferedBytes` pile up unread is dropped, so one stalled page cannot
 * hold the agent's memory. Closing the server ends every stream.
 */
import type { ServerResponse } from 'node:http';
import type { Timer } from '../core/clock.js';
import type { PerformanceMetrics } from '../core/snapshot.js';
import type { Sample } from '../core/types.js';
import type { PerformanceAlert } from '../alert/alert.js';
import type { Logger } from '../core/logger.js';
import { HttpError, type EchoPerfServer } from '../server/index.js';
import { badParam, onlyParams, single, MAX_NAME_CHARS, type RawQuery } from './apiParams.js';
import { alertmanagerAlert } from './silenceRoutes.js';
import type { UnifiedPerformanceMonitor } from './unifiedMonitor.js';

export interface StreamOptions {
  /** Streams open at once; one more is answered 503. */
  maxStreams?: number;
  /** Bytes a client may leave unread before it is dropped. */
  maxBufferedBytes?: number;
  /** Time between `: ping` comments. */
  pingMs?: number;
}

export const streamDefaults = {
  maxStreams: 32,
  maxBufferedBytes: 1024 * 1024, // 1 MiB
  pingMs: 15_000,
} as const;

/** Series in one tick event; the rest are left out and the event says `truncated: true`. */
export const MAX_TICK_SERIES = 5_000;
/** Names one `metrics` filter may list. */
const MAX_FILTER_NAMES = 256;

interface Stream {
  readonly res: ServerResponse;
  /** Internal metric names to send; undefined sends every series. */
  readonly metrics: ReadonlySet<string> | undefined;
}

export interface StreamHandle {
  /** Streams open now. */
  readonly open: () => number;
}

export function addStreamRoute(server: EchoPerfServer, monitor: UnifiedPerformanceMonitor, options: StreamOptions = {}, logger?: Logger): StreamHandle {
  const o = { ...streamDefaults, ...options };
  const streams = new Set<Stream>();
  let unsubscribe: (() => void) | undefined;
  let ping: Timer | undefined;

  const remove = (s: Stream): void => {
    if (!streams.delete(s) || streams.size > 0) return;
    // Nobody listens: the tick loop stops paying for the events.
    unsubscribe?.();
    unsubscribe = undefined;
    ping?.stop();
    ping = undefined;
  };

  const send = (s: Stream, chunk: string): void => {
    if (s.res.destroyed) return;
    if (s.res.writableLength > o.maxBufferedBytes) {
      logger?.warn(`event stream dropped: the client left ${s.res.writableLength} bytes unread (limit ${o.maxBufferedBytes})`);
      s.res.destroy();
      return;
    }
    s.res.write(chunk);
  };

  const onTick = (snapshot: PerformanceMetrics, events: readonly PerformanceAlert[]): void => {
    // One tick's work is shared: the samples once, the unfiltered event once for every stream without a filter.
    let samples: Sample[] | undefined;
    const current = (): Sample[] => (samples ??= monitor.currentSamples(snapshot.timestamp));
    let unfiltered: string | undefined;
    let alerts = '';
    for (const e of events) alerts += frame('alert', JSON.stringify(alertmanagerAlert(monitor, e)));
    for (const s of [...streams]) {
      const tick = s.metrics === undefined ? (unfiltered ??= tickFrame(snapshot, current(), undefined)) : tickFrame(snapshot, current(), s.metrics);
      send(s, tick + alerts);
    }
  };

  server.app.get<{ Querystring: RawQuery }>('/api/v1/stream', (req, reply) => {
    onlyParams(req.query, ['metrics']);
    const metrics = metricsFilter(single(req.query, 'metrics'));
    if (streams.size >= o.maxStreams) {
      throw new HttpError(503, `too many event streams open (limit ${o.maxStreams}); close one or retry later`);
    }
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      // nginx buffers responses unless told not to; events must arrive as they happen.
      'x-accel-buffering': 'no',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    // The pings keep the socket busy; the server's idle timeout would cut a quiet stream between ticks.
    req.raw.socket.setTimeout(0);
    const s: Stream = { res, metrics };
    streams.add(s);
    res.on('close', () => remove(s));
    unsubscribe ??= monitor.onTick(onTick);
    ping ??= monitor.clock.every(o.pingMs, () => {
      for (const st of [...streams]) send(st, ': ping\n\n');
    });
    res.write(': connected\n\n');
  });

  server.app.addHook('preClose', (done) => {
    for (const s of [...streams]) s.res.end();
    done();
  });

  return { open: () => streams.size };
}

/** One SSE event; JSON text has no raw newlines, so one `data:` line holds it. */
function frame(event: string, data: string): string {
  return `event: ${event}\ndata: ${data}\n\n`;
}

function tickFrame(snapshot: PerformanceMetrics, samples: readonly Sample[], metrics: ReadonlySet<string> | undefined): string {
  const series: { metric: string; labels: Sample['labels']; value: number }[] = [];
  let truncated = false;
  for (const x of samples) {
    if (metrics !== undefined && !metrics.has(x.name)) continue;
    if (series.length >= MAX_TICK_SERIES) {
      truncated = true;
      break;
    }
    series.push({ metric: x.name, labels: x.labels, value: x.v });
  }
  return frame('tick', JSON.stringify({ t: snapshot.timestamp, snapshot, series, ...(truncated ? { truncated } : {}) }));
}

/** `metrics=a,b`: the internal names to keep; empty names are ignored. */
function metricsFilter(v: string | undefined): ReadonlySet<string> | undefined {
  if (v === undefined) return undefined;
  const names = v.split(',', MAX_FILTER_NAMES + 1).filter((n) => n !== '');
  if (names.length > MAX_FILTER_NAMES) throw badParam('metrics', v, `at most ${MAX_FILTER_NAMES} comma-separated metric names`);
  for (const n of names) if (n.length > MAX_NAME_CHARS) throw badParam('metrics', v, `metric names of at most ${MAX_NAME_CHARS} characters`);
  if (names.length === 0) throw badParam('metrics', v, 'comma-separated metric names (e.g. cpu_usage,memory_usage)');
  return new Set(names);
}
