/**
 * @module collect/gpu/findExecutable
 * Looks a tool up on a PATH string the way a shell would: the first
 * directory holding an executable regular file of that name wins.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/** True when `file` is a regular file this process may execute. */
export function isExecutable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false; // missing, unreadable directory, or not executable: not usable either way
  }
}

/**
 * The absolute path of `name` on `path`, or undefined. Empty and relative
 * PATH entries are skipped: a relative entry would depend on the working
 * directory, which the agent does not control.
 * @example findExecutable('nvidia-smi', '/usr/local/bin:/usr/bin') // '/usr/bin/nvidia-smi'
 */
export function findExecutable(name: string, path: string, platform: NodeJS.Platform = process.platform): string | undefined {
  // Windows finds nvidia-smi.exe for "nvidia-smi" (PATHEXT); X_OK there only checks existence.
  const names = platform === 'win32' ? [`${name}.exe`, name] : [name];
  for (const dir of path.split(delimiter)) {
    if (dir === '' || !isAbsolute(dir)) continue;
    for (const n of names) {
      const p = join(dir, n);
      if (isExecutable(p)) return p;
    }
  }
  return undefined;
}
