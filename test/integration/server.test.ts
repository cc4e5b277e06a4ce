// The HTTP stage over real sockets on 127.0.0.1: what it serves, its limits,
// its secure defaults, and a real Prometheus scraping it.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { parseExposition } from '../../src/core/exposition/index.js';
import type { MetricFamily } from '../../src/core/exposition/index.js';
import { MemoryLogger } from '../../src/core/logger.js';
import { bearerAuth, createServer, isLoopbackHost, resolveServerOptions } from '../../src/server/index.js';
import { requirePeer } from '../helpers/peers.js';
import { startPrometheus, waitFor } from '../helpers/prometheus.js';
import type { EchoPerfServer, MonitorView, ServerOptions } from '../../src/server/index.js';

// A label value that needs every escape the formats have: quote, backslash, newline.
const NASTY = 'a"b\\c\nd';

const families = (): MetricFamily[] => [
  {
    name: 'echo_gpu_utilization_ratio',
    type: 'gauge',
    help: 'GPU utilisation, 0..1.',
    samples: [
      { name: 'echo_gpu_utilization_ratio', labels: { gpu: '0' }, value: 0.75 },
      { name: 'echo_gpu_utilization_ratio', labels: { gpu: '1' }, value: 0.25 },
    ],
  },
  {
    name: 'echo_requests',
    type: 'counter',
    help: 'Requests served.',
    samples: [{ name: 'echo_requests_total', labels: { component: 'dtesn' }, value: 42 }],
  },
  {
    name: 'echo_latency_seconds',
    type: 'histogram',
    help: 'Latency with "quotes", \\ and a\nnewline.',
    samples: [
      { name: 'echo_latency_seconds_bucket', labels: { path: NASTY, le: '0.1' }, value: 1 },
      { name: 'echo_latency_seconds_bucket', labels: { path: NASTY, le: '+Inf' }, value: 3 },
      { name: 'echo_latency_seconds_sum', labels: { path: NASTY }, value: 0.5 },
      { name: 'echo_latency_seconds_count', labels: { path: NASTY }, value: 3 },
    ],
  },
];

/** What parsing the page gives back: text 0.0.4 heads a counter with its `_total` name (client_python's layout). */
function expectedAfter(format: 'text' | 'openmetrics'): MetricFamily[] {
  return families().map((f) => (format === 'text' && f.type === 'counter' ? { ...f, name: `${f.name}_total` } : f));
}

class TestView implements MonitorView {
  ok = true;
  failRender = false;
  metricFamilies(): MetricFamily[] {
    if (this.failRender) throw new Error('store is gone');
    return families();
  }
  status(): unknown {
    return { monitoring: true, collectors: ['system'], lastTick: 1_700_000_000_000 };
  }
  health(): { ok: boolean; detail?: Record<string, unknown> } {
    return this.ok ? { ok: true, detail: { uptimeSeconds: 12 } } : { ok: false, detail: { reason: 'collector stalled' } };
  }
}

async function start(
  t: TestContext,
  options: ServerOptions = {},
  view: MonitorView = new TestView(),
  setup?: (s: EchoPerfServer) => void,
): Promise<{ server: EchoPerfServer; url: string; port: number }> {
  const server = createServer(view, { port: 0, ...options });
  t.after(() => server.close());
  setup?.(server);
  const { url, port } = await server.listen();
  return { server, url, port };
}

/** A GET through node:http, which (unlike fetch) neither adds Accept-Encoding nor decompresses. */
function httpGet(url: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    const req = request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** A raw TCP client: everything it received, and a promise settled when the socket closes. */
function rawClient(port: number, localAddress?: string): Promise<{ socket: Socket; received: () => string; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ...(localAddress !== undefined ? { localAddress } : {}) });
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => (data += d));
    // A reset after the server's answer is expected (it closes with our bytes unread).
    socket.on('error', () => {});
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.once('connect', () => resolve({ socket, received: () => data, closed }));
    socket.once('error', reject);
  });
}

/** Reads one full keep-alive response on a raw socket. */
function untilResponse(client: { socket: Socket; received: () => string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const got = client.received();
      const m = /content-length: (\d+)\r\n/i.exec(got);
      const head = got.indexOf('\r\n\r\n');
      if (m !== null && head !== -1 && got.length >= head + 4 + Number(m[1])) {
        client.socket.off('data', check);
        resolve(got);
      }
    };
    client.socket.on('data', check);
    client.socket.once('close', () => reject(new Error(`socket closed; got ${JSON.stringify(client.received())}`)));
    check();
  });
}

