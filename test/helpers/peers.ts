/**
 * Peer binaries (prometheus, promtool, ...) are started by the tests that need
 * them. Without the binary a test skips with a reason; with REQUIRE_PEERS=1
 * (as CI sets) it fails instead, so a missing install step cannot hide.
 */
import assert from 'node:assert/strict';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { TestContext } from 'node:test';

export function findOnPath(binary: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    const p = join(dir, binary);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** The binary's path, or undefined after marking the test skipped (or failing it under REQUIRE_PEERS=1). */
export function requirePeer(t: TestContext, binary: string): string | undefined {
  const p = findOnPath(binary);
  if (p !== undefined) return p;
  const why = `${binary} not found on PATH (Debian package: ${binary === 'promtool' ? 'prometheus' : binary})`;
  if (process.env['REQUIRE_PEERS'] === '1') assert.fail(`REQUIRE_PEERS=1 and ${why}`);
  t.skip(why);
  return undefined;
}
