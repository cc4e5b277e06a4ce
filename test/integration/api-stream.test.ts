/**
 * GET /api/v1/stream on a real IntegratedPerformanceSystem over 127.0.0.1: a
 * client hears each tick and each alert event, the number of streams is
 * bounded, a client that stops reading is dropped, and stopping the system
 * ends every stream. Time is a ManualClock; sockets are real.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ManualClock } from '../../src/core/clock.js';
import { MemoryLogger } from '../../src/core/logger.js';
import type { EchoPerfConfigInput } from '../../src/config/index.js';
import { IntegratedPerformanceSystem, type IntegratedOptions } from '../../src/monitor/integrated.js';
import { openSse, type SseClient } from '../helpers/sse.js';

const T0 = Date.UTC(2026, 10, 27, 12);

async function system(t: TestContext, config: EchoPerfConfigInput = {}, extra: Partial<IntegratedOptions> = {}) {
  const clock = new ManualClock(T0);
  const logger = new MemoryLogger();
  const s = new IntegratedPerformanceSystem({
    config: {
      log_level: 'silent',
      monitoring_interval: 1,
      degradation_detection: { enabled: false },
      alerting: { default_for: 0 },
      echo_dash: { enabled: false },
      ...config,
      server: { port: 0, max_connections_per_ip: 64, ...(config.server ?? {}) },
    },
    clock,
    logger,
    consoleAlerts: false,
    systemCollector: false,
    gpuCollector: false,
    ...extra,
  });
  t.after(() => s.stop());
  await s.start();
  const url = s.address!.url;
  const streams: SseClient[] = [];
  t.after(() => {
    for (const c of streams) c.close();
  });
  const open = async (path = '/api/v1/stream'): Promise<SseClient> => {
    const c = await openSse(url + path);
    streams.push(c);
    return c;
  };
  return { s, clock, url, logger, open };
}

test('a stream client gets a tick within two intervals and an alert event when a pushed value breaches a threshold', async (t) => {
  const { clock, url, open } = await system(t);
  const c = await open();
  assert.equal(c.status, 200);
  assert.match(String(c.headers['content-type']), /^text\/event-stream/);
  assert.equal(c.headers['cache-control'], 'no-store');
  assert.equal(c.headers['x-accel-buffering'], 'no');
  const pushed = await fetch(`${url}/api/v1/push/echo-self`, { method: 'POST', body: JSON.stringify({ evolution_convergence: 0.5 }), headers: { 'content-type': 'application/json' } });
  assert.equal(pushed.status, 200);
  await clock.advance(2000);
  const tick = await c.next((e) => e.event === 'tick');
  const body = JSON.parse(tick.data) as { t: number; snapshot: Record<string, unknown>; series: { metric: string; labels: Record<string, string>; value: number }[] };
  assert.equal(typeof body.t, 'number');
  assert.ok(body.t > T0 && body.t <= T0 + 2000, `tick time ${body.t} within the two intervals`);
  assert.equal(body.snapshot['evolutionConvergence'], 0.5);
  const conv = body.series.find((x) => x.metric === 'evolution_convergence');
  assert.deepEqual(conv, { metric: 'evolution_convergence', labels: { component: 'echo_self' }, value: 0.5 });

  const alert = await c.next((e) => e.event === 'alert');
  const a = JSON.parse(alert.data) as { labels: Record<string, string>; status: { state: string }; startsAt: string; fingerprint: string };
  assert.equal(a.labels['metric'], 'evolution_convergence');
  assert.equal(a.labels['severity'], 'critical');
  assert.equal(a.status.state, 'active');
  const listed = (await (await fetch(`${url}/api/v1/alerts`)).json()) as { fingerprint: string }[];
  assert.deepEqual(Object.keys(a).sort(), Object.keys(listed[0]!).sort(), 'the same shape as GET /api/v1/alerts items');
  assert.equal(listed[0]!.fingerprint, a.fingerprint);
});

test('metrics= filters the series of a tick; bad parameters are 400s naming them', async (t) => {
  const { s, clock, url, open } = await system(t);
  s.monitor.registerCollector('host', () => ({ cpu_usage: 10, memory_usage: 20 }));
  const c = await open('/api/v1/stream?metrics=memory_usage,nothing_such');
  await clock.advance(1000);
  const tick = JSON.parse((await c.next((e) => e.event === 'tick')).data) as { series: { metric: string }[] };
  assert.deepEqual(tick.series.map((x) => x.metric), ['memory_usage']);
  for (const [q, name] of [
    ['metrics=', 'metrics'],
    ['metrics=a&metrics=b', 'metrics'],
    ['metric=a', 'metric'],
    ['__proto__=x', '__proto__'],
  ] as const) {
    const r = await fetch(`${url}/api/v1/stream?${q}`);
    assert.equal(r.status, 400, q);
    const e = (await r.json()) as { error: string };
    assert.ok(e.error.includes(name), `${q}: ${e.error}`);
  }
});

test('the 33rd stream gets 503; closing one makes room', async (t) => {
  const { url, open, s } = await system(t);
  const first: SseClient[] = [];
  for (let i = 0; i < 32; i++) first.push(await open());
  assert.ok(first.every((c) => c.status === 200));
  const r = await fetch(`${url}/api/v1/stream`);
  assert.equal(r.status, 503);
  assert.match(((await r.json()) as { error: string }).error, /too many event streams open \(limit 32\)/);
  first[0]!.close();
  let again: SseClient | undefined;
  for (let i = 0; i < 100 && again?.status !== 200; i++) {
    again?.close();
    await sleep(10);
    again = await open();
  }
  assert.equal(again?.status, 200, 'a closed stream frees its place');
  await s.stop();
  await Promise.all([...first.slice(1), again].map((c) => c.ended));
});

test('a client that stops reading is dropped once its unread bytes pass the limit', async (t) => {
  const { s, clock, url, logger } = await system(t, {}, { stream: { maxStreams: 1, maxBufferedBytes: 16 * 1024 } });
  // About 1 MB of series per tick, so the socket buffers fill within a few ticks.
  const pad = 'x'.repeat(400);
  s.monitor.registerCollector('wide', () => Array.from({ length: 2000 }, (_, i) => ({ name: 'wide_metric', value: i, labels: { i: String(i), pad } })));
  const { port } = new URL(url);
  const stalled = connect(Number(port), '127.0.0.1');
  t.after(() => stalled.destroy());
  await new Promise<void>((r) => stalled.once('connect', () => r()));
  // Never read: no data listener, so Node stops reading once its own buffer is full and the kernel's fill.
  stalled.write('GET /api/v1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  let status = 503;
  for (let i = 0; i < 60 && status === 503; i++) {
    await clock.advance(1000);
    const r = await fetch(`${url}/api/v1/stream`, { method: 'HEAD' });
    status = r.status;
  }
  assert.equal(status, 200, 'the stalled stream was dropped, freeing its place');
  assert.ok(logger.lines.some((l) => l.level === 'warn' && /event stream dropped: the client left \d+ bytes unread \(limit 16384\)/.test(l.msg)), 'the drop is logged');
});
