/**
 * Hostile scrape targets beside a healthy engine, all on 127.0.0.1, scraped by
 * the built agent: one refuses connections, one answers after the scrape
 * timeout, one trickles a byte a second, one sends an endless page, one random
 * bytes, one a broken exposition, one an HTML page. Each target's status names
 * its reason; the simulated engine beside them keeps fresh figures; an HTTP
 * probe of the agent answers throughout (its worst latency is printed, bounded
 * only by a generous hang limit) and the agent's RSS stays bounded (a leak
 * detector, not a speed target).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { tempDir } from '../helpers/tempTree.js';
import { rssBytes, startAgent, startSimEngine } from './agent.js';

const RUN_MS = 8000;
const HANG_BOUND_MS = 2000;
const RSS_BOUND = 400 * 1024 * 1024;

type Handler = (res: ServerResponse, alive: () => boolean) => void;

/** One HTTP server per kind of bad target; every open response is cut when the test ends. */
async function serve(t: { after(fn: () => Promise<void>): void }, handler: Handler): Promise<string> {
  const open = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    open.add(res);
    let alive = true;
    res.on('close', () => {
      alive = false;
      open.delete(res);
    });
    req.resume();
    handler(res, () => alive);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(async () => {
    for (const r of open) r.destroy();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
}

async function refusedUrl(): Promise<string> {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}/metrics`;
}

const TEXT = { 'content-type': 'text/plain; version=0.0.4' };

interface TargetStatus {
  health: string;
  lastError?: string;
  lastScrapeAt?: number;
  scrapesTotal: number;
  failuresTotal: number;
}

test('down, slow, trickling, endless and garbage targets: each named, the healthy engine fresh, the agent responsive', { timeout: 60_000 }, async (t) => {
  const dir = tempDir(t, 'ep-fault-targets-');
  const engine = await startSimEngine(t, 'vllm');
  const slow = await serve(t, (res, alive) => {
    const timer = setTimeout(() => alive() && res.writeHead(200, TEXT).end('slow_metric 1\n'), 3000);
    res.on('close', () => clearTimeout(timer));
  });
  const trickle = await serve(t, (res, alive) => {
    res.writeHead(200, TEXT);
    const timer = setInterval(() => (alive() ? res.write('#') : clearInterval(timer)), 1000);
    res.on('close', () => clearInterval(timer));
  });
  // Endless: as fast as the socket drains, never ending; the agent must cut it at its default page limit (16 MiB).
  const line = Buffer.from('endless_metric{shard="0000000000000000000000000000000000000000000000000000"} 1\n'.repeat(1000));
  const endless = await serve(t, (res, alive) => {
    res.writeHead(200, TEXT);
    const pump = (): void => {
      while (alive() && res.write(line));
      if (alive()) res.once('drain', pump);
    };
    pump();
  });
  const garbage = await serve(t, (res) => res.writeHead(200, TEXT).end(randomBytes(64 * 1024)));
  const broken = await serve(t, (res) => res.writeHead(200, TEXT).end('# TYPE broken_metric counter\nbroken_metric{le="1" 12 zz\nbroken_metric{a="b"} not_a_number\n{}} 3\n'));
  const html = await serve(t, (res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><html><body><h1>Login</h1></body></html>\n'));
  const refused = await refusedUrl();

  const agent = await startAgent(t, dir, {
    monitoring_interval: 0.5,
    gpu: { enabled: false },
    echo_dash: { enabled: false },
    storage: { enabled: false },
    engines: [{ name: 'healthy', url: engine.url, flavor: 'vllm', interval: 0.5, timeout: 0.5 }],
    scrape_targets: [
      { name: 'refused', url: refused, interval: 0.5, timeout: 0.5 },
      { name: 'slow', url: slow, interval: 0.5, timeout: 0.5 },
      { name: 'trickle', url: trickle, interval: 0.5, timeout: 0.5 },
      { name: 'endless', url: endless, interval: 1, timeout: 0.9 },
      { name: 'garbage', url: garbage, interval: 0.5, timeout: 0.5 },
      { name: 'broken', url: broken, interval: 0.5, timeout: 0.5 },
      { name: 'html', url: html, interval: 0.5, timeout: 0.5 },
    ],
  });

  // The probe: /healthz every 50 ms for the whole run.
  const latencies: number[] = [];
  let maxRss = 0;
  const end = Date.now() + RUN_MS;
  while (Date.now() < end) {
    const r = await agent.get('/healthz', HANG_BOUND_MS * 5);
    latencies.push(r.ms);
    maxRss = Math.max(maxRss, rssBytes(agent.pid));
    await new Promise((res) => setTimeout(res, 50));
  }
  const worst = Math.max(...latencies);
  t.diagnostic(`healthz probes: ${latencies.length}, worst ${worst.toFixed(1)} ms, median ${latencies.sort((a, b) => a - b)[latencies.length >> 1]!.toFixed(1)} ms; max RSS ${(maxRss / 1048576).toFixed(0)} MiB`);
  assert.ok(worst < HANG_BOUND_MS, `a probe waited ${worst.toFixed(0)} ms: the event loop hung`);
  assert.ok(maxRss < RSS_BOUND, `RSS reached ${(maxRss / 1048576).toFixed(0)} MiB`);

  const status = await agent.json<{ targets: Record<string, TargetStatus> }>('/api/v1/status');
  const now = Date.now();
  const healthy = status.targets['healthy']!;
  assert.equal(healthy.health, 'up', JSON.stringify(healthy));
  assert.ok(now - healthy.lastScrapeAt! < 2000, `the healthy engine was scraped ${now - healthy.lastScrapeAt!} ms ago`);
  assert.ok(healthy.scrapesTotal >= RUN_MS / 500 - 4, `the healthy engine kept its cadence: ${healthy.scrapesTotal} scrapes`);
  assert.equal(healthy.failuresTotal, 0);
  const reasons: Record<string, RegExp> = {
    refused: /ECONNREFUSED|refused/i,
    slow: /time(d)? ?out|0\.5 ?s|500 ?ms/i,
    trickle: /time(d)? ?out|0\.5 ?s|500 ?ms/i,
    endless: /limit.*16777216/i,
    garbage: /pars|invalid|unexpected|expected/i,
    broken: /pars|invalid|unexpected|expected/i,
    html: /^the target answered Content-Type "text\/html", not a metrics page: .*(expected|invalid)/i,
  };
  for (const [name, why] of Object.entries(reasons)) {
    const s = status.targets[name]!;
    t.diagnostic(`${name}: ${s.health}: ${s.lastError ?? ''}`.slice(0, 300));
    assert.equal(s.health, 'down', `${name}: ${JSON.stringify(s)}`);
    assert.match(s.lastError ?? '', why, name);
    assert.ok(s.failuresTotal >= 2, `${name} was tried again: ${s.failuresTotal} failures`);
  }
  // The engine's own figures, not just its up: fresh in the current snapshot.
  const metrics = (await agent.get('/metrics')).text;
  assert.match(metrics, /^echo_perf_target_up\{target="healthy"\} 1$/m);
  for (const name of Object.keys(reasons)) assert.match(metrics, new RegExp(`^echo_perf_target_up\\{target="${name}"\\} 0$`, 'm'));
  assert.equal(await agent.stop(), 0, agent.err().slice(-2000));
});
