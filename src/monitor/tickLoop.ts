/**
 * @module monitor/tickLoop
 * The collection loop: a tick every interval on the monitor's clock, never two
 * at once (a tick still in flight makes the timer skip, and counts it), a
 * stop that discards what a tick in flight would still produce, on-demand
 * ticks that wait for a running one rather than race it, and the loop's
 * health (ticks stopped happening, and why).
 */
import { onGrid, type Clock, type Timer } from '../core/clock.js';
import type { TickHealth } from './types.js';

/** The shortest silence that counts as a stalled loop (see health). */
const TICK_STALL_MIN_MS = 10_000;
/** The smallest disagreement between the wall and monotonic clocks that counts as a step (see onClockStep). */
const CLOCK_STEP_MIN_MS = 5_000;

export interface TickLoopOptions {
  clock: Clock;
  /** The interval now, ms (it may change at run time: call `reschedule`). */
  intervalMs: () => number;
  /**
   * One tick at `at`. `current()` turns false once the loop was stopped (or
   * restarted) meanwhile: the tick then discards its results and resolves
   * false. Resolves true for a tick that completed. Never rejects.
   */
  tick: (at: number, current: () => boolean) => Promise<boolean>;
  /** What is still running, named in a health reason. */
  busy: () => string[];
  /**
   * Called when the wall clock moved between two ticks by more (or less) than
   * the monotonic clock did, by at least max(5 s, two intervals): NTP or a
   * person stepped it. `stepMs` > 0 forward, < 0 back.
   */
  onClockStep?: (stepMs: number, at: number) => void;
}

export class TickLoop {
  private _timer: Timer | undefined;
  private _inFlight: Promise<void> | undefined;
  private _generation = 0;
  private _ticks = 0;
  private _skipped = 0;
  private _lastTickMs = 0;
  private _lastTickAt: number | undefined;
  /** The same two moments on the monotonic clock: a loop's age must not jump with the wall clock. */
  private _lastTickMono: number | undefined;
  private _startedMono: number | undefined;
  private _clockSteps = 0;

  constructor(private readonly _o: TickLoopOptions) {}

  get running(): boolean {
    return this._timer !== undefined;
  }

  /** Ticks completed. */
  get ticks(): number {
    return this._ticks;
  }

  /** Timer ticks skipped: late timers, or a tick still in flight. */
  get skipped(): number {
    return this._skipped;
  }

  /** Wall milliseconds the last completed tick took. */
  get lastTickMs(): number {
    return this._lastTickMs;
  }

  /** Wall-clock steps seen between ticks (see TickLoopOptions.onClockStep). */
  get clockSteps(): number {
    return this._clockSteps;
  }

  /** Clock time of the last tick that completed; undefined before the first. */
  get lastTickAt(): number | undefined {
    return this._lastTickAt;
  }

  start(): void {
    if (this._timer !== undefined) return;
    this._generation++;
    this._startedMono = this._mono();
    this._schedule();
  }

  stop(): void {
    if (this._timer === undefined) return;
    this._timer.stop();
    this._timer = undefined;
    this._generation++;
    // The tick in flight (if any) settles now and discards its results (its generation is gone).
    this._inFlight = undefined;
  }

  /** Restarts the timer at the current interval (after it changed). */
  reschedule(): void {
    if (this._timer === undefined) return;
    this._timer.stop();
    this._schedule();
  }

  /**
   * Runs one tick now, after `before` (e.g. scraping every target once). A
   * tick already running is the collection asked for: starting a second one
   * would find its collectors still busy and mark them timed out.
   */
  async runNow(before: () => Promise<void>): Promise<void> {
    if (this._inFlight !== undefined) return this._inFlight;
    await before();
    return this._inFlight ?? this._start();
  }

  /**
   * Whether the loop is alive: running, and a tick completed within the last
   * three intervals (at least 10 s, so one slow tick or a GC pause is not an
   * outage). A loop whose ticks stopped answers not ok, with the reason.
   */
  health(): TickHealth {
    const now = this._mono();
    const limitMs = Math.max(3 * this._o.intervalMs(), TICK_STALL_MIN_MS);
    const since = this._lastTickMono ?? this._startedMono;
    const lastTickAgeSeconds = since === undefined ? undefined : (now - since) / 1000;
    const base = { monitoring: this.running, ticks: this._ticks, lastTickAt: this._lastTickAt, lastTickAgeSeconds };
    if (!this.running) return { ...base, ok: false, reason: 'monitoring is stopped' };
    if (since !== undefined && now - since > limitMs) {
      const busy = this._o.busy();
      const why = busy.length > 0 ? `; collectors still running: ${busy.slice(0, 5).join(', ')}` : '';
      return { ...base, ok: false, reason: `no tick completed for ${((now - since) / 1000).toFixed(1)} s (limit ${limitMs / 1000} s)${why}` };
    }
    return { ...base, ok: true };
  }

  private _noticeClockStep(at: number, mono: number): void {
    if (this._lastTickAt === undefined || this._lastTickMono === undefined || this._o.clock.monotonic === undefined) return;
    // Tick times sit on the interval grid, so the two clocks may disagree by up to an interval without a step.
    const stepMs = at - this._lastTickAt - (mono - this._lastTickMono);
    if (Math.abs(stepMs) < Math.max(CLOCK_STEP_MIN_MS, 2 * this._o.intervalMs())) return;
    this._clockSteps++;
    this._o.onClockStep?.(stepMs, at);
  }

  private _mono(): number {
    return this._o.clock.monotonic?.() ?? this._o.clock.now();
  }

  private _schedule(): void {
    const every = this._o.intervalMs();
    const origin = this._o.clock.now();
    this._timer = this._o.clock.every(every, (skipped) => {
      this._skipped += skipped;
      if (this._inFlight !== undefined) {
        // Collectors are bounded by their timeout, so this only happens when the event loop was blocked.
        this._skipped++;
        return;
      }
      void this._start(onGrid(this._o.clock.now(), origin, every));
    });
  }

  /** Runs a tick as the one in flight; the slot is freed only by this tick (a stop may have moved on). */
  private _start(at: number = this._o.clock.now()): Promise<void> {
    const generation = this._generation;
    const started = performance.now();
    const startedMono = this._mono();
    const p: Promise<void> = this._o
      .tick(at, () => generation === this._generation)
      .then((completed) => {
        if (!completed) return;
        this._noticeClockStep(at, startedMono);
        this._ticks++;
        this._lastTickAt = at;
        this._lastTickMono = startedMono;
        this._lastTickMs = performance.now() - started;
      })
      .finally(() => {
        if (this._inFlight === p) this._inFlight = undefined;
      });
    this._inFlight = p;
    return p;
  }
}
