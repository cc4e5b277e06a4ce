/**
 * @module collect/components/timestamps
 * The time a component says it observed its values. A time far ahead freezes a
 * series (every later value is older, so dropped as out of order) and keeps the
 * component from ever going stale; a time far behind is stale on arrival. Both
 * are refused, like Prometheus's TSDB refuses samples outside its head window
 * (ErrOutOfBounds / ErrTooOldSample).
 */

/** Accepted observation times, ms since the epoch, inclusive. */
export interface TimeWindow {
  readonly minMs: number;
  readonly maxMs: number;
}

/** Why a timestamp was refused; a fixed set, used as a self-metric label. */
export type TimestampRejection = 'bad_timestamp' | 'too_far_ahead' | 'too_old';

export type TimestampReading = { ok: true; ms: number } | { ok: false; reason: TimestampRejection; expected: string };

/** Below this a number is read as seconds (1e11 s is the year 5138; 1e11 ms is 1973). */
const SECONDS_BELOW = 1e11;
/** Below this (and from SECONDS_BELOW) as milliseconds; from here it is microseconds (now ≈ 1.7e15 µs) or nanoseconds. */
const MILLIS_BELOW = 1e14;
const MICROS_BELOW = 1e17;

const UNITS = 'unix time in seconds (as Python time.time() gives) or milliseconds';

/** Reads a JSON timestamp: seconds or milliseconds since the epoch; microseconds and nanoseconds are named and refused. */
export function readTimestamp(raw: unknown, window: TimeWindow | undefined): TimestampReading {
  if (typeof raw !== 'number' || !Number.isFinite(raw) || raw <= 0) {
    return { ok: false, reason: 'bad_timestamp', expected: `${UNITS}, a number > 0${window === undefined ? '' : ` ${describeWindow(window)}`}` };
  }
  if (raw >= MILLIS_BELOW) {
    const unit = raw < MICROS_BELOW ? 'microseconds' : 'nanoseconds';
    return { ok: false, reason: 'bad_timestamp', expected: `${UNITS} (this looks like ${unit})${window === undefined ? '' : ` ${describeWindow(window)}`}` };
  }
  return checkWindow(raw < SECONDS_BELOW ? raw * 1000 : raw, window);
}

/** Checks a time already in ms (e.g. an exposition sample's) against the window. */
export function checkWindow(ms: number, window: TimeWindow | undefined): TimestampReading {
  if (window === undefined) return { ok: true, ms };
  if (ms > window.maxMs) return { ok: false, reason: 'too_far_ahead', expected: `${UNITS} ${describeWindow(window)}; ${iso(ms)} is ahead of it` };
  if (ms < window.minMs) return { ok: false, reason: 'too_old', expected: `${UNITS} ${describeWindow(window)}; ${iso(ms)} is older (stale on arrival)` };
  return { ok: true, ms };
}

/** "between <ISO> and <ISO>". */
export function describeWindow(w: TimeWindow): string {
  return `between ${iso(w.minMs)} and ${iso(w.maxMs)}`;
}

function iso(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}
