/**
 * @module store/disk/rollup
 * One rollup bucket being filled: min, max, sum, count and last of the
 * samples in [start, start + period). NaN samples (among them Prometheus's
 * stale marker) carry no magnitude and are left out; ±Inf are kept.
 */

export class Bucket {
  start = NaN;
  min = Infinity;
  max = -Infinity;
  sum = 0;
  count = 0;
  last = NaN;

  get open(): boolean {
    return this.count > 0;
  }

  add(start: number, v: number): void {
    if (this.count === 0) this.start = start;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    this.sum += v;
    this.count++;
    this.last = v;
  }

  clear(): void {
    this.start = NaN;
    this.min = Infinity;
    this.max = -Infinity;
    this.sum = 0;
    this.count = 0;
    this.last = NaN;
  }

  /** The five columns as little-endian float64 bytes (rollup_open.state). */
  state(): Uint8Array {
    const out = new Uint8Array(40);
    const dv = new DataView(out.buffer);
    dv.setFloat64(0, this.min, true);
    dv.setFloat64(8, this.max, true);
    dv.setFloat64(16, this.sum, true);
    dv.setFloat64(24, this.count, true);
    dv.setFloat64(32, this.last, true);
    return out;
  }

  restore(start: number, state: Uint8Array): void {
    const s = readState(state);
    this.start = start;
    this.min = s[0];
    this.max = s[1];
    this.sum = s[2];
    this.count = s[3];
    this.last = s[4];
  }
}

/** min, max, sum, count, last from rollup_open.state. */
export function readState(state: Uint8Array): [number, number, number, number, number] {
  if (state.byteLength !== 40) return [NaN, NaN, 0, 0, NaN];
  const dv = new DataView(state.buffer, state.byteOffset, 40);
  return [dv.getFloat64(0, true), dv.getFloat64(8, true), dv.getFloat64(16, true), dv.getFloat64(24, true), dv.getFloat64(32, true)];
}
