/**
 * @module notify/senders/http
 * One POST of a notification, shared by the HTTP notifiers (webhook, slack,
 * alertmanager). One attempt only: retrying is the outbox's job, so this says
 * whether a retry may help.
 *
 * node:http with a keep-alive agent rather than fetch: on the outbox drain
 * after an outage, fetch capped delivery at ~930 notifications/s on this
 * machine against ~2,240/s for http.request over the same kept-alive socket
 * (bench/notify.bench.ts), and the drain has a target of 1,000/s.
 */
import { agentName } from '../../core/packageVersion.js';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import type * as Https from 'node:https';
import { createRequire } from 'node:module';
import { redactUrl, scrubSecrets, urlSecrets } from '../../core/redact.js';
import { DeliveryError, retryableStatus } from '../notifier.js';

/** Bytes of an answer read at most; the rest is cancelled, so a receiver cannot stall or flood us. */
export const MAX_ANSWER_BYTES = 64 * 1024;
/** Characters of the answer quoted in an error. */
const ANSWER_EXCERPT_CHARS = 200;

export interface PostOptions {
  /** The URL as errors show it; default `redactUrl(url)`. */
  shownUrl?: string;
  /** Strings scrubbed from every message (the URL's own secrets are added). */
  secrets?: readonly string[];
}

/**
 * POSTs `body` as JSON and resolves when the receiver answered 2xx. Throws
 * DeliveryError: retryable on 408, 429, 5xx, a network error or an abort; not
 * on other statuses, a 3xx included (a redirect is not followed, so a moved
 * receiver is fixed in the config rather than chased).
 * @example await postJson('http://127.0.0.1:9/hook', '{}', {}, AbortSignal.timeout(10_000), 'webhook notifier "ops"')
 */
export async function postJson(url: string, body: string, headers: Headers | Record<string, string>, signal: AbortSignal, what: string, opts: PostOptions = {}): Promise<void> {
  const secrets = [...urlSecrets(url), ...(opts.secrets ?? [])];
  const where = `${what}: POST ${opts.shownUrl ?? redactUrl(url)}`;
  let h: Headers;
  try {
    h = new Headers(headers);
  } catch (e) {
    // A header value outside Latin-1 passes the config schema but not fetch; no retry will fix it.
    throw new DeliveryError(scrubSecrets(`${where}: headers: ${e instanceof Error ? e.message : String(e)}; expected names and values of visible Latin-1 characters`, secrets), false, { cause: e });
  }
  if (!h.has('content-type')) h.set('content-type', 'application/json');
  const target = withoutUserinfo(url, h, secrets);
  let res: Answer;
  try {
    res = await post(target, body, h, signal);
  } catch (e) {
    throw new DeliveryError(scrubSecrets(`${where}: ${signal.aborted ? 'timed out' : describeNetworkError(e)}`, secrets), true, { cause: e });
  }
  // The status is in: a 2xx was delivered even if the rest of the answer is lost.
  if (res.status >= 200 && res.status < 300) return;
  const answer = res.cut === undefined ? res.answer : signal.aborted ? '(answer cut off: timed out)' : `(answer cut off: ${res.cut})`;
  let msg = `${where}: HTTP ${res.status}${res.statusText === '' ? '' : ` ${escapeControl(res.statusText.slice(0, 100))}`}`;
  if (res.status >= 300 && res.status < 400) {
    const location = res.location;
    msg += `: redirect${location === undefined ? '' : ` to ${redactUrl(location)}`} not followed (configure the final URL)`;
  }
  if (answer !== '') msg += `: ${escapeControl(answer.slice(0, ANSWER_EXCERPT_CHARS))}${answer.length > ANSWER_EXCERPT_CHARS ? '…' : ''}`;
  throw new DeliveryError(scrubSecrets(msg, secrets), retryableStatus(res.status));
}

interface Answer {
  status: number;
  statusText: string;
  location: string | undefined;
  /** The answer's first MAX_ANSWER_BYTES as text. */
  answer: string;
  /** Why the answer was cut off before its end, if it was. */
  cut: string | undefined;
}

