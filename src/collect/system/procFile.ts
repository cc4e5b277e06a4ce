/**
 * @module collect/system/procFile
 * Reading a /proc or /sys file every second, cheaply. readFileSync() opens,
 * fstats, reads and closes (~13 µs for /proc/stat); keeping the descriptor and
 * reading again from offset 0 (pread) makes the kernel regenerate the text for
 * ~5 µs. Reads loop until EOF: a seq_file hands out about a page per read, so
 * a long /proc/self/mounts or /proc/net/dev needs several.
 *
 * Descriptors are reopened every `reopenEvery` reads (and at once after a read
 * error), so a file that was replaced or a cgroup that was removed is noticed,
 * and closed when the reader is garbage-collected.
 */
import { closeSync, openSync, readSync } from 'node:fs';

/** One buffer for every file: reads are synchronous and decoded before the next one starts. */
let shared = Buffer.allocUnsafe(16 * 1024);

const closer = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    // Already closed (EBADF): nothing left to release.
  }
});

export class ProcFile {
  private _fd = -1;
  private _reads = 0;

  /** @param reopenEvery reopen the file every N reads; 0 keeps it open until an error. */
  constructor(
    readonly path: string,
    private readonly _reopenEvery = 0,
  ) {}

  /** The whole file as text (procfs and sysfs are ASCII; mount points may be UTF-8). Throws like readFileSync. */
  read(): string {
    if (this._fd >= 0 && this._reopenEvery > 0 && ++this._reads % this._reopenEvery === 0) this.close();
    if (this._fd < 0) return this._open();
    try {
      return this._readAll();
    } catch {
      // A stale descriptor (cgroup removed: ENODEV; file replaced): retry once on a fresh one, which throws if it must.
      this.close();
      return this._open();
    }
  }

  close(): void {
    if (this._fd < 0) return;
    closer.unregister(this);
    const fd = this._fd;
    this._fd = -1;
    try {
      closeSync(fd);
    } catch {
      // EBADF: nothing left to release.
    }
  }

  private _open(): string {
    this._fd = openSync(this.path, 'r');
    closer.register(this, this._fd, this);
    return this._readAll();
  }

  private _readAll(): string {
    let len = 0;
    for (;;) {
      if (len === shared.length) {
        const bigger = Buffer.allocUnsafe(shared.length * 2);
        shared.copy(bigger, 0, 0, len);
        shared = bigger;
      }
      const n = readSync(this._fd, shared, len, shared.length - len, len);
      if (n === 0) break;
      len += n;
    }
    return shared.toString('utf8', 0, len);
  }
}
