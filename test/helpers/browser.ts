/**
 * Headless chromium through playwright-core, for the dashboard tests. Debian's
 * `chromium` package provides the browser; its /usr/bin/chromium is a wrapper
 * script, so the real binary under /usr/lib/chromium is launched. Without it a
 * test skips (fails under REQUIRE_PEERS=1), as with the other peers.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { chromium, type Browser } from 'playwright-core';

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