test('/metrics: text 0.0.4 by default, parsing back to the same families', async (t) => {
  const { url } = await start(t);
  const r = await httpGet(`${url}/metrics`);
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
  assert.equal(r.headers['content-encoding'], undefined);
  assert.equal(r.headers['cache-control'], 'no-store');
  const body = r.body.toString('utf8');
  assert.doesNotMatch(body, /# EOF/);
  assert.deepEqual(parseExposition(body, r.headers['content-type']), expectedAfter('text'));
});

test('/metrics: OpenMetrics when the scraper asks for it', async (t) => {
  const { url } = await start(t);
  const r = await httpGet(`${url}/metrics`, { accept: 'application/openmetrics-text; version=1.0.0' });
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'application/openmetrics-text; version=1.0.0; charset=utf-8');
  const body = r.body.toString('utf8');
  assert.ok(body.endsWith('# EOF\n'), body);
  assert.deepEqual(parseExposition(body, r.headers['content-type']), expectedAfter('openmetrics'));
  // Prometheus 2.x's own Accept header also gets OpenMetrics.
  const prom = await httpGet(`${url}/metrics`, {
    accept: 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
  });
  assert.match(String(prom.headers['content-type']), /^application\/openmetrics-text/);
});

test('/metrics: gzip when Accept-Encoding allows it, identical once decompressed; HEAD has no body', async (t) => {
  const { url } = await start(t);
  const plain = await httpGet(`${url}/metrics`);
  const zipped = await httpGet(`${url}/metrics`, { 'accept-encoding': 'gzip' });
  assert.equal(zipped.status, 200);
  assert.equal(zipped.headers['content-encoding'], 'gzip');
  assert.match(String(zipped.headers.vary), /Accept-Encoding/);
  assert.equal(zipped.body[0], 0x1f); // gzip magic
  assert.equal(gunzipSync(zipped.body).toString('utf8'), plain.body.toString('utf8'));
  const refused = await httpGet(`${url}/metrics`, { 'accept-encoding': 'gzip;q=0, identity' });
  assert.equal(refused.headers['content-encoding'], undefined);
  const head = await httpGet(`${url}/metrics`, {}, 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(head.body.length, 0);
  assert.equal(head.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
  assert.equal(head.headers['content-length'], String(plain.body.length));
});

test('/healthz 200 and 503, /api/v1/status JSON', async (t) => {
  const view = new TestView();
  const { url } = await start(t, {}, view);
  const ok = await fetch(`${url}/healthz`);
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), { status: 'ok', uptimeSeconds: 12 });
  view.ok = false;
  const down = await fetch(`${url}/healthz`);
  assert.equal(down.status, 503);
  assert.deepEqual(await down.json(), { status: 'unavailable', reason: 'collector stalled' });
  const st = await fetch(`${url}/api/v1/status`);
  assert.equal(st.status, 200);
  assert.match(String(st.headers.get('content-type')), /^application\/json/);
  assert.deepEqual(await st.json(), { monitoring: true, collectors: ['system'], lastTick: 1_700_000_000_000 });
});

test('unknown route 404, wrong method 405 with Allow, render failure 500 without a stack', async (t) => {
  const view = new TestView();
  const logger = new MemoryLogger();
  const { url } = await start(t, { logger }, view);
  const nf = await fetch(`${url}/nope?x=1`);
  assert.equal(nf.status, 404);
  assert.deepEqual(await nf.json(), { error: 'not found', path: '/nope' });
  const post = await fetch(`${url}/metrics`, { method: 'POST', body: 'x' });
  assert.equal(post.status, 405);
  assert.equal(post.headers.get('allow'), 'GET, HEAD');
  assert.deepEqual(await post.json(), { error: 'method not allowed', method: 'POST', path: '/metrics' });
  const del = await fetch(`${url}/api/v1/status`, { method: 'DELETE' });
  assert.equal(del.status, 405);
  view.failRender = true;
  const boom = await fetch(`${url}/metrics`);
  assert.equal(boom.status, 500);
  const text = await boom.text();
  assert.deepEqual(JSON.parse(text), { error: 'could not render /metrics: store is gone' });
  assert.doesNotMatch(text, /at .*\.ts:\d+/);
  assert.equal(logger.lines.length, 1);
  assert.equal(logger.lines[0]!.level, 'error');
  assert.match(logger.lines[0]!.msg, /GET \/metrics: 500: could not render/);
});

