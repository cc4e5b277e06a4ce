// Defects found probing the server as an attacker would. Each answered
// something other than a bounded JSON 4xx: a 500 with a stack in the log, the
// whole bad value echoed back, a bare reply of Node's own, or no answer at all;
// and 300 trickling sockets from one address starved /healthz.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { MemoryLogger } from '../../src/core/logger.js';
import { UnifiedPerformanceMonitor } from '../../src/monitor/unifiedMonitor.js';
import { monitorView } from '../../src/monitor/monitorView.js';
import { addPushRoute } from '../../src/monitor/pushRoute.js';
import { createIntegratedSystem } from '../../src/monitor/integrated.js';
import { createServer } from '../../src/server/index.js';
import type { MonitorView, ServerOptions } from '../../src/server/index.js';

const view: MonitorView = { metricFamilies: () => [], status: () => ({ monitoring: true }), health: () => ({ ok: true }) };

async function start(t: TestContext, options: ServerOptions = {}, withPush = false) {
  const logger = new MemoryLogger();
  const monitor = new UnifiedPerformanceMonitor({ config: { log_level: 'silent' }, systemCollector: false, gpuCollector: false, logger: new MemoryLogger() });
  const server = createServer(withPush ? monitorView(monitor) : view, { port: 0, logger, ...options });
  if (withPush) addPushRoute(server, monitor);
  t.after(() => server.close());
  const { url, port } = await server.listen();
  return { server, url, port, logger };
}

/** Sends raw bytes; resolves with everything received once the server closes (or after `ms`, marked). */
function exchange(port: number, payload: string, ms = 5000): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    let data = '';
    s.setEncoding('latin1');
    s.on('data', (d: string) => (data += d));
    s.on('error', () => {});
    const timer = setTimeout(() => {
      s.destroy();
      resolve(`${data}<no close within ${ms} ms>`);
    }, ms);
    s.on('close', () => {
      clearTimeout(timer);
      resolve(data);
    });
    s.write(payload);
  });
}

/** Status and parsed JSON body of one raw `Connection: close` response. */
function parse(raw: string): { status: number; type: string; body: Record<string, unknown> } {
  const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(raw)?.[1] ?? 0);
  const type = /\r\ncontent-type: ([^\r]*)/i.exec(raw)?.[1] ?? '';
  // Read as latin1 (one char per byte); the body is UTF-8.
  const text = Buffer.from(raw.slice(raw.indexOf('\r\n\r\n') + 4), 'latin1').toString('utf8');
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { unparsable: text };
  }
  return { status, type, body };
}

