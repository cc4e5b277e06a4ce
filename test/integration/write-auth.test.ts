/**
 * Every write route the server registers needs the bearer token when the
 * config has one (always, off loopback): the routes are enumerated from the
 * server itself, so a write route added later without `requireToken` fails
 * here. Missing, wrong, truncated, over-long and wrong-scheme credentials all
 * get 401 with a `WWW-Authenticate` challenge, change nothing, and never echo
 * the token; the right one gets through. The read routes stay open.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { ManualClock } from '../../src/core/clock.js';
import { MemoryLogger } from '../../src/core/logger.js';
import { IntegratedPerformanceSystem } from '../../src/monitor/integrated.js';

const TOKEN = 'tok-3f9a61c2e8d4';

async function started(t: TestContext): Promise<{ s: IntegratedPerformanceSystem; url: string }> {
  const s = new IntegratedPerformanceSystem({
    config: { log_level: 'silent', monitoring_interval: 1, echo_dash: { enabled: false }, server: { port: 0, push_token: TOKEN } },
    clock: new ManualClock(Date.UTC(2026, 10, 27, 12)),
    logger: new MemoryLogger(),
    consoleAlerts: false,
    systemCollector: false,
    gpuCollector: false,
  });
  t.after(() => s.stop());
  await s.start();
  return { s, url: s.address!.url };
}

test('every non-GET route answers 401 to anything but the token, changes nothing, and lets the token through', async (t) => {
  const { s, url } = await started(t);
  const writes = s.server!.routes().flatMap((r) => r.methods.filter((m) => m !== 'GET' && m !== 'HEAD').map((m) => ({ method: m, path: r.url.replace(/:(\w+)/g, (_, p: string) => (p === 'component' ? 'probe_component' : 'probe-id')) })));
  assert.ok(writes.length >= 3, `write routes found: ${JSON.stringify(writes)}`);
  const bodies: Record<string, string> = {
    '/api/v1/push/probe_component': JSON.stringify({ latency_ms: 5 }),
    '/api/v1/silences': JSON.stringify({ matchers: ['alertname="X"'], duration: 3600, createdBy: 'probe', comment: 'probe' }),
  };
  const wrong: (string | undefined)[] = [
    undefined,
    '',
    'Bearer',
    `Bearer ${TOKEN.slice(0, -1)}`,
    `Bearer ${TOKEN}x`,
    `Bearer ${TOKEN.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a'))}`,
    `Bearer ${'A'.repeat(5000)}`,
    `Basic ${Buffer.from(`user:${TOKEN}`).toString('base64')}`,
    TOKEN,
    `Bearer ${TOKEN} extra`,
  ];
  for (const w of writes) {
    const send = (authorization: string | undefined): Promise<Response> =>
      fetch(url + w.path, {
        method: w.method,
        headers: { 'content-type': 'application/json', ...(authorization !== undefined ? { authorization } : {}) },
        ...(w.method === 'POST' || w.method === 'PUT' || w.method === 'PATCH' ? { body: bodies[w.path] ?? '{}' } : {}),
      });
    for (const a of wrong) {
      const r = await send(a);
      const text = await r.text();
      assert.equal(r.status, 401, `${w.method} ${w.path} with ${JSON.stringify(a?.slice(0, 40))}: ${text}`);
      assert.match(r.headers.get('www-authenticate') ?? '', /^Bearer realm="echo-perf"/);
      assert.ok(!text.includes(TOKEN), 'the token is never echoed');
    }
    const fine = await send(`bearer  ${TOKEN}`);
    assert.notEqual(fine.status, 401, `${w.method} ${w.path} with the token (scheme in lower case, RFC 7235)`);
    assert.ok(fine.status < 500, `${w.method} ${w.path}: ${fine.status}`);
  }
  // Only the authorised requests above changed anything: one silence, one pushed component.
  const silences = (await (await fetch(`${url}/api/v1/silences`)).json()) as { createdBy: string }[];
  assert.equal(silences.length, 1);
  const status = JSON.stringify(await (await fetch(`${url}/api/v1/status`)).json());
  assert.ok(!status.includes(TOKEN), '/api/v1/status never shows the token');
  // Reads stay open without a token.
  for (const path of ['/metrics', '/healthz', '/api/v1/status', '/api/v1/silences', '/api/v1/alerts', '/api/v1/series', '/api/v1/openapi.json']) {
    assert.equal((await fetch(url + path)).status, 200, path);
  }
});

test('the token is checked before the body is read: a client without it gets 401, not a parse error or a 413', async (t) => {
  const { url } = await started(t);
  const bad = await fetch(`${url}/api/v1/silences`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"matchers": [' });
  assert.equal(bad.status, 401, await bad.text());
  const big = await fetch(`${url}/api/v1/push/probe_component`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(8 * 1024 * 1024) });
  assert.equal(big.status, 401, await big.text());
  const empty = await fetch(`${url}/api/v1/silences/probe-id`, { method: 'DELETE', headers: { 'content-type': 'application/json' } });
  assert.equal(empty.status, 401, await empty.text());
  // With the token the same bodies reach their parsers and limits.
  const auth = { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` };
  assert.equal((await fetch(`${url}/api/v1/silences`, { method: 'POST', headers: auth, body: '{"matchers": [' })).status, 400);
  assert.equal((await fetch(`${url}/api/v1/push/probe_component`, { method: 'POST', headers: auth, body: 'x'.repeat(8 * 1024 * 1024) })).status, 413);
});
