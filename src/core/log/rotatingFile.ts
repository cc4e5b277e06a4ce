/**
 * @module core/log/rotatingFile
 * A log file rotated by size, as Python's `logging.handlers.RotatingFileHandler`
 * (the seed's logging) does it: `agent.log` is written; when the next line
 * would take it past `maxSize` bytes it becomes `agent.log.1`, the older ones
 * shift to `.2` … and the one past `maxFiles` is deleted.
 *
 * Writes are synchronous: a line is on disk (in the OS's cache) when `write`
 * returns, so nothing is lost at SIGTERM, at `process.exit` or on a crash, and
 * a log line costs one small write(2), far below the event loop's budget.
 */
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describeError } from '../errors.js';
import { truncateText } from '../preview.js';

export interface RotatingFileOptions {
  path: string;
  /** Bytes a file may reach before it is rotated (a single longer line still goes whole into a fresh file). */
  maxSize: number;
  /** Rotated files kept besides the current one (`path.1` … `path.N`). */
  maxFiles: number;
  /** Where a failure to write is reported, once until writing works again (default stderr). */
  report?: (msg: string) => void;
}

/**
 * Mode of a new log file (before the umask): lines name hosts, URLs and alert
 * text, so only the user reads them. Rotation renames, so `.1` … keep it. An
 * existing file keeps the mode its owner gave it.
 */
export const LOG_FILE_MODE = 0o600;

/** Old-numbered files are looked for among this many directory entries at most. */
const SCAN_LIMIT = 10_000;

export class RotatingFile {
  private _fd: number | undefined;
  private _size = 0;
  private _failing = false;
  /** Lines that could not be written. */
  dropped = 0;

  constructor(private readonly _o: RotatingFileOptions) {
    try {
      mkdirSync(dirname(_o.path), { recursive: true, mode: 0o700 });
    } catch {
      // _open reports why the file cannot be written.
    }
    this._open();
    if (this._fd !== undefined) this._removeBeyond();
  }

  /** Whether the file is open for writing now. */
  get writable(): boolean {
    return this._fd !== undefined;
  }

  get path(): string {
    return this._o.path;
  }

  /** Appends `line` (pino's destination contract: a `write(string)` method). */
  write(line: string): boolean {
    const buf = Buffer.from(line, 'utf8');
    if (this._size > 0 && this._size + buf.length > this._o.maxSize) this._rotate();
    if (this._fd === undefined) this._open();
    if (this._fd === undefined) {
      this.dropped++;
      return false;
    }
    try {
      // A regular file takes the whole buffer in one write; the loop covers a short write all the same.
      for (let off = 0, tries = 0; off < buf.length && tries < 16; tries++) off += writeSync(this._fd, buf, off, buf.length - off);
      this._size += buf.length;
      if (this._failing) this._say(`log file ${this._o.path}: writing works again (${this.dropped} line(s) dropped)`);
      this._failing = false;
      return true;
    } catch (e) {
      this.dropped++;
      this._fail(`cannot write: ${describeError(e)}`);
      return false;
    }
  }

  /** Nothing is buffered; present so pino's `flush()` and exit handling find it. */
  flushSync(): void {}

  close(): void {
    if (this._fd === undefined) return;
    try {
      closeSync(this._fd);
    } catch {
      // Closing a descriptor that already failed: nothing more to lose.
    }
    this._fd = undefined;
  }

  private _open(): void {
    try {
      this._fd = openSync(this._o.path, 'a', LOG_FILE_MODE);
      this._size = fstatSync(this._fd).size;
    } catch (e) {
      this._fd = undefined;
      this._fail(`cannot open: ${describeError(e)}`);
    }
  }

  private _rotate(): void {
    this.close();
    const p = this._o.path;
    try {
      rmSync(`${p}.${this._o.maxFiles}`, { force: true });
      for (let i = this._o.maxFiles - 1; i >= 1; i--) renameIfPresent(`${p}.${i}`, `${p}.${i + 1}`);
      renameSync(p, `${p}.1`);
    } catch (e) {
      // The current file keeps growing rather than losing lines.
      this._fail(`cannot rotate: ${describeError(e)}`);
    }
    this._open();
  }

  /** Numbered files past maxFiles, left by a run with a larger max_files, are deleted at start. */
  private _removeBeyond(): void {
    const dir = dirname(this._o.path);
    const base = basename(this._o.path);
    try {
      const names = readdirSync(dir);
      for (let i = 0; i < names.length && i < SCAN_LIMIT; i++) {
        const n = names[i]!;
        if (!n.startsWith(`${base}.`)) continue;
        const suffix = n.slice(base.length + 1);
        if (/^\d{1,6}$/.test(suffix) && Number(suffix) > this._o.maxFiles) rmSync(join(dir, n), { force: true });
      }
    } catch (e) {
      this._say(`log file ${this._o.path}: cannot clean up old files: ${describeError(e)}`);
    }
  }

  private _fail(what: string): void {
    if (!this._failing) this._say(`log file ${this._o.path}: ${what}; lines are dropped until it works`);
    this._failing = true;
  }

  private _say(msg: string): void {
    (this._o.report ?? ((m: string) => void process.stderr.write(`echo-perf: ${m}\n`)))(truncateText(msg, 500));
  }
}

function renameIfPresent(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (e) {
    if ((e as { code?: unknown }).code !== 'ENOENT') throw e;
  }
}
