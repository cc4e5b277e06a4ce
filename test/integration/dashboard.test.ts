/**
 * The dashboard at `/`: the static files' headers and the fixed file list over
 * real sockets, then the page itself in headless chromium against a real
 * integrated system with a pushed component. Screenshots (light and dark) go to
 * a temp dir named in the test's diagnostics.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { MemoryLogger } from '../../src/core/logger.js';
import { UnifiedPerformanceMonitor } from '../../src/monitor/unifiedMonitor.js';
import { monitorView } from '../../src/monitor/monitorView.js';
import { createIntegratedSystem } from '../../src/monitor/integrated.js';
import { addDashboardRoutes, createServer, DASHBOARD_CSP, defaultWebDir } from '../../src/server/index.js';
import { launchBrowser, waitInPage } from '../helpers/browser.js';
import { tempDir } from '../helpers/tempTree.js';

test('the dashboard files: fixed list, content types, strict CSP, ETag revalidation, 404 for anything else', async (t) => {
  const dir = tempDir(t, 'ep-web-');
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>x</title>');
  writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(dir, 'assets', 'app.css'), 'body{}');
  writeFileSync(join(dir, 'assets', 'secret.js'), 'not served');
  writeFileSync(join(dir, 'secret.txt'), 'not served');
  const monitor = new UnifiedPerformanceMonitor({ config: { log_level: 'silent' }, systemCollector: false, gpuCollector: false, logger: new MemoryLogger() });
  t.after(() => monitor.close());
  const server = createServer(monitorView(monitor), { port: 0 });
  addDashboardRoutes(server.app, dir);
  const { url } = await server.listen();
  t.after(() => server.close());

  for (const [path, type, body] of [
    ['/', 'text/html; charset=utf-8', '<!doctype html><title>x</title>'],
    ['/assets/app.js', 'text/javascript; charset=utf-8', 'console.log(1)'],
    ['/assets/app.css', 'text/css; charset=utf-8', 'body{}'],
  ] as const) {
    const r = await fetch(url + path);
    assert.equal(r.status, 200, path);
    assert.equal(r.headers.get('content-type'), type, path);
    assert.equal(r.headers.get('content-security-policy'), DASHBOARD_CSP, path);
    assert.match(DASHBOARD_CSP, /default-src 'self'; img-src 'self' data:; style-src 'self'/);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(await r.text(), body, path);
    const etag = r.headers.get('etag');
    assert.match(etag ?? '', /^"[\w-]+"$/, path);
    const again = await fetch(url + path, { headers: { 'if-none-match': `W/${etag!}, "other"` } });
    assert.equal(again.status, 304, `${path} revalidates by ETag`);
    assert.equal(await again.text(), '');
  }
  for (const path of ['/assets/secret.js', '/secret.txt', '/index.html', '/assets/../secret.txt', '/assets/%2e%2e/secret.txt', '/assets/..%2fsecret.txt', '/assets/app.js/', '/%2e%2e/package.json']) {
    const r = await fetch(url + path);
    assert.equal(r.status, 404, path);
    assert.doesNotMatch(await r.text(), /not served/, path);
  }
  const head = await fetch(url + '/assets/app.css', { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-type'), 'text/css; charset=utf-8');
});

test('without a built dashboard, / answers 404 saying how to build it', async (t) => {
  const monitor = new UnifiedPerformanceMonitor({ config: { log_level: 'silent' }, systemCollector: false, gpuCollector: false, logger: new MemoryLogger() });
  t.after(() => monitor.close());
  const server = createServer(monitorView(monitor), { port: 0 });
  addDashboardRoutes(server.app, tempDir(t, 'ep-web-empty-'));
  const { url } = await server.listen();
  t.after(() => server.close());
  const r = await fetch(url + '/');
  assert.equal(r.status, 404);
  assert.match(await r.text(), /npm run build/);
});

test('the dashboard in chromium: cards, a live chart, a pushed breach as an alert within 2 s, silence, dark mode', { timeout: 90_000 }, async (t) => {
  assert.ok(existsSync(join(defaultWebDir(), 'index.html')), `the dashboard is not built in ${defaultWebDir()}: run \`npm run build\``);
  const browser = await launchBrowser(t);
  if (browser === undefined) return;
  const dir = tempDir(t, 'ep-dash-');
  const cfg = join(dir, 'config.json');
  writeFileSync(
    cfg,
    JSON.stringify({
      log_level: 'silent',
      monitoring_interval: 0.25,
      server: { port: 0 },
      echo_dash: { enabled: false },
      alerting: { default_for: 0 },
      stale_after_intervals: 1000,
    }),
  );
  // The real host collector feeds CPU, memory and disk; the GPU collector would probe for tools this host may lack.
  const system = createIntegratedSystem(cfg, { gpuCollector: false, logger: new MemoryLogger(), consoleAlerts: false });
  await system.start();
  t.after(() => system.stop());
  const base = system.address!.url;

  const page = await browser.newPage({ viewport: { width: 1400, height: 1100 }, colorScheme: 'light' });
  const problems: string[] = [];
  const offsite: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(`${base}/`) && !u.startsWith('data:')) offsite.push(u);
  });

  const push = (body: Record<string, number>) =>
    fetch(`${base}/api/v1/push/echo-self`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  assert.equal((await push({ evolution_convergence: 0.9, fitness_improvement: 0.2 })).status, 200);

  const response = await page.goto(base + '/');
  assert.equal(response?.status(), 200);
  assert.equal(response?.headers()['content-security-policy'], DASHBOARD_CSP);

  // Cards: the host collector's CPU shows a number; a metric nobody reports shows "—".
  // Page-side code is passed as text: this file is compiled without the DOM's types. (waitForFunction
  // would evaluate it with eval(), which the page's CSP rightly refuses.)
  await waitInPage(page, `/\\d/.test(document.querySelector('[data-card="cpu"] .value')?.textContent ?? '')`, 10_000);
  assert.equal(await page.textContent('[data-card="ttft"] .value'), '—');
  await waitInPage(page, `/^\\d+ \\/ \\d+$/.test(document.querySelector('[data-card="components"] .value')?.textContent ?? '')`, 15_000);

  // Breakdown: a component pushing series labelled by engine and model gets a row in each table (refreshed every 5 s).
  const llm = await fetch(`${base}/api/v1/push/llm`, { method: 'POST', body: JSON.stringify({ labels: { engine: 'vllm-a', model: 'llama-<b>3' }, token_throughput: 512 }), headers: { 'content-type': 'application/json' } });
  assert.equal(llm.status, 200, await llm.text());
  await page.waitForSelector('table[data-dim="engine"] td:text-is("vllm-a")', { timeout: 7000 });
  await page.waitForSelector('table[data-dim="model"] td:text-is("llama-<b>3")', { timeout: 2000 });
  assert.equal(await page.locator('#breakdown b').count(), 0, 'label values are text, never markup');
  assert.match((await page.textContent('table[data-dim="engine"] tbody')) ?? '', /512/);

  // A chart draws from the stream: points counted and pixels on the canvas.
  await waitInPage(page, `Number(document.querySelector('.chart[data-metric="cpu_usage"]')?.dataset.points ?? 0) >= 3`, 10_000);
  const inked = await page.evaluate<number>(`(() => {
    const c = document.querySelector('.chart[data-metric="cpu_usage"] canvas');
    if (c === null) return 0;
    const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < px.length; i += 4) if (px[i] > 0) n++;
    return n;
  })()`);
  assert.ok(inked > 100, `the CPU chart's canvas has ${inked} drawn pixels`);

  // A pushed breach (evolution_convergence below its critical threshold) shows within 2 s.
  assert.equal((await push({ evolution_convergence: 0.1 })).status, 200);
  const row = 'tr[data-state="firing"]:has-text("convergence")';
  await page.waitForSelector(row, { timeout: 2000 });
  assert.match((await page.textContent(`${row} >> nth=0`)) ?? '', /critical/i);

  // The severity filter hides it under "info" and shows it under "critical".
  await page.selectOption('#severity', 'info');
  assert.equal(await page.locator('tr[data-fingerprint]').count(), 0);
  await page.selectOption('#severity', 'critical');
  await page.waitForSelector(row, { timeout: 2000 });

  const shots = mkdtempSync(join(tmpdir(), 'ep-dash-shots-'));
  await page.screenshot({ path: join(shots, 'light.png'), fullPage: true });

  // Silence 1 h: the alert moves to silenced, and the server holds a silence matching its labels.
  await page.click(`${row} >> nth=0 >> button.silence`);
  await page.waitForSelector('tr[data-state="silenced"]', { timeout: 5000 });
  const silences = (await (await fetch(`${base}/api/v1/silences?state=active`)).json()) as { matchers: { name: string; value: string }[]; createdBy: string }[];
  assert.equal(silences.length, 1);
  assert.ok(silences[0]!.matchers.some((m) => m.name === 'alertname'));
  assert.equal(await page.isHidden('#alert-error'), true);

  // History: the 5 min range draws the CPU chart from the query API, without an error.
  await page.selectOption('#range', '300');
  await waitInPage(page, `document.getElementById('conn')?.dataset.state === 'history' && Number(document.querySelector('.chart[data-metric="cpu_usage"]')?.dataset.points ?? 0) > 0`, 5000);
  assert.equal(await page.isHidden('#error'), true, (await page.textContent('#error')) ?? '');
  await page.selectOption('#range', 'live');

  // Dark mode: the toggle flips the theme and the page's colours.
  const bg = () => page.evaluate<string>('getComputedStyle(document.body).backgroundColor');
  const light = await bg();
  await page.click('#theme');
  assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
  assert.notEqual(await bg(), light);
  await page.screenshot({ path: join(shots, 'dark.png'), fullPage: true });
  await page.click('#theme');
  assert.equal(await bg(), light);
  t.diagnostic(`screenshots: ${shots}`);

  assert.deepEqual(problems, [], 'no console errors');
  assert.deepEqual(offsite, [], 'no request leaves the server');
});
