/**
 * @module core/atomicFile
 * Files that readers never see half-written, and that a planted file cannot redirect.
 *
 * The temp file sits in the target's directory (same filesystem, so rename(2) is
 * atomic), has an unguessable name, and is created with O_CREAT|O_EXCL (`wx`): a
 * symlink or file already at that name makes the open fail (EEXIST) instead of
 * writing through it, and the write retries under a fresh name.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /** Permission bits of the new file (before the umask). Default 0o600: the content may be private. */
  readonly mode?: number;
  /**
   * fsync the file before the rename and the directory after it, so the new
   * content survives a power loss. Default true; false skips both (the rename
   * stays atomic for readers, only the last writes may be lost on a crash).
   */
  readonly durable?: boolean;
  /** The random part of the temp name. Default 6 random bytes in hex; tests pass a fixed one to plant files at it. */
  readonly tempSuffix?: () => string;
}

/** Fresh names tried when the temp name is taken (a planted file, or a collision). */
const TEMP_ATTEMPTS = 5;

// The temp name is `.<name>.<12 hex digits>.tmp`: hidden, and outside echo.dash's `alert_*.json` glob.
const randomSuffix = (): string => randomBytes(6).toString('hex');

/** Writes `data` to `path` atomically (see the module comment). Throws the last error; never leaves its temp file. */
export function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  writeAtomicWith(path, (put) => put(data), options);
}

/**
 * As writeFileAtomic, for content made piece by piece: `produce` calls `put`
 * as often as it likes, so a large file is never held whole in memory.
 */
export function writeAtomicWith(path: string, produce: (put: (chunk: string | Uint8Array) => void) => void, options: AtomicWriteOptions = {}): void {
  const dir = dirname(path);
  const suffix = options.tempSuffix ?? randomSuffix;
  let fd: number | undefined;
  let tmp = '';
  for (let attempt = 1; fd === undefined; attempt++) {
    tmp = join(dir, `.${basename(path)}.${suffix()}.tmp`);
    try {
      fd = openSync(tmp, 'wx', options.mode ?? 0o600);
    } catch (e) {
      if (codeOf(e) !== 'EEXIST' || attempt >= TEMP_ATTEMPTS) throw e;
    }
  }
  const durable = options.durable ?? true;
  try {
    try {
      const f = fd;
      produce((chunk) => {
        const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
        for (let off = 0; off < buf.length; ) off += writeSync(f, buf, off, buf.length - off);
      });
      if (durable) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // already renamed or removed; the original error is the one to report
    }
    throw e;
  }
  if (durable) fsyncDir(dir);
}

/** Writes JSON atomically; see `writeFileAtomic` for the options. */
export function writeJsonAtomic(path: string, body: unknown, options: AtomicWriteOptions & { readonly indent?: number } = {}): void {
  writeFileAtomic(path, JSON.stringify(body, null, options.indent ?? 2), options);
}

/** Makes the rename itself durable: the directory entry lives in the directory's own blocks. */
function fsyncDir(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch (e) {
    // Some platforms (Windows) cannot open a directory; the data itself is synced.
    if (codeOf(e) === 'EISDIR' || codeOf(e) === 'EPERM') return;
    throw e;
  }
  try {
    fsyncSync(fd);
  } catch (e) {
    // Filesystems that cannot sync a directory say EINVAL; nothing more can be done there.
    if (codeOf(e) !== 'EINVAL') throw e;
  } finally {
    closeSync(fd);
  }
}

function codeOf(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}
