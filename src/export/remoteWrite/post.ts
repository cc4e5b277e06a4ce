/**
 * @module export/remoteWrite/post
 * One remote-write request over node:http(s): a kept-alive socket per
 * receiver, the answer read up to a bound (quoted in errors), redirects not
 * followed. Retryable as the spec says: 5xx and 429, network errors and
 * time-outs; any other status is a refusal for good
 * (prometheus.io/docs/specs/remote_write_spec/#retries-backoff).
 */
import { agentName } from '../../core/packageVersion.js';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { EchoPerfError } from '../../core/errors.js';
import { redactUrl, scrubSecrets } from '../../core/redact.js';

/** Bytes of an answer kept for the error message. */
const MAX_ANSWER_BYTES = 4096;
const AGENT_OPTIONS = { keepAlive: true, keepAliveMsecs: 30_000, maxSockets: 2, timeout: 120_000 };
const agents = { http: new HttpAgent(AGENT_OPTIONS), https: new HttpsAgent(AGENT_OPTIONS) };
for (const a of Object.values(agents)) a.on('free', (socket: { unref(): void }) => socket.unref());

export class RemoteWriteError extends EchoPerfError {
  constructor(
    message: string,
    /** Whether sending the same request again may succeed. */
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super('EP_ERR_DELIVERY', message, options);
    this.name = 'RemoteWriteError';
  }
}

/** Resolves on 2xx; throws RemoteWriteError otherwise. `secrets` are scrubbed from its message. */
export async function postWrite(url: string, body: Uint8Array, headers: Record<string, string>, signal: AbortSignal, what: string, secrets: readonly string[]): Promise<void> {
  const where = `${what}: POST ${redactUrl(url)}`;
  let answer: { status: number; text: string };
  try {
    answer = await send(url, body, headers, signal);
  } catch (e) {
    throw new RemoteWriteError(scrubSecrets(`${where}: ${signal.aborted ? 'timed out or closed' : e instanceof Error ? e.message : String(e)}`, [...secrets]), true, { cause: e });
  }
  if (answer.status >= 200 && answer.status < 300) return;
  // eslint-disable-next-line no-control-regex -- a receiver's answer must not forge log lines
  const text = answer.text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim().slice(0, 200);
  throw new RemoteWriteError(scrubSecrets(`${where}: HTTP ${answer.status}${text === '' ? '' : `: ${text}`}`, [...secrets]), answer.status === 429 || answer.status >= 500);
}

function send(url: string, body: Uint8Array, headers: Record<string, string>, signal: AbortSignal): Promise<{ status: number; text: string }> {
  const u = new URL(url);
  const tls = u.protocol === 'https:';
  const h: Record<string, string> = { ...headers, 'content-length': String(body.byteLength) };
  if ((u.username !== '' || u.password !== '') && h['authorization'] === undefined) {
    h['authorization'] = `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`, 'utf8').toString('base64')}`;
  }
  u.username = '';
  u.password = '';
  return new Promise((resolve, reject) => {
    const req = (tls ? httpsRequest : httpRequest)(u, { method: 'POST', headers: h, agent: tls ? agents.https : agents.http, signal }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      const done = (): void => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
      res.on('data', (c: Buffer) => {
        if (bytes < MAX_ANSWER_BYTES) chunks.push(c.subarray(0, MAX_ANSWER_BYTES - bytes));
        bytes += c.byteLength;
        if (bytes >= 64 * 1024) {
          // Enough: a receiver cannot stall or flood the sender with its answer.
          res.destroy();
          done();
        }
      });
      res.on('end', done);
      res.on('error', done);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** `echo-perf/<version>` (core/packageVersion). */
export function remoteWriteUserAgent(): string {
  return agentName();
}
