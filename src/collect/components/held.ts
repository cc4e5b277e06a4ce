/**
 * @module collect/components/held
 * The latest values a component sent (by push or pull), each with the time it
 * was observed. They are offered to ticks only while fresh: a component that
 * stops reporting is not shown with its last values as if they were current.
 */
import { seriesKey } from '../../core/labels.js';
import type { Collector, Labels, Sample } from '../../core/types.js';

export class HeldValues {
  private readonly _series = new Map<string, Sample>();
  private _lastDataAt: number | undefined;

  constructor(private readonly _maxSeries = 10_000) {}

  get lastDataAt(): number | undefined {
    return this._lastDataAt;
  }

  /**
   * Holds the newest value of each series. A sample older than the one held is
   * out of order and ignored (as Prometheus's TSDB refuses it): taking it would
   * replace a newer value with an older one. Returns how many were ignored.
   */
  update(samples: readonly Sample[]): { outOfOrder: number } {
    let outOfOrder = 0;
    // A JSON push gives all its samples one label object: key its labels once.
    const labelKeys = new Map<Labels, string>();
    for (const s of samples) {
      let lk = labelKeys.get(s.labels);
      if (lk === undefined) labelKeys.set(s.labels, (lk = seriesKey('', s.labels)));
      const k = s.name + lk;
      const held = this._series.get(k);
      if (held === undefined && this._series.size >= this._maxSeries) continue;
      if (held !== undefined && s.t < held.t) {
        outOfOrder++;
        continue;
      }
      this._series.set(k, s);
      if (this._lastDataAt === undefined || s.t > this._lastDataAt) this._lastDataAt = s.t;
    }
    return { outOfOrder };
  }

  /** Values observed within `maxAgeMs` of `at`; older ones are dropped for good. */
  fresh(at: number, maxAgeMs: number): Sample[] {
    const out: Sample[] = [];
    for (const [k, s] of this._series) {
      if (at - s.t <= maxAgeMs) out.push(s);
      else this._series.delete(k);
    }
    return out;
  }
}

/** A collector that offers what was pushed to a component. */
export function pushedCollector(name: string, held: HeldValues, maxAgeMs: () => number): Collector & { held: HeldValues; pushed: true } {
  return {
    name,
    held,
    pushed: true,
    collect: (at) => Promise.resolve(held.fresh(at, maxAgeMs())),
  };
}
