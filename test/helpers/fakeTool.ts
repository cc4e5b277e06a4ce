/**
 * The invocation log of the fake GPU tools under test/fixtures/bin
 * (`FAKE_NVIDIA_SMI_LOG`): a temp file removed after the test, and its
 * lines (one JSON array of arguments per run) read back.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

export function tempLog(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'echo-perf-gpu-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'invocations.jsonl');
}

/** The argument lists logged so far; none before the first run wrote the file. */
export function invocations(log: string): string[][] {
  try {
    return readFileSync(log, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as string[]);
  } catch {
    return [];
  }
}
