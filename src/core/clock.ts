/**
 * @module core/clock
 * Time is injected: every stage takes a Clock. SystemClock is the real one;
 * ManualClock (product code, used by tests and replays) advances by hand.
 */

export interface Timer {
  stop(): void;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` once after `ms`. */
  after(ms: number, fn: () => void): Timer;
  /**
   * Calls `fn` at a fixed rate: the k-th call is due at start + k·ms, so a slow
   * call does not push the next ones back (no drift). Calls that fall entirely
   * behind are skipped, not bunched; `fn` gets how many were skipped.
   */
  every(ms: number, fn: (skipped: number) => void): Timer;
  /**
   * Milliseconds on a clock that only moves forward at the pace of real time
   * (CLOCK_MONOTONIC), from an arbitrary origin: for ages and durations, which
   * a wall clock stepped by NTP or by hand would make wrong. Without it,
   * `now()` is used.
   */
  monotonic?(): number;
}

/** The wall clock. Timers are unref'ed so an embedding process can exit. */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }

  monotonic(): number {
    return performance.now();
  }

  after(ms: number, fn: () => void): Timer {
    const h = setTimeout(fn, ms);
    h.unref();
    return { stop: () => clearTimeout(h) };
  }

  every(ms: number, fn: (skipped: number) => void): Timer {
    if (!(ms > 0)) throw new RangeError(`every(): interval must be > 0 ms, got ${ms}`);
    const start = performance.now();
    let k = 0;
    let handle: NodeJS.Timeout | undefined;
    let stopped = false;
    const schedule = (): void => {
      const due = start + (k + 1) * ms;
      handle = setTimeout(fire, Math.max(0, due - performance.now()));
      handle.unref();
    };
    const fire = (): void => {
      if (stopped) return;
      const elapsed = performance.now() - start;
      const due = Math.floor(elapsed / ms);
      const skipped = Math.max(0, due - (k + 1));
      k = Math.max(k + 1, due);
      schedule();
      fn(skipped);
    };
    schedule();
    return {
      stop: () => {
        stopped = true;
        if (handle !== undefined) clearTimeout(handle);
      },
    };
  }
}

interface PendingTimer {
  id: number;
  due: number;
  fn: () => unknown;
  /** Fixed-rate period, or 0 for a one-shot timer. */
  period: number;
}

/**
 * A clock that moves only when told. `advance(ms)` fires every timer due up to
 * now + ms in time order, letting the promises each one starts settle before
 * the next fires, so async collectors and timeouts behave as they would live.
 * @example
 * const clock = new ManualClock(0);
 * monitor.startMonitoring();
 * await clock.advance(1000); // one tick ran and settled
 */
export class ManualClock implements Clock {
  private _now: number;
  /** Wall-clock steps so far (stepWall): now() moves, timers and monotonic() do not, as NTP stepping a host's clock. */
  private _wallOffset = 0;
  private _timers: PendingTimer[] = [];
  private _nextId = 1;

  constructor(start = 0) {
    this._now = start;
  }

  now(): number {
    return this._now + this._wallOffset;
  }

  /** Hand-moved time only goes forward: it is its own monotonic clock. */
  monotonic(): number {
    return this._now;
  }

  /** Steps the wall clock by `ms` (either way) without moving timers or the monotonic clock. */
  stepWall(ms: number): void {
    this._wallOffset += ms;
  }

  after(ms: number, fn: () => void): Timer {
    return this._add(this._now + Math.max(0, ms), fn, 0);
  }

  every(ms: number, fn: (skipped: number) => void): Timer {
    if (!(ms > 0)) throw new RangeError(`every(): interval must be > 0 ms, got ${ms}`);
    return this._add(this._now + ms, () => fn(0), ms);
  }

  /** Number of timers waiting to fire (tests use it to prove nothing is left behind). */
  get pendingTimers(): number {
    return this._timers.length;
  }

  /** Moves time forward by `ms`, firing due timers in order and letting their work settle. */
  async advance(ms: number): Promise<void> {
    const target = this._now + ms;
    await settle();
    for (;;) {
      let next: PendingTimer | undefined;
      for (const t of this._timers) if (t.due <= target && (next === undefined || t.due < next.due)) next = t;
      if (next === undefined) break;
      this._now = next.due;
      if (next.period > 0) next.due += next.period;
      else this._timers = this._timers.filter((t) => t !== next);
      next.fn();
      await settle();
    }
    this._now = target;
    await settle();
  }

  private _add(due: number, fn: () => unknown, period: number): Timer {
    const t: PendingTimer = { id: this._nextId++, due, fn, period };
    this._timers.push(t);
    return { stop: () => void (this._timers = this._timers.filter((x) => x !== t)) };
  }
}

/** Lets queued promise callbacks and immediates run; no wall-clock wait. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
}

/** How far a timer may fire from its schedule and still be stamped with the scheduled time. */
const GRID_TOLERANCE_MS = 25;

/**
 * The tick's time on its schedule (origin + k·interval) when the timer fired
 * within a few ms of it, else the time it fired. Timers fire a millisecond or
 * two late; stamping the schedule keeps every series of the tick evenly spaced,
 * which is what history compresses best (a regular series costs ~0.4 bytes a
 * sample on disk, a jittered one ~0.8), as Prometheus aligns scrape
 * timestamps within its timestamp tolerance.
 */
export function onGrid(now: number, origin: number, intervalMs: number): number {
  const k = Math.round((now - origin) / intervalMs);
  const grid = origin + k * intervalMs;
  return Math.abs(now - grid) <= Math.min(GRID_TOLERANCE_MS, intervalMs / 10) ? Math.round(grid) : now;
}
