/**
 * A server-sent events client over node:http for tests: collects the events of
 * one stream (HTML Living Standard, "Server-sent events": `event:`/`data:`
 * lines, a blank line ends an event, `:` lines are comments) and waits for one.
 */
import { request, type IncomingMessage } from 'node:http';

export interface SseEvent {
  event: string;
  data: string;
}

export interface SseClient {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly events: SseEvent[];
  readonly comments: string[];
  /** Resolves with the first event (already seen or coming) that `pred` accepts; rejects after `ms` or when the stream ends first. */
  next(pred: (e: SseEvent) => boolean, ms?: number): Promise<SseEvent>;
  /** Resolves once the server ends the stream. */
  readonly ended: Promise<void>;
  close(): void;
}

export function openSse(url: string): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { accept: 'text/event-stream' } }, (res) => {
      const events: SseEvent[] = [];
      const comments: string[] = [];
      const waiters = new Set<() => void>();
      let buf = '';
      let done = false;
      const ended = new Promise<void>((r) => res.on('close', () => r()));
      const wake = (): void => {
        for (const w of [...waiters]) w();
      };
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim());
            else if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length > 0) events.push({ event, data: data.join('\n') });
        }
        wake();
      });
      res.on('close', () => {
        done = true;
        wake();
      });
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        events,
        comments,
        ended,
        close: () => req.destroy(),
        next: (pred, ms = 5000) =>
          new Promise<SseEvent>((ok, fail) => {
            const check = (): void => {
              const hit = events.find(pred);
              if (hit !== undefined) finish(() => ok(hit));
              else if (done) finish(() => fail(new Error(`stream ended without the event; got ${events.map((e) => e.event).join(',')}`)));
            };
            const timer = setTimeout(() => finish(() => fail(new Error(`no such event within ${ms} ms; got ${events.map((e) => e.event).join(',')}`))), ms);
            const finish = (f: () => void): void => {
              clearTimeout(timer);
              waiters.delete(check);
              f();
            };
            waiters.add(check);
            check();
          }),
      });
    });
    req.on('error', reject);
    req.end();
  });
}
