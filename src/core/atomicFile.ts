/** @module core/atomicFile  Files that readers never see half-written. */
import { renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

let seq = 0;

/** Writes JSON atomically: a temp file in the same directory (same filesystem), then rename(2). */
export function writeJsonAtomic(path: string, body: unknown, indent = 2): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${++seq}.tmp`);
  try {
    writeFileSync(tmp, JSON.stringify(body, null, indent));
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // the temp file was never created; the original error is the one to report
    }
    throw e;
  }
}
