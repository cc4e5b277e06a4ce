/**
 * @module notify/echoDash/statsDir
 * The stats dir defaults to a fixed name under /tmp, where any local user can
 * create it first. Before writing into it, make sure this process alone controls
 * it: a real directory (not a symlink to elsewhere), owned by our uid, and not
 * writable by others unless the sticky bit keeps them from replacing our files.
 */
import { lstatSync, mkdirSync } from 'node:fs';
import type { Stats } from 'node:fs';

/**
 * Creates `dir` (mode 0o700, parents as needed) when missing, then checks it.
 * Throws an Error saying why the directory is refused.
 * @example ensureStatsDir('/tmp/echo_stats')
 */
export function ensureStatsDir(dir: string): void {
  let st = lstatOrUndefined(dir);
  if (st === undefined) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    st = lstatSync(dir);
  }
  const why = refusal(st, process.getuid?.());
  if (why !== undefined) throw new Error(`refused: ${why}`);
}

/** Why a directory with these stats is unsafe for this process (uid undefined: no POSIX owners), or undefined. */
export function refusal(st: Stats, uid: number | undefined): string | undefined {
  if (st.isSymbolicLink()) return 'it is a symbolic link (the files would be written wherever it points)';
  if (!st.isDirectory()) return 'it is not a directory';
  if (uid === undefined) return undefined;
  // Root included: a directory another user owns can be swapped or filled by that user.
  if (st.uid !== uid) return `it is owned by uid ${st.uid}, not by this process's uid ${uid}`;
  const mode = st.mode & 0o7777;
  if ((mode & 0o022) !== 0 && (mode & 0o1000) === 0) {
    return `it is writable by group or others (mode ${mode.toString(8).padStart(4, '0')}) without the sticky bit`;
  }
  return undefined;
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (e) {
    if (typeof e === 'object' && e !== null && 'code' in e && e.code === 'ENOENT') return undefined;
    throw e;
  }
}
