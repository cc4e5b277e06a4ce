/**
 * Headless chromium through playwright-core, for the dashboard tests. Debian's
 * `chromium` package provides the browser; its /usr/bin/chromium is a wrapper
 * script, so the real binary under /usr/lib/chromium is launched. Without it a
 * test skips (fails under REQUIRE_PEERS=1), as with the other peers.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/lib/chromium/chromium';

/** A launched browser closed after the test, or undefined once the test is skipped. */
export async function launchBrowser(t: TestContext): Promise<Browser | undefined> {
  if (!existsSync(CHROMIUM)) {
    const why = `${CHROMIUM} not found (Debian package: chromium)`;
    if (process.env['REQUIRE_PEERS'] === '1') assert.fail(`REQUIRE_PEERS=1 and ${why}`);
    t.skip(why);
    return undefined;
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'], timeout: 30_000 });
  t.after(() => browser.close());
  return browser;
}

/**
 * Polls a page-side expression until it is truthy. Unlike page.waitForFunction
 * this works under a CSP without 'unsafe-eval' (the expression is run by the
 * DevTools protocol, not by eval() in the page). Bounded by `timeoutMs`.
 */
export async function waitInPage(page: Page, expression: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await page.evaluate<boolean>(`Boolean(${expression})`)) return;
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${expression.slice(0, 200)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
