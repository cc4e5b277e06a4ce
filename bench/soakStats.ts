/**
 * The soak's arithmetic: the least-squares slope of each figure over the second
 * half of the run (the first half holds warm-up: caches, JIT, the store's first
 * chunks), scaled to one hour, and the verdict against stated bounds.
 */

/** One reading of the agent. `t` in seconds since the load started. */
export interface SoakSample {
  t: number;
  rssBytes: number;
  /** V8 heap in use after a full collection: what the agent retains, not garbage not yet collected. */
  heapUsedBytes: number;
  /** V8 heap in use just before that collection. */
  heapBeforeGcBytes: number;
  /** Memory outside the V8 heap held by JS objects (Buffers, typed arrays), after the collection. */
  externalBytes: number;
  /** RSS right after the collection: less of the young generation's sawtooth in it. */
  rssAfterGcBytes: number;
  /** Entries in /proc/<pid>/fd. */
  fds: number;
  /** Timers keeping the event loop alive (ref'd ones; unref'd timers are not listed by Node). */
  timers: number;
  /** Every resource keeping the event loop alive (process.getActiveResourcesInfo()). */
  activeResources: number;
}

/**
 * What "flat" means, per hour of extrapolated growth over the second half. A
 * 10-minute run resolves only so much: RSS moves 10-20 MiB between readings as
 * V8 and the allocator take and return pages (a slope's standard error over 5
 * minutes is tens of MiB/h), while the heap after a full collection and the
 * external memory move by about 1 MiB. Descriptors and timers come and go per
 * request; a steady climb of 10/h is a leak. Longer runs resolve finer (the
 * standard errors are printed beside the slopes).
 */
export const FLAT_BOUNDS = {
  rssMiBPerHour: 64,
  heapMiBPerHour: 16,
  externalMiBPerHour: 16,
  fdsPerHour: 10,
  timersPerHour: 10,
} as const;

/** Runs shorter than this get the verdict `too-short`: their slopes, extrapolated to an hour, say nothing. */
export const MIN_VERDICT_MINUTES = 5;

/** Least-squares slope of y over x; NaN with fewer than two distinct x. */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  return fit(xs, ys).slope;
}

/** Least-squares slope and its standard error (NaN with fewer than three points). */
export function fit(xs: readonly number[], ys: readonly number[]): { slope: number; se: number } {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return { slope: NaN, se: NaN };
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += xs[i]!;
    my += ys[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx;
    sxy += dx * (ys[i]! - my);
    sxx += dx * dx;
  }
  if (sxx === 0) return { slope: NaN, se: NaN };
  const b = sxy / sxx;
  let ssr = 0;
  for (let i = 0; i < n; i++) {
    const r = ys[i]! - my - b * (xs[i]! - mx);
    ssr += r * r;
  }
  return { slope: b, se: n > 2 ? Math.sqrt(ssr / (n - 2) / sxx) : NaN };
}

export interface SoakSlopes {
  rssMiBPerHour: number;
  heapMiBPerHour: number;
  externalMiBPerHour: number;
  rssAfterGcMiBPerHour: number;
  fdsPerHour: number;
  timersPerHour: number;
  /** Standard errors of the memory slopes, same units. */
  rssMiBPerHourSE: number;
  heapMiBPerHourSE: number;
  externalMiBPerHourSE: number;
  /** Samples the slopes are fitted to. */
  samples: number;
}

/** Slopes per hour over the samples at or after half of `durationS`. */
export function secondHalfSlopes(samples: readonly SoakSample[], durationS: number): SoakSlopes {
  const half = samples.filter((s) => s.t >= durationS / 2);
  const hours = half.map((s) => s.t / 3600);
  const per = (f: (s: SoakSample) => number): number => slope(hours, half.map(f));
  const se = (f: (s: SoakSample) => number): number => fit(hours, half.map(f)).se;
  const MiB = 2 ** 20;
  return {
    rssMiBPerHourSE: se((s) => s.rssBytes / MiB),
    heapMiBPerHourSE: se((s) => s.heapUsedBytes / MiB),
    externalMiBPerHourSE: se((s) => s.externalBytes / MiB),
    rssMiBPerHour: per((s) => s.rssBytes / MiB),
    heapMiBPerHour: per((s) => s.heapUsedBytes / MiB),
    externalMiBPerHour: per((s) => s.externalBytes / MiB),
    rssAfterGcMiBPerHour: per((s) => s.rssAfterGcBytes / MiB),
    fdsPerHour: per((s) => s.fds),
    timersPerHour: per((s) => s.timers),
    samples: half.length,
  };
}

export type SoakVerdict = 'flat' | 'growing' | 'too-short';

/** `flat` when every |slope| is under its bound; a NaN slope (too few samples) is not flat. */
export function verdict(s: SoakSlopes, minutes: number): SoakVerdict {
  if (minutes < MIN_VERDICT_MINUTES) return 'too-short';
  const under = (v: number, bound: number): boolean => Math.abs(v) < bound;
  return under(s.rssMiBPerHour, FLAT_BOUNDS.rssMiBPerHour) &&
    under(s.heapMiBPerHour, FLAT_BOUNDS.heapMiBPerHour) &&
    under(s.externalMiBPerHour, FLAT_BOUNDS.externalMiBPerHour) &&
    under(s.fdsPerHour, FLAT_BOUNDS.fdsPerHour) &&
    under(s.timersPerHour, FLAT_BOUNDS.timersPerHour)
    ? 'flat'
    : 'growing';
}
