/** Waiting on real child processes in tests: bounded polling, never an open-ended sleep. */
import assert from 'node:assert/strict';

/** Polls `cond` every `stepMs` until it holds; fails the test after `ms`. */
export async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 5000, stepMs = 20): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) assert.fail(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** Whether a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
