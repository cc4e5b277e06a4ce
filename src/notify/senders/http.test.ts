import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { test } from 'node:test';
import { startReceiver } from '../../../test/helpers/receiver.js';
import { DeliveryError } from '../notifier.js';
import { escapeControl, MAX_ANSWER_BYTES, postJson, userAgent } from './http.js';

const WHAT = 'webhook notifier "ops"';
const ok = () => AbortSignal.timeout(5000);

async function failure(p: Promise<void>): Promise<DeliveryError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof DeliveryError, `expected a DeliveryError, got ${String(e)}`);
    assert.equal(e.code, 'EP_ERR_DELIVERY');
    return e;
  }
  assert.fail('expected the POST to fail');
}

test('a 2xx answer is delivered; the body, method and headers arrive as sent', async (t) => {
  const r = await startReceiver(t, (_req, res) => {
    res.statusCode = 202;
    res.end('accepted');
  });
  await postJson(`${r.url}/hook`, '{"a":1}', { 'x-extra': 'yes' }, ok(), WHAT);
  assert.equal(r.requests.length, 1);
  const got = r.requests[0]!;
  assert.equal(got.method, 'POST');
  assert.equal(got.path, '/hook');
  assert.equal(got.body, '{"a":1}');
  assert.equal(got.headers['content-type'], 'application/json');
  assert.equal(got.headers['x-extra'], 'yes');
});

test('408, 429 and 5xx are retryable; other 4xx are not; the message names notifier, URL, status and answer', async (t) => {
  const statuses = [500, 503, 408, 429, 400, 401, 404, 422];
  const r = await startReceiver(t, (req, res) => {
    res.statusCode = Number(req.path.slice(1));
    res.end(`reason for ${req.path.slice(1)}`);
  });
  for (const s of statuses) {
    const e = await failure(postJson(`${r.url}/${s}`, '{}', {}, ok(), WHAT));
    assert.equal(e.retryable, s >= 500 || s === 408 || s === 429, `status ${s}`);
    assert.match(e.message, new RegExp(`^webhook notifier "ops": POST http://127\\.0\\.0\\.1:\\d+/${s}: HTTP ${s}\\b.*: reason for ${s}$`));
  }
});

test('a receiver that never answers: the caller\'s abort ends the POST as a retryable "timed out"', async (t) => {
  const r = await startReceiver(t, () => undefined);
  const e = await failure(postJson(`${r.url}/slow`, '{}', {}, AbortSignal.timeout(200), WHAT));
  assert.equal(e.retryable, true);
  assert.match(e.message, /POST http:\/\/127\.0\.0\.1:\d+\/slow: timed out$/);
});

test('a redirect is not followed and is not retryable', async (t) => {
  const r = await startReceiver(t, (req, res) => {
    if (req.path === '/old') {
      res.writeHead(307, { location: '/new?token=abc123secret' });
      res.end();
    } else res.end('moved here');
  });
  const e = await failure(postJson(`${r.url}/old`, '{}', {}, ok(), WHAT));
  assert.equal(e.retryable, false);
  assert.deepEqual(
    r.requests.map((q) => q.path),
    ['/old'],
  );
  assert.match(e.message, /HTTP 307.*redirect to \/new\?token=<secret> not followed/);
  assert.doesNotMatch(e.message, /abc123secret/);
});

test('a huge answer is read only up to 64 KiB: the POST ends, with a 200-character excerpt', async (t) => {
  const r = await startReceiver(t, (req, res) => {
    res.writeHead(req.path === '/ok' ? 200 : 500, { 'content-type': 'text/plain' });
    // An endless answer: writes while the socket drains, until the client hangs up
    // (or the test's cleanup closes it, should the client keep reading).
    const chunk = 'x'.repeat(MAX_ANSWER_BYTES / 4);
    const pump = (): void => {
      while (!res.destroyed) {
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
    };
    pump();
  });
  const e = await failure(postJson(`${r.url}/err`, '{}', {}, ok(), WHAT));
  assert.equal(e.retryable, true);
  assert.match(e.message, /HTTP 500 Internal Server Error: x{200}…$/);
  await postJson(`${r.url}/ok`, '{}', {}, ok(), WHAT);
  assert.equal(r.requests.length, 2);
});

test('control characters in an answer are escaped, so a receiver cannot forge log lines', async (t) => {
  const r = await startReceiver(t, (_req, res) => {
    res.statusCode = 400;
    res.end('bad\nERROR forged line\r\x1b[31m\u2028end');
  });
  const e = await failure(postJson(r.url, '{}', {}, ok(), WHAT));
  for (const c of ['\n', '\r', '\x1b', '\u2028']) assert.ok(!e.message.includes(c), `raw control character in ${e.message}`);
  assert.match(e.message, /bad\\nERROR forged line\\r\\u001b\[31m\\u2028end$/);
  assert.equal(escapeControl('a\tb\u0085c'), 'a\\tb\\u0085c');
});

test('a refused connection is a retryable network error', async () => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const e = await failure(postJson(`http://127.0.0.1:${port}/`, '{}', {}, ok(), WHAT));
  assert.equal(e.retryable, true);
  assert.match(e.message, /: connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
});

test('no secret shows: URL userinfo and token query, given secrets, and a receiver echoing them back', async (t) => {
  const r = await startReceiver(t, (req, res) => {
    res.statusCode = 403;
    res.end(`denied ${req.path} for ${String(req.headers['authorization'])}`);
  });
  const url = r.url.replace('http://', 'http://user:pa55word@') + '/hook?token=tok-123456&team=a';
  const e = await failure(postJson(url, '{}', { authorization: 'Bearer hdr-secret-999' }, ok(), WHAT, { secrets: ['hdr-secret-999'] }));
  assert.equal(e.retryable, false);
  for (const s of ['pa55word', 'tok-123456', 'hdr-secret-999']) assert.ok(!e.message.includes(s), `${s} in ${e.message}`);
  assert.match(e.message, /POST http:\/\/<secret>@127\.0\.0\.1:\d+\/hook\?token=<secret>&team=a: HTTP 403/);
});

test('a URL\'s user:pass@ is sent as basic auth, not refused', async (t) => {
  const r = await startReceiver(t);
  await postJson(r.url.replace('http://', 'http://al%40ice:p%3Ass@') + '/hook', '{}', {}, ok(), WHAT);
  assert.equal(r.requests[0]!.headers['authorization'], `Basic ${Buffer.from('al@ice:p:ss').toString('base64')}`);
});

test('a header value fetch cannot send is a non-retryable error naming the headers', async () => {
  const e = await failure(postJson('http://127.0.0.1:9/', '{}', { 'x-name': 'caf\u20ac' }, ok(), WHAT));
  assert.equal(e.retryable, false);
  assert.match(e.message, /headers: .*expected names and values of visible Latin-1 characters/);
});

test('the User-Agent carries the package version', () => {
  assert.match(userAgent(), /^echo-perf\/\d+\.\d+\.\d+/);
});

test('an https receiver goes through the TLS transport: a plain-HTTP server there is a retryable TLS error', async (t) => {
  // Answers the TLS handshake with plain text and hangs up.
  const plain = createServer((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\nnot tls', () => socket.destroy()));
  await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
  t.after(() => void plain.close());
  const port = (plain.address() as AddressInfo).port;
  const e = await failure(postJson(`https://127.0.0.1:${port}/hook`, '{}', {}, ok(), WHAT));
  assert.equal(e.retryable, true);
  assert.match(e.message, /POST https:\/\/127\.0\.0\.1:\d+\/hook: .*(EPROTO|ECONNRESET|wrong version|socket hang up)/);
});
