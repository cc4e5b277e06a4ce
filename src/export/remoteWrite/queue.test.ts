import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { test } from 'node:test';
import { parse } from 'valibot';
import { MemoryLogger } from '../../core/logger.js';
import { remoteWriteTarget } from '../../config/remoteWrite.js';
import { decodeWriteRequestBody, type WireSeries } from './encode.js';
import { openTestStore } from '../../../test/helpers/diskStore.js';
import { tempDir } from '../../../test/helpers/tempTree.js';
import { BACKLOG_WINDOW, RemoteWriteQueue, type BacklogSeries, type SavedPosition } from './queue.js';

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
  parse(remoteWriteTarget, { url, queue: { batch_send_deadline: 0.05, min_backoff: 0.01, max_backoff: 0.05, capacity: 1000, max_samples_per_send: 500 }, ...extra });

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

/**
 * A receiver with Prometheus's remote-write 1.0 semantics (storage/remote/write_handler.go
 * over the TSDB head): per series, a sample at or before the newest held is refused
 * ("out of order sample", or none for the same time and value), and one refusal rolls
 * the whole request back with a 400.
 */
async function atomicReceiver(): Promise<{ url: string; held: Map<string, [number, number][]>; server: Server }> {
  const held = new Map<string, [number, number][]>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const series = decodeWriteRequestBody(Buffer.concat(chunks));
      const add: [string, number, number][] = [];
      const newest = new Map<string, [number, number]>();
      for (const s of series) {
        const key = s.labels.map((l) => `${l.name}=${l.value}`).join(',');
        for (const p of s.samples) {
          const last = newest.get(key) ?? held.get(key)?.at(-1);
          if (last !== undefined && (p.timestamp < last[0] || (p.timestamp === last[0] && p.value !== last[1]))) {
            res.writeHead(400).end(p.timestamp < last[0] ? 'out of order sample' : 'duplicate sample for timestamp');
            return;
          }
          if (last !== undefined && p.timestamp === last[0]) continue;
          newest.set(key, [p.timestamp, p.value]);
          add.push([key, p.timestamp, p.value]);
        }
      }
      for (const [key, t, v] of add) {
        let l = held.get(key);
        if (l === undefined) held.set(key, (l = []));
        l.push([t, v]);
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/api/v1/write`, held, server };
}

const stored = (t: number[]): BacklogSeries[] => [{ descriptor: { name: 'a', labels: {} }, t, v: t.map((x) => x / 1000) }];
const after = (s: BacklogSeries[]) => (since: number) => ({ series: s.map((r) => ({ ...r, t: Array.from(r.t).filter((x) => x > since), v: Array.from(r.v).filter((_, i) => r.t[i]! > since) })), until: Infinity });

test('killed mid-request: the request is sent again first, its "out of order" refusal counts as delivered, and the newer samples still go', async (t) => {
  const r = await atomicReceiver();
  t.after(() => r.server.close());
  // First run: every request's position is saved before it leaves; the last save is what a kill -9 leaves behind.
  const saves: SavedPosition[] = [];
  const first: RemoteWriteQueue = new RemoteWriteQueue('r', config(r.url, { queue: { batch_send_deadline: 0.05, min_backoff: 0.01, max_backoff: 0.05, capacity: 1000, max_samples_per_send: 2 } }), {
    logger: new MemoryLogger(),
    persist: () => {
      saves.push(first.position!);
      return Promise.resolve();
    },
  });
  first.start();
  first.observe([1000, 2000, 3000, 4000].map((x) => ({ name: 'a', labels: {}, t: x, v: x / 1000 })));
  await first.close(5000);
  const atKill = saves.at(-1)!;
  assert.equal(atKill.w, 2999, 'the last request left with the first one acknowledged');
  assert.ok(atKill.b !== undefined);
  // The receiver took that last request before the kill; the store goes on to 6000.
  const logger = new MemoryLogger();
  const second = new RemoteWriteQueue('r', config(r.url), { logger, saved: atKill, backlog: after(stored([1000, 2000, 3000, 4000, 5000, 6000])) });
  second.start();
  await new Promise((res) => setTimeout(res, 300));
  await second.close(5000);
  assert.deepEqual([...r.held.values()][0]!.map(([x]) => x), [1000, 2000, 3000, 4000, 5000, 6000]);
  assert.equal(second.failed, 0, JSON.stringify(logger.lines));
  assert.equal(second.sent, 4, 'the resent request (2) and the two newer');
  assert.ok(logger.lines.some((e) => /at the receiver already: .*out of order sample/.test(e.msg)), JSON.stringify(logger.lines));
});

test('when the saved request is not kept, samples up to its newest go alone, so their refusal does not take newer ones with it', async (t) => {
  const r = await atomicReceiver();
  t.after(() => r.server.close());
  const pre = new RemoteWriteQueue('r', config(r.url), { logger: new MemoryLogger() });
  pre.start();
  pre.observe([1000, 2000, 3000].map((x) => ({ name: 'a', labels: {}, t: x, v: x / 1000 })));
  await pre.close(5000);
  // Saved before the request with 2000 and 3000 left; the receiver has them.
  const q = new RemoteWriteQueue('r', config(r.url), { logger: new MemoryLogger(), saved: { w: 1000, h: 3000 }, backlog: after(stored([1000, 2000, 3000, 4000, 5000])) });
  q.start();
  await new Promise((res) => setTimeout(res, 300));
  await q.close(5000);
  assert.deepEqual([...r.held.values()][0]!.map(([x]) => x), [1000, 2000, 3000, 4000, 5000]);
  assert.equal(q.failed, 0);
});

test('a backlog of 200,000 stored samples is read from the data dir in bounded windows, oldest first, each sample once', { timeout: 120_000 }, async (t) => {
  const r = await receiver([]);
  t.after(() => r.server.close());
  const { store, clock } = openTestStore(t, tempDir(t));
  const SERIES = 4;
  const PER = 50_000;
  const t0 = clock.now() - PER * 1000;
  for (let s = 0; s < SERIES; s++) store.defineSeries(s, { key: `b{s="${s}"}`, name: 'b', labels: { s: String(s) } });
  for (let i = 0; i < PER; i++) for (let s = 0; s < SERIES; s++) store.append(s, t0 + i * 1000, i);
  await store.flush();
  const windows: number[] = [];
  const q = new RemoteWriteQueue('r', config(r.url, { queue: { batch_send_deadline: 0.05, min_backoff: 0.01, max_backoff: 0.05, capacity: 20_000, max_samples_per_send: 10_000 } }), {
    logger: new MemoryLogger(),
    saved: { w: t0 - 1 },
    backlog: (since, max) => {
      const w = store.window(since, max);
      windows.push(w.series.reduce((n, s) => n + s.t.length, 0));
      return w;
    },
  });
  q.start();
  const deadline = Date.now() + 100_000;
  while (q.sent < SERIES * PER && Date.now() < deadline) await new Promise((res) => setTimeout(res, 100));
  await q.close(5000);
  assert.equal(q.sent, SERIES * PER);
  assert.ok(windows.length >= (SERIES * PER) / BACKLOG_WINDOW, `${windows.length} windows`);
  assert.ok(Math.max(...windows) <= BACKLOG_WINDOW, `windows of ${Math.max(...windows)} samples`);
  const bySeries = new Map<string, number[]>();
  for (const s of r.accepted) {
    const k = s.labels.find((l) => l.name === 's')!.value;
    let l = bySeries.get(k);
    if (l === undefined) bySeries.set(k, (l = []));
    for (const p of s.samples) l.push(p.timestamp);
  }
  assert.equal(bySeries.size, SERIES);
  for (const [k, ts] of bySeries) {
    assert.equal(ts.length, PER, `series ${k}`);
    for (let i = 0; i < ts.length; i++) assert.equal(ts[i], t0 + i * 1000, `series ${k} at ${i}`);
  }
});
