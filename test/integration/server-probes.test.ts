// The server probed as an attacker would, over a real socket: every answer is a
// well-formed 2xx/4xx (503 from /healthz: the monitor is not running) with a JSON body (none for HEAD and 100 Continue), bounded
// in size, and nothing reaches the error log. docs/security.md lists the probes.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { test } from 'node:test';
import { MemoryLogger } from '../../src/core/logger.js';
import { UnifiedPerformanceMonitor } from '../../src/monitor/unifiedMonitor.js';
import { monitorView } from '../../src/monitor/monitorView.js';
import { addPushRoute } from '../../src/monitor/pushRoute.js';
import { createServer } from '../../src/server/index.js';

const get = (path: string, method = 'GET', headers = ''): string => `${method} ${path} HTTP/1.1\r\nHost: x\r\n${headers}Connection: close\r\n\r\n`;
const post = (path: string, body: string, type = 'application/json', headers = ''): string =>
  `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${headers}Connection: close\r\n\r\n${body}`;
const chunked = (path: string, chunks: string[]): string =>
  `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n` +
  chunks.map((c) => `${Buffer.byteLength(c).toString(16)}\r\n${c}\r\n`).join('') +
  '0\r\n\r\n';

const deepArray = '['.repeat(10_000) + ']'.repeat(10_000);
const deepObject = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);

/** [name, raw request, expected final status]. */
const PROBES: [string, string, number][] = [
  ['deep JSON array to push', post('/api/v1/push/dtesn', deepArray), 400],
  ['deep JSON object to push', post('/api/v1/push/dtesn', deepObject), 400],
  ['200 KB bad value', post('/api/v1/push/dtesn', JSON.stringify({ m: 'v'.repeat(200_000) })), 400],
  ['invalid UTF-8 body', `POST /api/v1/push/dtesn HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4\r\nConnection: close\r\n\r\n"\xff\xfe"`, 400],
  ['content type garbage', post('/api/v1/push/dtesn', '{"m":1}', ';;;==='), 415],
  ['chunked body past the limit', chunked('/api/v1/push/dtesn', Array<string>(20).fill('x'.repeat(64 * 1024))), 413],
  ['Content-Length past the limit', `POST /api/v1/push/dtesn HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 99999999999\r\nConnection: close\r\n\r\n{}`, 413],
  ['duplicate Content-Length', `POST /api/v1/push/dtesn HTTP/1.1\r\nHost: x\r\nContent-Length: 7\r\nContent-Length: 8\r\nConnection: close\r\n\r\n{"a":1}`, 400],
  ['Content-Length with Transfer-Encoding', `POST /api/v1/push/dtesn HTTP/1.1\r\nHost: x\r\nContent-Length: 7\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n7\r\n{"a":1}\r\n0\r\n\r\n`, 400],
  ['negative Content-Length', `POST /api/v1/push/dtesn HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\nConnection: close\r\n\r\n`, 400],
  ['unknown Transfer-Encoding', `POST /api/v1/push/dtesn HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\nConnection: close\r\n\r\n{}`, 400],
  ['Expect: 100-continue', post('/api/v1/push/dtesn', '{"m":1}', 'application/json', 'Expect: 100-continue\r\n'), 200],
  ['Expect: something else', get('/healthz', 'GET', 'Expect: teapot\r\n'), 417],
  ['bad percent-encoding in the path', get('/api/v1/push/%E0%A4%A'), 400],
  ['overlong UTF-8 in the path', post('/api/v1/push/%C0%AF', '{}'), 400],
  ['bad percent-encoding in the query', get('/metrics?x=%zz'), 200],
  ['path traversal', get('/../../etc/passwd'), 404],
  ['encoded traversal to push', post('/api/v1/push/..%2F..%2Fetc', '{"m":1}'), 400],
  ['NUL in the path', get('/metrics%00'), 404],
  ['raw NUL in the request line', get('/met\x00rics'), 400],
  ['URL past the limit', get(`/metrics?pad=${'a'.repeat(5000)}`), 414],
  ['absolute-form URL', get('http://elsewhere.example/api/v1/status'), 200],
  ['OPTIONS', get('/metrics', 'OPTIONS'), 405],
  ['OPTIONS *', get('*', 'OPTIONS'), 404],
  ['TRACE', get('/healthz', 'TRACE'), 405],
  ['PROPFIND', get('/healthz', 'PROPFIND'), 405],
  ['unknown method', get('/healthz', 'BREW'), 400],
  ['5000-character method', get('/healthz', 'X'.repeat(5000)), 400],
  ['CONNECT', 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n', 405],
  ['GET on the push route', get('/api/v1/push/dtesn'), 405],
  ['DELETE /healthz', get('/healthz', 'DELETE'), 405],
  ['HEAD /metrics', get('/metrics', 'HEAD'), 200],
  ['HEAD /healthz (not monitoring: 503)', get('/healthz', 'HEAD'), 503],
  ['HEAD /api/v1/status', get('/api/v1/status', 'HEAD'), 200],
  ['HEAD on the push route', get('/api/v1/push/dtesn', 'HEAD'), 405],
  ['HEAD on an unknown path', get('/nope', 'HEAD'), 404],
  ['3000 headers', `GET /healthz HTTP/1.1\r\nHost: x\r\n${Array.from({ length: 3000 }, (_, i) => `X-${i}: 1\r\n`).join('')}Connection: close\r\n\r\n`, 431],
  ['header without a colon', `GET /healthz HTTP/1.1\r\nHost: x\r\nbroken\r\nConnection: close\r\n\r\n`, 400],
  ['bare LF line ends', 'GET /healthz HTTP/1.1\nHost: x\nConnection: close\n\n', 400],
  ['no Host in HTTP/1.1', 'GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n', 400],
  ['two Host headers', 'GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n', 400],
  ['HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 400],
  ['Upgrade: websocket', get('/api/v1/status', 'GET', 'Upgrade: websocket\r\nSec-WebSocket-Key: x\r\nSec-WebSocket-Version: 13\r\n'), 200],
  ['5000-byte bearer token', get('/metrics', 'GET', `Authorization: Bearer ${'x'.repeat(5000)}\r\n`), 200],
  ['Accept of 3000 parameters', get('/metrics', 'GET', `Accept: ${'a;'.repeat(3000)}\r\n`), 200],
  ['__proto__ in the query', get('/metrics?__proto__[x]=1&constructor[prototype][y]=2'), 200],
  ['1500-character component name', post(`/api/v1/push/${'n'.repeat(1500)}`, '{"m":1}'), 400],
];

function exchange(port: number, payload: string): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    s.on('data', (d: Buffer) => chunks.push(d));
    s.on('error', () => {});
    // A hang detector: every probe above ends with the server closing the connection.
    const timer = setTimeout(() => s.destroy(), 10_000);
    s.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
    s.write(payload, 'latin1');
  });
}

