/**
 * @module collect/gpu/supervisor
 * Keeps one long-lived child process running (nvidia-smi in loop mode):
 * hands its stdout to the caller line by line, keeps the last lines of its
 * diagnostics, and when it dies restarts it after an exponential backoff
 * (1 s, 2 s, 4 s … 60 s, on the injected clock). A child that ran for at least
 * the maximum backoff before dying starts the sequence again at 1 s.
 *
 * Children and their pipes are unref'ed so an embedding process can exit;
 * nvidia-smi then dies of SIGPIPE on its next write. `close()` kills the child
 * and waits for it to be gone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Clock, Timer } from '../../core/clock.js';
import { describeError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';

export interface BackoffOptions {
  /** First restart delay in ms. Default 1000. */
  readonly initialMs: number;
  /** Largest restart delay in ms. Default 60000. */
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 1000, maxMs: 60_000 };

/** How a child ended, and the last diagnostic lines it wrote. */
export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all (ENOENT, EACCES). */
  readonly spawnError: string | undefined;
  /** Last stderr lines and stdout lines the caller did not accept as data, oldest first. */
  readonly tail: readonly string[];
}

/** 'stop': the child is not restarted (an optional tool this GPU or driver does not support). */
export type ExitDecision = 'retry-now' | 'backoff' | 'stop';

export interface SupervisorOptions {
  /** Used in messages: `nvidia-smi --query-gpu`. */
  readonly label: string;
  readonly command: string;
  /** Arguments for the next start (asked again on every restart). */
  readonly args: () => readonly string[];
  readonly env: NodeJS.ProcessEnv | undefined;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly backoff?: BackoffOptions;
  /** One stdout line, without its newline. Return false for a line that is not data: it joins the diagnostic tail. */
  readonly onLine: (line: string) => boolean;
  /** After an unexpected exit: 'retry-now' when the caller changed the arguments to fix the cause. */
  readonly onExit: (exit: ChildExit) => ExitDecision;
}

/** stopped: given up after repeated failures (see ExitDecision 'stop'); lastError says why. */
export type ChildState = 'idle' | 'running' | 'backoff' | 'stopped' | 'closed';

export interface ChildStatus {
  readonly label: string;
  readonly state: ChildState;
  /** The arguments of the running (or last started) child; empty before the first start. */
  readonly args: readonly string[];
  readonly pid: number | undefined;
  /** Restarts after a crash (not counting restarts with changed arguments). */
  readonly restarts: number;
  readonly lastError: string | undefined;
  /** Clock time of the next start while in backoff. */
  readonly nextStartAt: number | undefined;
}

const TAIL_LINES = 5;
const MAX_LINE = 64 * 1024; // a longer stdout "line" is garbage; it is dropped
const MAX_TAIL_LINE = 500;
const KILL_GRACE_MS = 2000;

export class Supervisor {
  private _child: ChildProcess | undefined;
  private _state: ChildState = 'idle';
  private _restarts = 0;
  private _failures = 0;
  private _lastError: string | undefined;
  private _lastLogged: string | undefined;
  private _timer: Timer | undefined;
  private _nextStartAt: number | undefined;
  private _startedAt = 0;
  private _args: readonly string[] = [];
  private _closedWaiters: (() => void)[] = [];
  private readonly _backoff: BackoffOptions;

  constructor(private readonly _o: SupervisorOptions) {
    this._backoff = _o.backoff ?? DEFAULT_BACKOFF;
  }

  status(): ChildStatus {
    return {
      label: this._o.label,
      state: this._state,
      args: this._args,
      pid: this._state === 'running' ? this._child?.pid : undefined,
      restarts: this._restarts,
      lastError: this._lastError,
      nextStartAt: this._nextStartAt,
    };
  }

  /** Starts the child if it is idle. */
  start(): void {
    if (this._state === 'idle') this._spawn();
  }

  /** Kills the child, cancels a pending restart, and resolves once the child has exited. Idempotent. */
  async close(): Promise<void> {
    if (this._state === 'closed' && this._child === undefined) return;
    this._state = 'closed';
    this._timer?.stop();
    this._timer = undefined;
    this._nextStartAt = undefined;
    const child = this._child;
    if (child === undefined) return;
    const gone = new Promise<void>((resolve) => this._closedWaiters.push(resolve));
    // Hold the event loop open until the child is gone, so `await close()` returns.
    child.ref();
    for (const s of [child.stdout, child.stderr]) (s as (NodeJS.ReadableStream & { ref?: () => void }) | null)?.ref?.();
    child.kill('SIGTERM');
    const killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
    await gone;
    clearTimeout(killTimer);
  }