// Sockets are kept between notifications (one receiver, many notifications) and never hold the process open.
const AGENT_OPTIONS = { keepAlive: true, keepAliveMsecs: 30_000, maxSockets: 8, maxFreeSockets: 4, timeout: 60_000 };
const unrefFree = (a: HttpAgent): HttpAgent => a.on('free', (socket: { unref(): void }) => socket.unref());
const httpAgent = unrefFree(new HttpAgent(AGENT_OPTIONS));
/** node:https (and TLS with it) is loaded with the first https receiver, not by every agent. */
let https: { agent: HttpAgent; request: typeof httpRequest } | undefined;
function httpsTransport(): { agent: HttpAgent; request: typeof httpRequest } {
  if (https === undefined) {
    const m = createRequire(import.meta.url)('node:https') as typeof Https;
    https = { agent: unrefFree(new m.Agent(AGENT_OPTIONS)), request: m.request };
  }
  return https;
}

/** One POST; resolves with the status and the answer's first bytes (a redirect is never followed: http.request does not). */
function post(url: string, body: string, h: Headers, signal: AbortSignal): Promise<Answer> {
  const u = new URL(url);
  const t = u.protocol === 'https:' ? httpsTransport() : { agent: httpAgent, request: httpRequest };
  const headers: Record<string, string> = {};
  h.forEach((v, k) => (headers[k] = v));
  headers['content-length'] = String(Buffer.byteLength(body));
  return new Promise<Answer>((resolve, reject) => {
    const req = t.request(u, { method: 'POST', headers, agent: t.agent, signal }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      let settled = false;
      const finish = (cut: string | undefined): void => {
        if (settled) return;
        settled = true;
        const location = res.headers.location;
        resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', location, answer: Buffer.concat(chunks).toString('utf8'), cut });
      };
      res.on('data', (c: Buffer) => {
        const room = MAX_ANSWER_BYTES - bytes;
        if (room > 0) chunks.push(c.byteLength > room ? c.subarray(0, room) : c);
        bytes += c.byteLength;
        // Enough read: the rest is dropped with the socket, so a receiver cannot stall or flood us.
        if (bytes >= MAX_ANSWER_BYTES) {
          finish(undefined);
          res.destroy();
        }
      });
      res.on('end', () => finish(undefined));
      res.on('error', (e) => finish(describeNetworkError(e)));
      res.on('close', () => finish(res.complete ? undefined : 'connection closed'));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * A URL's `user:pass@` is sent, like Go's HTTP client (so like
 * Alertmanager), such a URL sends them as basic auth instead, unless an
 * Authorization header is set. The encoded credentials join `secrets`.
 */
function withoutUserinfo(url: string, h: Headers, secrets: string[]): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url;
  }
  if (u.username === '' && u.password === '') return url;
  const encoded = Buffer.from(`${decodeLoose(u.username)}:${decodeLoose(u.password)}`, 'utf8').toString('base64');
  secrets.push(encoded);
  if (!h.has('authorization')) h.set('authorization', `Basic ${encoded}`);
  u.username = '';
  u.password = '';
  return u.href;
}

function decodeLoose(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * Control characters (C0, DEL, C1, and the Unicode line and paragraph
 * separators) as escapes, so a receiver's answer cannot forge log lines.
 */
export function escapeControl(s: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what this escapes
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/** The reason (ECONNREFUSED, a TLS error), with its code; a wrapped cause is named too. */
function describeNetworkError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const c = e.cause;
  if (c instanceof Error) {
    const code = (c as { code?: unknown }).code;
    return `${e.message}: ${c.message}${typeof code === 'string' && !c.message.includes(code) ? ` (${code})` : ''}`;
  }
  return e.message;
}

/** `echo-perf/<version>`, as `echo-perf --version` reads it (core/packageVersion). */
export function userAgent(): string {
  return agentName();
}