test('every probe gets its well-formed status, JSON when there is a body, and nothing in the error log', { timeout: 120_000 }, async (t) => {
  const logger = new MemoryLogger();
  const monitor = new UnifiedPerformanceMonitor({ config: { log_level: 'silent' }, systemCollector: false, gpuCollector: false, logger: new MemoryLogger() });
  const server = createServer(monitorView(monitor), { port: 0, logger });
  addPushRoute(server, monitor);
  t.after(() => server.close());
  const { port } = await server.listen();
  const failures: string[] = [];
  for (const [name, raw, expected] of PROBES) {
    const got = await exchange(port, raw);
    // Skip interim 100 Continue answers; judge the final response.
    const final = got.replace(/^HTTP\/1\.1 100 Continue\r\n\r\n/, '');
    const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(final)?.[1] ?? 0);
    const head = final.slice(0, final.indexOf('\r\n\r\n'));
    const body = Buffer.from(final.slice(head.length + 4), 'latin1').toString('utf8');
    const isHead = raw.startsWith('HEAD ');
    let problem = '';
    if (status !== expected) problem = `status ${status}, expected ${expected}`;
    else if (!/\r\ncontent-type: application\/(json|openmetrics-text)|\r\ncontent-type: text\/plain; version=0\.0\.4/i.test(head)) problem = 'no JSON or exposition content type';
    else if (status >= 400 && body.length > 2000) problem = `error body of ${body.length} bytes`;
    else if (!isHead && /application\/json/i.test(head)) {
      try {
        const parsed = JSON.parse(body) as Record<string, unknown>;
        if (status >= 400 && typeof parsed['error'] !== 'string') problem = `no "error" in ${body}`;
      } catch {
        problem = `body is not JSON: ${JSON.stringify(body.slice(0, 100))}`;
      }
    } else if (isHead && body !== '') problem = 'HEAD answered with a body';
    if (/\n\s+at .+:\d+:\d+/.test(body)) problem = 'stack trace in the body';
    if (problem !== '') failures.push(`${name}: ${problem}`);
  }
  assert.deepEqual(failures, []);
  assert.deepEqual(logger.lines.filter((l) => l.level === 'error' || l.level === 'warn'), []);
});