  private _spawn(): void {
    this._timer = undefined;
    this._nextStartAt = undefined;
    const tail: string[] = [];
    const pushTail = (line: string): void => {
      if (line.trim() === '') return;
      tail.push(line.length > MAX_TAIL_LINE ? line.slice(0, MAX_TAIL_LINE) + '…' : line);
      if (tail.length > TAIL_LINES) tail.shift();
    };
    let child: ChildProcess;
    let spawnError: string | undefined;
    try {
      this._args = [...this._o.args()];
      child = spawn(this._o.command, [...this._args], { stdio: ['ignore', 'pipe', 'pipe'], env: this._o.env });
    } catch (e) {
      // spawn() throws synchronously only for invalid arguments; treat as a failed start.
      this._onGone({ code: null, signal: null, spawnError: describeError(e), tail });
      return;
    }
    this._child = child;
    this._state = 'running';
    this._startedAt = this._o.clock.now();
    child.unref();
    const lines = (stream: NodeJS.ReadableStream | null, each: (line: string) => void): void => {
      if (stream === null) return;
      (stream as NodeJS.ReadableStream & { unref?: () => void }).unref?.();
      stream.setEncoding('utf8');
      let partial = '';
      stream.on('data', (chunk: string) => {
        let start = 0;
        for (let nl = chunk.indexOf('\n'); nl !== -1; nl = chunk.indexOf('\n', start)) {
          let line = partial + chunk.slice(start, nl);
          partial = '';
          if (line.endsWith('\r')) line = line.slice(0, -1);
          each(line);
          start = nl + 1;
        }
        partial += chunk.slice(start);
        if (partial.length > MAX_LINE) partial = '';
      });
      stream.on('end', () => {
        if (partial !== '') each(partial);
        partial = '';
      });
    };
    lines(child.stdout, (line) => {
      if (!this._o.onLine(line)) pushTail(line);
    });
    lines(child.stderr, pushTail);
    let done = false;
    child.on('error', (e) => {
      spawnError = describeError(e);
      // A failed start emits 'error' and may never emit 'close'.
      if (child.pid === undefined && !done) {
        done = true;
        this._onGone({ code: null, signal: null, spawnError, tail });
      }
    });
    child.on('close', (code, signal) => {
      if (done) return;
      done = true;
      this._onGone({ code, signal, spawnError, tail });
    });
  }

  private _onGone(exit: ChildExit): void {
    this._child = undefined;
    if (this._state === 'closed') {
      for (const w of this._closedWaiters.splice(0)) w();
      return;
    }
    const decision = this._o.onExit(exit);
    if (decision === 'retry-now') {
      this._spawn();
      return;
    }
    if (decision === 'stop') {
      this._lastError = describeExit(this._o.label, exit);
      this._state = 'stopped';
      return;
    }
    const ranMs = this._o.clock.now() - this._startedAt;
    if (ranMs >= this._backoff.maxMs) this._failures = 0;
    const delay = Math.min(this._backoff.maxMs, this._backoff.initialMs * 2 ** this._failures);
    this._failures++;
    this._lastError = describeExit(this._o.label, exit);
    const msg = `${this._lastError}; restarting in ${delay} ms`;
    // The same failure every minute is logged once at warn, then at debug.
    if (this._lastError !== this._lastLogged) this._o.logger.warn(msg);
    else this._o.logger.debug(msg);
    this._lastLogged = this._lastError;
    this._state = 'backoff';
    this._nextStartAt = this._o.clock.now() + delay;
    this._timer = this._o.clock.after(delay, () => {
      if (this._state !== 'backoff') return;
      this._restarts++;
      this._spawn();
    });
  }
}

/** `nvidia-smi --query-gpu exited with code 15: Unable to determine the device handle … | …` */
export function describeExit(label: string, e: ChildExit): string {
  const how =
    e.spawnError !== undefined && e.code === null && e.signal === null
      ? `could not be started (${e.spawnError})`
      : e.signal !== null
        ? `was killed by ${e.signal}`
        : `exited with code ${e.code}`;
  return e.tail.length > 0 ? `${label} ${how}: ${e.tail.join(' | ')}` : `${label} ${how}`;
}
