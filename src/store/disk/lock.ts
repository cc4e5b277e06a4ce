/**
 * @module store/disk/lock
 * One agent per data dir: a `LOCK` file created exclusively (O_CREAT|O_EXCL)
 * holding the owner's pid and, on Linux, its start time from /proc, so a pid
 * reused by an unrelated process after a crash is still seen as stale.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../core/logger.js';
import { EchoPerfError, describeError } from '../../core/errors.js';

export const LOCK_FILE = 'LOCK';

/** Takeovers tried when a stale lock is replaced under us by another starting agent. */
const ATTEMPTS = 3;

/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot); undefined off Linux or when gone. */
export function processStartTime(pid: number | 'self'): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return rest[19];
  } catch {
    return undefined;
  }
}

function alive(pid: number, start: string | undefined): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (start === undefined || start === '') return true;
  const now = processStartTime(pid);
  return now === undefined || now === start;
}

interface Holder {
  pid: number;
  start: string | undefined;
  text: string;
}

function readHolder(path: string): Holder | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const [pidText, start] = text.trim().split(/\s+/);
  const pid = Number(pidText);
  // Unreadable content (a crash between create and write leaves an empty file): treat as stale.
  return { pid: Number.isSafeInteger(pid) && pid > 0 ? pid : 0, start, text };
}

/** Takes the data dir's lock or throws EP_ERR_STORE_LOCKED. Returns the release function. */
export function acquireLock(dataDir: string, logger: Logger): () => void {
  const path = join(dataDir, LOCK_FILE);
  const mine = `${process.pid} ${processStartTime('self') ?? ''}\n`;
  for (let attempt = 1; ; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new EchoPerfError('EP_ERR_STORE_OPEN', `cannot create the lock file ${path}: ${describeError(e)}`, { cause: e });
      }
      const holder = readHolder(path);
      if (holder !== undefined && holder.pid > 0 && alive(holder.pid, holder.start)) {
        throw new EchoPerfError(
          'EP_ERR_STORE_LOCKED',
          `the data dir ${dataDir} is in use by another echo-perf agent (pid ${holder.pid}, per ${path}); ` +
            `stop it or choose another storage.data_dir`,
        );
      }
      if (attempt >= ATTEMPTS) {
        throw new EchoPerfError('EP_ERR_STORE_LOCKED', `the lock ${path} keeps changing hands; another agent is starting on ${dataDir}`);
      }
      // Re-read right before removing it, so a lock another agent just took is not removed.
      if (holder !== undefined && readHolder(path)?.text === holder.text) {
        try {
          unlinkSync(path);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        }
        logger.warn(`store: took over the stale lock ${path} of pid ${holder.pid || '(unreadable)'}, which is no longer running`);
      }
      continue;
    }
    try {
      writeSync(fd, mine);
    } finally {
      closeSync(fd);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // Only remove the lock if it is still ours.
      if (readHolder(path)?.text === mine) unlinkSync(path);
    };
  }
}
