import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { test } from 'node:test';
import { MemoryLogger } from '../../core/logger.js';
import { remoteWriteTarget } from '../../config/remoteWrite.js';
import { decodeWriteRequestBody, type WireSeries } from './encode.js';
import { RemoteWriteQueue } from './queue.js';

/** A receiver on 127.0.0.1 that answers the statuses given in turn (then 204) and keeps what it accepted. */
async function receiver(statuses: number[]): Promise<{ url: string; accepted: WireSeries[]; headers: Record<string, string | string[] | undefined>[]; server: Server }> {
  const accepted: WireSeries[] = [];
  const headers: Record<string, string | string[] | undefined>[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      headers.push(req.headers);
      const status = statuses.shift() ?? 204;
      if (status === 204) accepted.push(...decodeWriteRequestBody(Buffer.concat(chunks)));
      res.writeHead(status).end(status === 204 ? '' : 'out of order sample');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/api/v1/write`, accepted, headers, server };
}

const config = (url: string, extra: object = {}) =>
  remoteWriteTarget.parse({ url, queue: { batch_send_deadline: 0.05, min_backoff: 0.01, max_backoff: 0.05, capacity: 1000, max_samples_per_send: 500 }, ...extra });

test('samples go out renamed as /metrics shows them, with the protocol headers and external labels; 5xx and 429 retried', async (t) => {
  const r = await receiver([503, 429]);
  t.after(() => r.server.close());
  const logger = new MemoryLogger();
  const q = new RemoteWriteQueue('r', config(r.url, { external_labels: { job: 'agent', instance: 'n1' } }), { logger });
  q.start();
  q.observe([
    { name: 'cpu_usage', labels: { component: 'system' }, t: 1000, v: 50 },
    { name: 'cpu_usage', labels: { component: 'system' }, t: 2000, v: 25 },
  ]);
  await q.close(5000);
  assert.equal(r.headers.length, 3, 'two failures, then accepted');
  const h = r.headers[2]!;
  assert.equal(h['content-encoding'], 'snappy');
  assert.equal(h['content-type'], 'application/x-protobuf');
  assert.equal(h['x-prometheus-remote-write-version'], '0.1.0');
  assert.match(String(h['user-agent']), /^echo-perf\//);
  assert.deepEqual(r.accepted, [
    {
      labels: [
        { name: '__name__', value: 'echo_perf_cpu_usage_ratio' },
        { name: 'instance', value: 'n1' },
        { name: 'job', value: 'agent' },
      ],
      samples: [
        { value: 0.5, timestamp: 1000 },
        { value: 0.25, timestamp: 2000 },
      ],
    },
  ]);
  assert.equal(q.sent, 2);
  assert.equal(q.retried, 4);
  assert.equal(q.watermark, 2000);
});

test('a 400 drops the request with a logged reason and counts it failed; the queue goes on', async (t) => {
  const r = await receiver([400]);
  t.after(() => r.server.close());
  const logger = new MemoryLogger();
  const q = new RemoteWriteQueue('r', config(r.url), { logger });
  q.start();
  q.observe([{ name: 'a', labels: {}, t: 1000, v: 1 }]);
  await new Promise((res) => setTimeout(res, 300));
  q.observe([{ name: 'a', labels: {}, t: 2000, v: 2 }]);
  await q.close(5000);
  assert.equal(q.failed, 1);
  assert.equal(q.sent, 1);
  assert.ok(logger.lines.some((e) => e.level === 'error' && /HTTP 400: out of order sample/.test(e.msg)), JSON.stringify(logger.lines));
});

test('per series, nothing at or before what was sent goes again; write_relabel drops by name', async (t) => {
  const r = await receiver([]);
  t.after(() => r.server.close());
  const q = new RemoteWriteQueue('r', config(r.url, { write_relabel: [{ action: 'drop', regex: 'echo_perf_component_skip.*' }] }), { logger: new MemoryLogger() });
  q.start();
  q.observe([
    { name: 'a', labels: {}, t: 2000, v: 2 },
    { name: 'skip_me', labels: {}, t: 2000, v: 2 },
  ]);
  q.observe([{ name: 'a', labels: {}, t: 2000, v: 2 }]);
  q.observe([{ name: 'a', labels: {}, t: 3000, v: 3 }]);
  await q.close(5000);
  assert.deepEqual(
    r.accepted.flatMap((s) => s.samples.map((p) => [s.labels[0]!.value, p.timestamp])),
    [
      ['echo_perf_component_a', 2000],
      ['echo_perf_component_a', 3000],
    ],
  );
});

test('after a restart, the stored samples after the saved watermark are sent first, none at or before it', async (t) => {
  const r = await receiver([]);
  t.after(() => r.server.close());
  const stored = [{ descriptor: { name: 'a', labels: {} }, t: [1000, 2000, 3000, 4000], v: [1, 2, 3, 4] }];
  const q = new RemoteWriteQueue('r', config(r.url), { logger: new MemoryLogger(), saved: { w: 2000 }, backlog: (since) => ({ series: stored.map((s) => ({ ...s, t: s.t.filter((x) => x > since), v: s.v.filter((_, i) => s.t[i]! > since) })), until: Infinity }) });
  q.start();
  q.observe([{ name: 'a', labels: {}, t: 4000, v: 4 }, { name: 'a', labels: {}, t: 5000, v: 5 }]);
  await q.close(5000);
  assert.deepEqual(r.accepted.flatMap((s) => s.samples.map((p) => p.timestamp)), [3000, 4000, 5000]);
  assert.equal(q.watermark, 5000);
});