test('a URL past maxUrlLength is 414; headers past maxHeaderBytes are 431', async (t) => {
  const { url, port } = await start(t, { maxUrlLength: 2048, maxHeaderBytes: 4096 });
  const long = await fetch(`${url}/metrics?pad=${'a'.repeat(3000)}`);
  assert.equal(long.status, 414);
  assert.deepEqual(await long.json(), { error: `URL too long: ${'/metrics?pad='.length + 3000} characters; limit 2048` });
  const longUnknown = await fetch(`${url}/${'b'.repeat(3000)}`);
  assert.equal(longUnknown.status, 414);
  const justFits = await fetch(`${url}/metrics?pad=${'a'.repeat(2000)}`);
  assert.equal(justFits.status, 200);

  const c = await rawClient(port);
  c.socket.write(`GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: ${'h'.repeat(8192)}\r\n\r\n`);
  await c.closed;
  assert.match(c.received(), /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
  assert.match(c.received(), /\{"error":"request header fields too large"\}$/);
});

test('connections past maxConnections are closed on accept; a freed slot serves again', async (t) => {
  const { server, port } = await start(t, { maxConnections: 3 });
  const serverSide: Socket[] = [];
  server.app.server.on('connection', (s: Socket) => serverSide.push(s));
  const clients = [];
  for (let i = 0; i < 3; i++) {
    const c = await rawClient(port);
    t.after(() => c.socket.destroy());
    c.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.match(await untilResponse(c), /^HTTP\/1\.1 200 /);
    clients.push(c);
  }
  assert.equal(serverSide.length, 3);
  const extra = await rawClient(port);
  extra.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
  await extra.closed;
  assert.equal(extra.received(), '');
  assert.equal(serverSide.length, 3, 'the 4th connection never reached the HTTP server');

  const freed = new Promise<void>((r) => serverSide[0]!.once('close', () => r()));
  clients[0]!.socket.destroy();
  await freed;
  const again = await rawClient(port);
  t.after(() => again.socket.destroy());
  again.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.match(await untilResponse(again), /^HTTP\/1\.1 200 /);
});

test('maxConnectionsPerIp: a client past its cap is closed on accept; other clients and a freed slot are served', async (t) => {
  const { port } = await start(t, { maxConnectionsPerIp: 2 });
  const from = async (localAddress: string) => {
    const c = await rawClient(port, localAddress);
    t.after(() => c.socket.destroy());
    return c;
  };
  const held = [await from('127.0.0.2'), await from('127.0.0.2')];
  for (const c of held) {
    c.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.match(await untilResponse(c), /^HTTP\/1\.1 200 /);
  }
  const third = await from('127.0.0.2');
  third.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
  await third.closed;
  assert.equal(third.received(), '', 'closed on accept, unanswered');
  const other = await from('127.0.0.3');
  other.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.match(await untilResponse(other), /^HTTP\/1\.1 200 /);

  held[0]!.socket.destroy();
  await held[0]!.closed;
  // The server sees the close a moment after the client: retry until the slot is free.
  let answer = '';
  for (let i = 0; i < 50 && answer === ''; i++) {
    const again = await from('127.0.0.2');
    again.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    answer = await untilResponse(again).catch(() => '');
  }
  assert.match(answer, /^HTTP\/1\.1 200 /);
});

test('headersTimeoutMs: at most requestTimeoutMs; by default 5 s, or requestTimeoutMs when that is lower', () => {
  assert.throws(
    () => createServer(new TestView(), { headersTimeoutMs: 20_000, requestTimeoutMs: 10_000 }),
    /server option headersTimeoutMs: got 20000; expected at most requestTimeoutMs \(10000\)/,
  );
  assert.throws(() => createServer(new TestView(), { maxConnectionsPerIp: 0 }), /server option maxConnectionsPerIp: got 0; expected an integer 1\.\.1000000/);
  assert.equal(resolveServerOptions({}).headersTimeoutMs, 5000);
  assert.equal(resolveServerOptions({}).maxConnectionsPerIp, 32);
  assert.equal(resolveServerOptions({ requestTimeoutMs: 500 }).headersTimeoutMs, 500);
  // A bad value is shown truncated, never whole.
  assert.throws(
    () => createServer(new TestView(), { host: 7 as unknown as string }),
    /server option host: got 7; expected a host name or IP address/,
  );
  assert.throws(
    () => createServer(new TestView(), { port: 'p'.repeat(5000) as unknown as number }),
    (e: unknown) => e instanceof Error && e.message.length < 250 && e.message.includes('p'.repeat(90)),
  );
});

test('a client stalled mid-request blocks nobody and is cut off by the headers timeout', { timeout: 15_000 }, async (t) => {
  const { url, port } = await start(t, { requestTimeoutMs: 500 });
  const stalled = await rawClient(port);
  t.after(() => stalled.socket.destroy());
  let stalledClosed = false;
  void stalled.closed.then(() => (stalledClosed = true));
  stalled.socket.write('GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: text/pl');

  const r = await fetch(`${url}/metrics`);
  assert.equal(r.status, 200);
  assert.match(await r.text(), /echo_gpu_utilization_ratio\{gpu="0"\} 0\.75/);
  assert.equal(stalledClosed, false, 'the other request was answered while the stalled one was still open');

  await stalled.closed;
  assert.match(stalled.received(), /^HTTP\/1\.1 408 Request Timeout\r\n/);
});

test('close() is idempotent and ends keep-alive connections', async (t) => {
  const { server, port } = await start(t);
  const c = await rawClient(port);
  c.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
  await untilResponse(c);
  await Promise.all([server.close(), server.close()]);
  await c.closed;
  await server.close();
});

test('a non-loopback bind without a token is refused at listen()', async () => {
  for (const host of ['0.0.0.0', '::', '192.168.1.10', 'example.com']) {
    const server = createServer(new TestView(), { host, port: 0 });
    await assert.rejects(server.listen(), (e: unknown) => {
      assert.ok(e instanceof Error);
      assert.equal((e as { code?: string }).code, 'EP_ERR_ARGUMENT');
      assert.match(e.message, new RegExp(`server host "${host.replace(/\./g, '\\.')}" is not a loopback address: a token is required`));
      return true;
    });
    await server.close();
  }
  for (const h of ['127.0.0.1', '127.3.2.1', 'localhost', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1']) {
    assert.equal(isLoopbackHost(h), true, h);
  }
  for (const h of ['0.0.0.0', '::', '128.0.0.1', '::2', 'localhost.example.com']) assert.equal(isLoopbackHost(h), false, h);
  assert.throws(() => createServer(new TestView(), { port: 70_000 }), /server option port: got 70000; expected an integer 0\.\.65535/);
});

test('bearerAuth: 401 with WWW-Authenticate without or with a wrong token, through with it', async (t) => {
  const { url } = await start(t, { token: 'server-token' }, new TestView(), (s) => {
    s.app.post('/api/v1/test-write', { preHandler: bearerAuth('s3cret') }, () => ({ written: true }));
    s.app.post('/api/v1/guarded', { preHandler: s.requireToken }, () => ({ written: true }));
  });
  const none = await fetch(`${url}/api/v1/test-write`, { method: 'POST' });
  assert.equal(none.status, 401);
  assert.match(String(none.headers.get('www-authenticate')), /^Bearer /);
  assert.deepEqual(await none.json(), { error: 'missing bearer token' });
  const wrong = await fetch(`${url}/api/v1/test-write`, { method: 'POST', headers: { authorization: 'Bearer s3cre' } });
  assert.equal(wrong.status, 401);
  assert.match(String(wrong.headers.get('www-authenticate')), /error="invalid_token"/);
  const good = await fetch(`${url}/api/v1/test-write`, { method: 'POST', headers: { authorization: 'bearer s3cret' } });
  assert.equal(good.status, 200);
  assert.deepEqual(await good.json(), { written: true });
  // The server's own guard uses options.token; the GET endpoints stay open.
  assert.equal((await fetch(`${url}/api/v1/guarded`, { method: 'POST' })).status, 401);
  const guarded = await fetch(`${url}/api/v1/guarded`, { method: 'POST', headers: { authorization: 'Bearer server-token' } });
  assert.equal(guarded.status, 200);
  assert.equal((await fetch(`${url}/metrics`)).status, 200);
});

interface PromVector {
  status: string;
  data: { result: { metric: Record<string, string>; value: [number, string] }[] };
}

test('a real Prometheus scrapes /metrics (OpenMetrics, gzip) and reads the values', { timeout: 60_000 }, async (t) => {
  const bin = requirePeer(t, 'prometheus');
  if (bin === undefined) return;
  const seen: { accept?: string | undefined; encoding?: string | undefined } = {};
  const { port } = await start(t, {}, new TestView(), (s) => {
    s.app.addHook('onRequest', (req, _reply, done) => {
      if (req.url === '/metrics') {
        seen.accept = req.headers.accept;
        seen.encoding = req.headers['accept-encoding'];
      }
      done();
    });
  });
  const prom = await startPrometheus(bin, `  - job_name: echo\n    scrape_timeout: 1s\n    static_configs:\n      - targets: ['127.0.0.1:${port}']\n`);
  t.after(() => prom.stop());
  const query = async (q: string): Promise<PromVector | undefined> => {
    const r = await fetch(`${prom.url}/api/v1/query?query=${encodeURIComponent(q)}`);
    return r.ok ? ((await r.json()) as PromVector) : undefined;
  };
  await waitFor('up{job="echo"} == 1', async () => ((await query('up{job="echo"}'))?.data.result[0]?.value[1] === '1' ? true : undefined));

  const gauge = await query('echo_gpu_utilization_ratio{gpu="0"}');
  assert.equal(gauge?.data.result[0]?.value[1], '0.75');
  const hist = await query('echo_latency_seconds_count');
  assert.equal(hist?.data.result[0]?.metric.path, NASTY);
  assert.equal(hist?.data.result[0]?.value[1], '3');
  assert.match(String(seen.accept), /application\/openmetrics-text/);
  assert.match(String(seen.encoding), /gzip/);
});
