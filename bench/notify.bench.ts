/**
 * Alert delivery. (1) Latency from the tick that fires an alert to the
 * webhook receiver's socket (group_wait 0; the tick's own wait is not
 * counted: collectNow() runs a tick at once), with the outbox on disk, median
 * and p95 of 60 alternating firing/resolved notifications. Peer in the same
 * run: Alertmanager 0.25 (Debian's, group_wait 0s), from its POST
 * /api/v2/alerts to its webhook reaching the same kind of receiver.
 * (2) Outbox drain: 5,000 notifications written while the receiver is down,
 * then the time to deliver them all once it is back (notifications/s), three
 * runs, median.
 * Run: node --import tsx bench/notify.bench.ts
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SystemClock } from '../src/core/clock.js';
import { MemoryLogger } from '../src/core/logger.js';
import { UnifiedPerformanceMonitor } from '../src/monitor/unifiedMonitor.js';
import { DeliveryQueue } from '../src/notify/delivery.js';
import type { Notification } from '../src/notify/notification.js';
import { Outbox } from '../src/notify/outbox.js';
import { createWebhookNotifier } from '../src/notify/senders/webhook.js';
import { median } from './common.js';

const ROUNDS = 60;
const DRAIN = 5000;

/** A receiver that resolves the next waiter with the arrival time (performance.now()) of each request. */
async function receiver(port = 0): Promise<{ server: Server; url: string; next: () => Promise<number>; count: () => number }> {
  const waiters: ((t: number) => void)[] = [];
  let n = 0;
  const server = createServer((req, res) => {
    const t = performance.now();
    req.resume();
    req.on('end', () => {
      n++;
      res.end('ok');
      const w = waiters.shift();
      w?.(t);
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { server, url, next: () => new Promise<number>((r) => waiters.push(r)), count: () => n };
}

const p95 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)]!;

async function ourLatency(): Promise<number[]> {
  const r = await receiver();
  const dir = mkdtempSync(join(tmpdir(), 'echo-perf-bench-notify-'));
  const temp = { v: 50 };
  const m = new UnifiedPerformanceMonitor({
    config: {
      log_level: 'silent',
      default_rules: false,
      degradation_detection: { enabled: false },
      rules: [{ kind: 'threshold', name: 'hot', metric: 'rig_temperature', above: { warning: 80 }, for: 0 }],
      storage: { enabled: true, data_dir: dir },
      notifiers: [{ type: 'webhook', url: r.url, group_wait: 0, group_interval: 0 }],
    },
    systemCollector: false,
    gpuCollector: false,
    logger: new MemoryLogger(),
  });
  m.registerCollector('rig', () => ({ rig_temperature: temp.v }));
  m.startMonitoring();
  m.stopMonitoring(); // storage and outbox open; ticks from collectNow() only
  const ms: number[] = [];
  let lastTick = 0;
  for (let i = 0; i < ROUNDS + 5; i++) {
    temp.v = i % 2 === 0 ? 91 : 60;
    // A tick in the same millisecond as the last one is refused by the store (one sample per series
    // and time): no change, no notification, and the round would wait for ever.
    while (Date.now() <= lastTick) await new Promise((res) => setImmediate(res));
    lastTick = Date.now();
    const arrived = r.next();
    const t0 = performance.now();
    await m.collectNow();
    const t1 = await Promise.race([arrived, new Promise<number>((res) => setTimeout(() => res(NaN), 5000))]);
    if (i >= 5 && Number.isFinite(t1)) ms.push(t1 - t0);
  }
  await m.close();
  r.server.close();
  rmSync(dir, { recursive: true, force: true });
  return ms;
}

async function alertmanagerLatency(): Promise<number[] | undefined> {
  const bin = '/usr/bin/prometheus-alertmanager';
  if (!existsSync(bin)) return undefined;
  const r = await receiver();
  const dir = mkdtempSync(join(tmpdir(), 'echo-perf-bench-am-'));
  const cfg = join(dir, 'am.yml');
  writeFileSync(cfg, `route:\n  receiver: hook\n  group_by: ['alertname']\n  group_wait: 0s\n  group_interval: 1s\n  repeat_interval: 1h\nreceivers:\n- name: hook\n  webhook_configs:\n  - url: ${r.url}\n    send_resolved: true\n`);
  const port = await new Promise<number>((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => res(p));
    });
  });
  const am = spawn(bin, [`--config.file=${cfg}`, `--storage.path=${dir}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address='], { stdio: 'ignore' });
  try {
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 100; i++) {
      const ok = await fetch(`${base}/-/ready`).then((x) => x.ok, () => false);
      if (ok) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    const ms: number[] = [];
    for (let i = 0; i < ROUNDS + 5; i++) {
      // A new alert name each round: a new group, flushed at once (group_wait 0s).
      const arrived = r.next();
      const t0 = performance.now();
      const body = JSON.stringify([{ labels: { alertname: `Bench${i}`, severity: 'warning' }, annotations: { summary: 'bench' } }]);
      await fetch(`${base}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const t1 = await Promise.race([arrived, new Promise<number>((res) => setTimeout(() => res(NaN), 5000))]);
      if (i >= 5 && Number.isFinite(t1)) ms.push(t1 - t0);
    }
    return ms;
  } finally {
    am.kill('SIGKILL');
    r.server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function drainRate(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'echo-perf-bench-outbox-'));
  const down = await receiver();
  const port = (down.server.address() as AddressInfo).port;
  await new Promise((res) => down.server.close(res)); // down while the notifications are written
  const logger = new MemoryLogger();
  const outbox = new Outbox(dir, logger);
  const notifier = createWebhookNotifier(
    { type: 'webhook', url: down.url, enabled: true, min_severity: 'info', group_by: [], group_wait: 0, group_interval: 0, repeat_interval: 0, send_resolved: true, timeout: 10, retry: { initial_backoff: 1, max_backoff: 1, max_age: 86400 }, max_queue: 100_000, max_alerts: 0 },
    { logger },
  );
  const now = Date.now();
  // Written as ticks write them during an outage: one transaction each.
  for (let i = 0; i < DRAIN; i++) {
    const c = `c${i % 50}`;
    const status = i % 2 === 0 ? 'firing' : 'resolved';
    const n: Notification = {
      id: `n${i}`,
      receiver: 'webhook',
      groupKey: `{component="${c}"}`,
      groupLabels: { component: c },
      status,
      createdAt: now,
      externalURL: 'http://127.0.0.1:9464',
      alerts: [
        {
          status,
          labels: { alertname: 'HighCpuUsage', severity: 'warning', component: c, metric: 'cpu_usage', kind: 'threshold' },
          annotations: { summary: 'CPU usage 93.5 % (> 85 %)' },
          startsAt: now,
          endsAt: status === 'resolved' ? now : undefined,
          fingerprint: `fp${i % 50}`,
          generatorURL: 'http://127.0.0.1:9464/api/v1/alerts',
        },
      ],
    };
    outbox.enqueue('webhook', [n], 100_000);
  }
  const back = await receiver(port);
  const queue = new DeliveryQueue(notifier, outbox, { timeoutMs: 10_000, initialBackoffMs: 1000, maxBackoffMs: 1000, maxAgeMs: 86_400_000, maxQueue: 100_000 }, new SystemClock(), logger);
  const t0 = performance.now();
  queue.kick();
  while (back.count() < DRAIN) await new Promise((res) => setTimeout(res, 5));
  const s = (performance.now() - t0) / 1000;
  queue.close();
  await queue.settled();
  outbox.close();
  back.server.close();
  rmSync(dir, { recursive: true, force: true });
  if (queue.stats.sent !== DRAIN) throw new Error(`drain: ${queue.stats.sent} sent of ${DRAIN}`);
  return DRAIN / s;
}

const ours = await ourLatency();
const peer = await alertmanagerLatency();
const rates: number[] = [];
for (let i = 0; i < 3; i++) rates.push(await drainRate());
process.stdout.write(`latency tick → receiver (ours): median ${median(ours).toFixed(2)} ms, p95 ${p95(ours).toFixed(2)} ms\n`);
if (peer !== undefined) process.stdout.write(`latency POST → webhook (Alertmanager 0.25, group_wait 0s): median ${median(peer).toFixed(2)} ms, p95 ${p95(peer).toFixed(2)} ms\n`);
process.stdout.write(`outbox drain after an outage: ${rates.map((r) => r.toFixed(0)).join(', ')} notifications/s\n`);
process.stdout.write(
  JSON.stringify({
    bench: 'alert delivery',
    latency_ms_median: median(ours),
    latency_ms_p95: p95(ours),
    ...(peer !== undefined ? { alertmanager_latency_ms_median: median(peer), ratio_vs_alertmanager: median(ours) / median(peer) } : {}),
    drain_per_s_median: median(rates),
  }) + '\n',
);