test('a 10,000-deep JSON body to the push route is a 400, not a 500 with a stack trace in the log', async (t) => {
  const { url, logger } = await start(t, {}, true);
  for (const body of ['['.repeat(10_000) + ']'.repeat(10_000), '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000)]) {
    const r = await fetch(`${url}/api/v1/push/dtesn`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    assert.equal(r.status, 400);
    const text = await r.text();
    assert.ok(text.length < 2000, `bounded reply: ${text.length} bytes`);
    assert.match(text, /"error":"invalid payload"/);
  }
  assert.deepEqual(logger.lines.filter((l) => l.level === 'error'), []);
});

test('error replies echo a bad value cut to 100 characters, never whole', async (t) => {
  const { url } = await start(t, {}, true);
  const huge = 'v'.repeat(200_000);
  const r = await fetch(`${url}/api/v1/push/dtesn`, { method: 'POST', body: JSON.stringify({ m: huge }), headers: { 'content-type': 'application/json' } });
  assert.equal(r.status, 400);
  const text = await r.text();
  assert.ok(text.length < 1000, `reply of ${text.length} bytes`);
  const body = JSON.parse(text) as { errors: { field: string; value: string }[] };
  assert.equal(body.errors[0]!.field, 'm');
  assert.equal(body.errors[0]!.value, `${'v'.repeat(100)}…`);

  const name = 'n'.repeat(1500);
  const bad = await fetch(`${url}/api/v1/push/${name}`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
  assert.equal(bad.status, 400);
  const badText = await bad.text();
  assert.ok(!badText.includes('n'.repeat(101)), badText);
});

test('bad percent-encoding: a clear 400 that shows the path bounded', async (t) => {
  const { port } = await start(t, { maxUrlLength: 4096 });
  const path = `/api/v1/push/${'a'.repeat(1000)}%E0%A4%A`;
  const r = parse(await exchange(port, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
  assert.equal(r.status, 400);
  assert.equal(r.body['error'], 'malformed URL: invalid percent-encoding in the path');
  assert.equal(r.body['path'], `${path.slice(0, 100)}…`);
});

test('Expect other than 100-continue: 417 with a JSON body (Node sent an empty one)', async (t) => {
  const { port } = await start(t);
  const r = parse(await exchange(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\nConnection: close\r\n\r\n'));
  assert.equal(r.status, 417);
  assert.match(r.type, /^application\/json/);
  assert.deepEqual(r.body, { error: 'expectation failed: only "Expect: 100-continue" is supported', got: 'teapot' });
});

test('HTTP/1.1 without Host, or with two: 400 JSON (RFC 9112 section 3.2); Node sent a bare 400 or served it', async (t) => {
  const { port } = await start(t);
  const none = parse(await exchange(port, 'GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n'));
  assert.equal(none.status, 400);
  assert.deepEqual(none.body, { error: 'missing Host header (required in HTTP/1.1)' });
  const two = parse(await exchange(port, 'GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n'));
  assert.equal(two.status, 400);
  assert.deepEqual(two.body, { error: 'more than one Host header' });
  // HTTP/1.0 has no Host requirement.
  assert.equal(parse(await exchange(port, 'GET /healthz HTTP/1.0\r\n\r\n')).status, 200);
});

test('CONNECT is answered 405 JSON (Node dropped the socket without a word)', async (t) => {
  const { port } = await start(t);
  const r = parse(await exchange(port, 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n'));
  assert.equal(r.status, 405);
  assert.deepEqual(r.body, { error: 'method not allowed', method: 'CONNECT' });
});

test('300 sockets trickling headers from one address do not starve /healthz; the server closes them', { timeout: 60_000 }, async (t) => {
  const headersTimeoutMs = 2000;
  const { url, port } = await start(t, { headersTimeoutMs, requestTimeoutMs: 10_000 });
  const trickling: { socket: Socket; data: string; closedAt: number | undefined }[] = [];
  const connected: Promise<void>[] = [];
  const closed: Promise<void>[] = [];
  for (let i = 0; i < 300; i++) {
    // Linux routes all of 127/8 to lo: a second client address without any setup.
    const socket = connect({ host: '127.0.0.1', port, localAddress: '127.0.0.2' });
    const entry = { socket, data: '', closedAt: undefined as number | undefined };
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => (entry.data += d));
    socket.on('error', () => {});
    connected.push(new Promise((r) => socket.once('connect', () => r()).once('close', () => r())));
    closed.push(new Promise((r) => socket.once('close', () => ((entry.closedAt = performance.now()), r()))));
    t.after(() => socket.destroy());
    trickling.push(entry);
  }
  await Promise.all(connected);
  const startedAt = performance.now();
  for (const e of trickling) if (!e.socket.destroyed) e.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ');
  const drip = setInterval(() => {
    for (const e of trickling) if (!e.socket.destroyed) e.socket.write('z');
  }, 100);
  t.after(() => clearInterval(drip));

  // A generous deadline: it detects a hang, it does not measure speed.
  const r = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(headersTimeoutMs) });
  assert.equal(r.status, 200);
  const stillOpen = trickling.filter((e) => e.closedAt === undefined).length;
  assert.ok(stillOpen >= 1 && stillOpen <= 32, `trickling sockets still open while /healthz answered: ${stillOpen}`);

  // Every trickling socket ends: refused at accept (past 32), or cut off with a 408 after the headers timeout.
  await Promise.all(closed);
  clearInterval(drip);
  const answered = trickling.filter((e) => e.data !== '');
  assert.ok(answered.length >= 1 && answered.length <= 32, `sockets served: ${answered.length}`);
  for (const e of answered) assert.match(e.data, /^HTTP\/1\.1 408 Request Timeout\r\n/);
  const lastClose = Math.max(...trickling.map((e) => e.closedAt ?? Infinity));
  assert.ok(lastClose - startedAt < headersTimeoutMs + 10_000, `closed ${Math.round(lastClose - startedAt)} ms after the first bytes`);
});

test('config server.max_connections_per_ip reaches the server of the integrated system', async (t) => {
  const system = createIntegratedSystem(undefined, {
    config: { log_level: 'silent', server: { port: 0, max_connections_per_ip: 1 }, echo_dash: { enabled: false } },
    systemCollector: false,
    gpuCollector: false,
    logger: new MemoryLogger(),
    consoleAlerts: false,
  });
  await system.start();
  t.after(() => system.stop());
  const port = system.address!.port;
  const open = (): Promise<{ socket: Socket; closed: Promise<void> }> =>
    new Promise((resolve) => {
      const socket = connect({ host: '127.0.0.1', port, localAddress: '127.0.0.2' });
      socket.on('error', () => {});
      t.after(() => socket.destroy());
      const closed = new Promise<void>((r) => socket.once('close', () => r()));
      socket.once('connect', () => resolve({ socket, closed }));
    });
  const first = await open();
  const second = await open();
  await second.closed;
  assert.equal(first.socket.destroyed, false, 'the first connection is kept');
  assert.equal(parse(await exchange(port, 'GET /api/v1/status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).status, 200);
});
