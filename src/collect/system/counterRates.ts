/**
 * @module collect/system/counterRates
 * Per-second rates of pairs of monotonically increasing per-device counters
 * (read/write bytes, receive/transmit bytes). A device's first sighting only
 * records a baseline; a counter that went backwards (device re-attached,
 * driver reset) yields no rate for that round rather than a bogus one; a
 * device that disappears is forgotten.
 */
import type { Labels } from '../../core/types.js';
import type { Emit } from './samples.js';

interface Entry {
  a: number;
  b: number;
  round: number;
  /** Null for devices the ignore rule excludes: remembered so the rule runs once per device. */
  labels: Labels | null;
}

export class CounterRates {
  private readonly _entries = new Map<string, Entry>();
  private _round = 0;
  private _prevMs = NaN;
  private _elapsedS = NaN;

  /**
   * @param nameA series name for the first counter's rate
   * @param nameB series name for the second counter's rate
   * @param ignore devices to skip (node_exporter's default device filters)
   */
  constructor(
    private readonly _nameA: string,
    private readonly _nameB: string,
    private readonly _ignore: (device: string) => boolean,
  ) {}

  /** Starts a reading taken at `nowMs` (monotonic milliseconds). */
  begin(nowMs: number): void {
    this._round++;
    this._elapsedS = (nowMs - this._prevMs) / 1000;
    this._prevMs = nowMs;
  }

  /** Records one device's counters and emits its rates when a previous reading exists. */
  observe(device: string, a: number, b: number, emit: Emit): void {
    const e = this._entries.get(device);
    if (e === undefined) {
      const labels = this._ignore(device) ? null : Object.freeze({ device });
      this._entries.set(device, { a, b, round: this._round, labels });
      return;
    }
    e.round = this._round;
    if (e.labels !== null && this._elapsedS > 0) {
      if (a >= e.a) emit(this._nameA, (a - e.a) / this._elapsedS, e.labels);
      if (b >= e.b) emit(this._nameB, (b - e.b) / this._elapsedS, e.labels);
    }
    e.a = a;
    e.b = b;
  }

  /** Forgets devices not seen in this reading. */
  end(): void {
    if (this._entries.size === 0) return;
    for (const [k, e] of this._entries) if (e.round !== this._round) this._entries.delete(k);
  }
}
