import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { pullCollector, type PullSpec } from './pull.js';

const NOW = 1_700_000_000_000;

/** What the server answers next: a body and its content type (none: no header). */
let page: { body: string; contentType?: string } = { body: '{}' };
const requests: IncomingMessage[] = [];
let server: Server;
let base = '';

before(async () => {
  server = createServer((req, res) => {
    requests.push(req);
    if (page.contentType !== undefined) res.setHeader('content-type', page.contentType);
    res.end(page.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const spec = (over: Partial<PullSpec> = {}): PullSpec => ({
  name: 'comp',
  url: `${base}/metrics`,
  format: 'json',
  intervalMs: 10_000,
  timeoutMs: 5000,
  maxAgeMs: 30_000,
  limits: { maxSamples: 100 },
  userAgent: 'echo-perf-test',
  ...over,
});
const signal = () => new AbortController().signal;

test('a JSON page is fetched, checked like a push and held; within the interval the held values are offered without a fetch', async () => {
  requests.length = 0;
  page = { body: '{"m": 1, "labels": {"gpu": "0"}}', contentType: 'text/plain' };
  const c = pullCollector(spec());
  assert.equal(c.name, 'comp');
  const first = await c.collect(NOW, signal());
  assert.deepEqual(first, [{ name: 'm', labels: { gpu: '0', component: 'comp' }, t: NOW, v: 1 }], 'a JSON pull is read as JSON whatever content type the server names');
  assert.equal(requests.length, 1);
  assert.equal(requests[0]!.headers['user-agent'], 'echo-perf-test');
  page = { body: '{"m": 2, "labels": {"gpu": "0"}}' };
  assert.deepEqual(
    (await c.collect(NOW + 9999, signal())).map((s) => s.v),
    [1],
  );
  assert.equal(requests.length, 1, 'not fetched again before the interval has passed');
  assert.deepEqual(
    (await c.collect(NOW + 10_000, signal())).map((s) => s.v),
    [2],
  );
  assert.equal(requests.length, 2, 'fetched again exactly one interval later');
});

test('held values older than maxAgeMs are no longer offered', async () => {
  page = { body: '{"m": 1}' };
  const c = pullCollector(spec({ intervalMs: 100_000 }));
  assert.equal((await c.collect(NOW, signal())).length, 1);
  assert.equal((await c.collect(NOW + 30_000, signal())).length, 1);
  assert.deepEqual(await c.collect(NOW + 30_001, signal()), []);
});

test('a Prometheus page is read as text, with or without a content type, and asks for text 0.0.4', async () => {
  requests.length = 0;
  page = { body: '# TYPE m gauge\nm{a="b"} 3\n', contentType: 'text/plain; version=0.0.4' };
  const c = pullCollector(spec({ format: 'prometheus' }));
  assert.deepEqual(await c.collect(NOW, signal()), [{ name: 'm', labels: { a: 'b', component: 'comp' }, t: NOW, v: 3 }]);
  assert.match(String(requests[0]!.headers['accept']), /^text\/plain;version=0\.0\.4/);
  page = { body: 'n 4\n' };
  const bare = pullCollector(spec({ format: 'prometheus' }));
  assert.deepEqual(
    (await bare.collect(NOW, signal())).map((s) => [s.name, s.v]),
    [['n', 4]],
  );
  requests.length = 0;
  page = { body: '{"m": 1}', contentType: 'application/json' };
  await pullCollector(spec()).collect(NOW, signal());
  assert.doesNotMatch(String(requests[0]!.headers['accept']), /^text\/plain;version=0\.0\.4;q=1/, 'a JSON pull negotiates like a scrape');
});

test("a page's own timestamps are held to the window: at most one interval plus maxAheadMs ahead, at most maxAgeMs old", async () => {
  const at = (t: number) => `{"m": 1, "timestamp": ${t}}`;
  for (const [t, ok, over] of [
    [NOW + 10_000 + 5000, true, {}],
    [NOW + 10_000 + 5001, false, {}],
    [NOW + 10_000 + 1000, true, { maxAheadMs: 1000 }],
    [NOW + 10_000 + 1001, false, { maxAheadMs: 1000 }],
    [NOW - 30_000, true, {}],
    [NOW - 30_001, false, {}],
  ] as const) {
    page = { body: at(t) };
    const c = pullCollector(spec(over));
    if (ok) assert.deepEqual((await c.collect(NOW, signal()))[0]!.t, t, String(t - NOW));
    else await assert.rejects(c.collect(NOW, signal()), /timestamp: got \d+; expected unix time/, String(t - NOW));
  }
});

test('an invalid page is refused as a whole, naming each field, the URL without its secrets, and how many errors were left out', async () => {
  page = { body: '{"m": "x", "n": 1}' };
  const c = pullCollector(spec({ url: `${base}/metrics?token=s3cret` }));
  await assert.rejects(c.collect(NOW, signal()), (e: Error) => {
    assert.ok(!e.message.includes('s3cret'), e.message);
    assert.match(e.message, /^invalid payload from http:\/\/127\.0\.0\.1:\d+\/metrics\?token=.*: m: got "x"; expected a finite number$/);
    return true;
  });
  assert.deepEqual(c.held.fresh(NOW, 30_000), [], 'nothing of a refused page is held');
  page = { body: JSON.stringify(Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`k${i}`, 'x']))) };
  await assert.rejects(pullCollector(spec()).collect(NOW, signal()), /k19: got "x"; expected a finite number; and 5 more$/);
  page = { body: '{"m": "x", "n": "y"}' };
  await assert.rejects(pullCollector(spec()).collect(NOW, signal()), /m: got "x"; expected a finite number; n: got "y"; expected a finite number$/);
});
