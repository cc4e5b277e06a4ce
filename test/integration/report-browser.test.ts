/**
 * The HTML report in a real browser (headless chromium) with the network
 * blocked: it renders with no console error and asks for nothing, in light and
 * dark schemes. REPORT_SCREENSHOT_DIR=DIR keeps the screenshots for a look.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { requirePeer } from '../helpers/peers.js';
import { EVIL, fillHistory, INTERVAL_MS, TICKS } from '../helpers/reportHistory.js';
import { tempDir } from '../helpers/tempTree.js';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
// Debian's /usr/bin/chromium is a wrapper script that misbehaves under playwright: the binary itself.
const CHROMIUM = '/usr/lib/chromium/chromium';

test('the page renders offline: no console error, no request, both colour schemes', { timeout: 120_000 }, async (t) => {
  if (requirePeer(t, 'chromium') === undefined) return;
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} missing`);
  const { dir, t0 } = await fillHistory(t);
  const out = tempDir(t);
  const file = join(out, 'report.html');
  const r = spawnSync(process.execPath, [CLI, 'report', '--data-dir', dir, '--start', String(t0 / 1000), '--end', String((t0 + TICKS * INTERVAL_MS) / 1000), '--out', file], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);

  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  t.after(() => browser.close());
  const url = pathToFileURL(file).href;
  const backgrounds: string[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    const context = await browser.newContext({ colorScheme: scheme, viewport: { width: 1200, height: 900 }, javaScriptEnabled: false });
    const requests: string[] = [];
    const problems: string[] = [];
    await context.route('**/*', (route) => {
      const u = route.request().url();
      if (u === url) return route.continue();
      requests.push(u);
      return route.abort();
    });
    const page = await context.newPage();
    page.on('console', (m) => void (m.type() === 'error' && problems.push(m.text())));
    page.on('pageerror', (e) => void problems.push(e.message));
    page.on('dialog', (d) => void problems.push(`dialog: ${d.message()}`));
    await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
    assert.deepEqual(requests, [], 'the page asks for nothing');
    assert.deepEqual(problems, [], 'no console error');
    const sections = await page.locator('section h2').allTextContents();
    assert.deepEqual(sections, ['Summary', 'Charts', 'Metrics', 'Trends', 'Alert timeline', 'Component uptime', 'SLO attainment']);
    assert.ok((await page.locator('svg.chart polyline').count()) > 0, 'charts drawn');
    assert.ok((await page.getByText(EVIL).count()) > 0, 'the markup label shows as text');
    backgrounds.push(String(await page.evaluate('getComputedStyle(document.body).backgroundColor')));
    const shot = join(out, `report-${scheme}.png`);
    await page.screenshot({ path: shot, fullPage: false });
    const keep = process.env['REPORT_SCREENSHOT_DIR'];
    if (keep !== undefined) {
      copyFileSync(shot, join(keep, `report-${scheme}.png`));
      for (const id of ['trends', 'alerts', 'uptime', 'slo']) await page.locator(`#${id}`).screenshot({ path: join(keep, `report-${scheme}-${id}.png`) });
    }
    await context.close();
  }
  assert.notEqual(backgrounds[0], backgrounds[1], `the dark scheme changes the page: ${backgrounds.join(' vs ')}`);
});
