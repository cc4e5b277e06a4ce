/**
 * @module core/privateFile
 * Database files that only their owner can read, whatever the umask.
 *
 * SQLite creates a new database file with mode 0644 (its
 * SQLITE_DEFAULT_FILE_PERMISSIONS) and gives the `-wal` and `-shm` files the
 * mode of the database file (os_unix.c, findCreateFileMode). Creating the
 * database file first, empty and 0600 (an empty file is a valid empty
 * database), therefore makes all three private from their first byte, with no
 * window in which another user could open them.
 */
import { closeSync, constants, fchmodSync, fstatSync, openSync } from 'node:fs';

const PRIVATE = 0o600;

/**
 * Creates `path` empty with mode 0600 when missing; tightens an existing one
 * (and its `-wal` and `-shm` files, as an older version may have left them
 * 0644) to 0600. Refuses a symlink at any of these names (`O_NOFOLLOW`: a
 * planted link cannot make us chmod or create another file). Throws the
 * system error (ELOOP for a symlink), or an Error for a name that is not a
 * regular file.
 * @example preparePrivateFile(join(dataDir, 'notify.sqlite')); new Database(join(dataDir, 'notify.sqlite'));
 */
export function preparePrivateFile(path: string): void {
  tighten(path, true);
  for (const side of [`${path}-wal`, `${path}-shm`]) tighten(side, false);
}

function tighten(path: string, create: boolean): void {
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO planted at the name must not hang the open.
    fd = openSync(path, constants.O_RDWR | constants.O_NOFOLLOW | constants.O_NONBLOCK | (create ? constants.O_CREAT : 0), PRIVATE);
  } catch (e) {
    if (!create && (e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new Error(`${path} is not a regular file`);
    if ((st.mode & 0o777) !== PRIVATE) fchmodSync(fd, PRIVATE);
  } finally {
    closeSync(fd);
  }
}
