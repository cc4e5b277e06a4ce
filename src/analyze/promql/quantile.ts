/**
 * @module analyze/promql/quantile
 * histogram_quantile() over classic (`le`-bucketed) histograms, as Prometheus
 * 2.42 computes it (promql/quantile.go@v2.42.0: bucketQuantile,
 * coalesceBuckets, ensureMonotonic; promql/functions.go@v2.42.0:
 * funcHistogramQuantile for the `le` parsing).
 *
 * Where later versions differ: from 2.4x on, quantile.go also runs
 * `correctPrecisionErrors` (bucket differences below 1e-12 relative are
 * treated as equal before monotonicity is forced) and reports forced
 * monotonicity as an info annotation. 2.42 only forces monotonicity, silently.
 * Results differ only when a bucket is smaller than its predecessor by less
 * than 1e-12 relative, and then only in the last digits.
 */

/** One cumulative bucket: `count` observations were <= `le`. */
export interface Bucket {
  readonly le: number;
  readonly count: number;
}

/**
 * The q-quantile of a classic histogram (Prometheus 2.42 `bucketQuantile`).
 * Buckets may come in any order; duplicate bounds are summed. NaN when: q is
 * NaN, fewer than 2 distinct bounds, the highest bound is not +Inf, or the
 * histogram has no observations. q < 0 gives -Inf and q > 1 gives +Inf.
 * A quantile in the +Inf bucket gives the second-highest bound; one in a
 * lowest bucket whose bound is <= 0 gives that bound; otherwise it is
 * interpolated linearly inside its bucket, the lowest bucket starting at 0.
 * @example histogramQuantile(0.5, [{le: 0.1, count: 50}, {le: 0.2, count: 70}, {le: 1, count: 110}, {le: Infinity, count: 120}]) // 0.15
 */
export function histogramQuantile(q: number, buckets: readonly Bucket[]): number {
  if (Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  // Go's sort with a NaN bound gives an order-dependent result; we leave such
  // buckets out (parseBucketBound never produces one). An empty set is NaN
  // here; Prometheus never calls bucketQuantile with one.
  const sorted = buckets.filter((b) => !Number.isNaN(b.le)).sort((a, b) => a.le - b.le);
  const top = sorted[sorted.length - 1];
  if (top === undefined || top.le !== Infinity) return NaN;

  const bs = coalesceBuckets(sorted);
  ensureMonotonic(bs);
  if (bs.length < 2) return NaN;
  const observations = bs[bs.length - 1]!.count;
  if (observations === 0) return NaN;

  let rank = q * observations;
  const b = goSortSearch(bs.length - 1, (i) => bs[i]!.count >= rank);
  if (b === bs.length - 1) return bs[bs.length - 2]!.le;
  const bucket = bs[b]!;
  if (b === 0 && bucket.le <= 0) return bucket.le;

  let bucketStart = 0;
  let count = bucket.count;
  if (b > 0) {
    const below = bs[b - 1]!;
    bucketStart = below.le;
    count -= below.count;
    rank -= below.count;
  }
  return bucketStart + (bucket.le - bucketStart) * (rank / count);
}

/**
 * Merges buckets with the same bound by summing their counts (a histogram
 * scraped once as le="1" and once as le="1.0"). Input sorted by `le`.
 * @example coalesceBuckets([{le: 1, count: 2}, {le: 1, count: 3}]) // [{le: 1, count: 5}]
 */
export function coalesceBuckets(sorted: readonly Bucket[]): { le: number; count: number }[] {
  const out: { le: number; count: number }[] = [];
  for (const b of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && last.le === b.le) last.count += b.count;
    else out.push({ le: b.le, count: b.count });
  }
  return out;
}

/**
 * Raises every count to at least the count below it, in place. Buckets can
 * come out non-monotonic when rule evaluation or federation reads a scrape
 * that is only partly ingested; the binary search in histogramQuantile needs
 * monotonic counts (quantile.go@v2.42.0 ensureMonotonic).
 */
export function ensureMonotonic(sorted: { count: number }[]): void {
  let max = sorted[0]?.count ?? 0;
  for (let i = 1; i < sorted.length; i++) {
    const b = sorted[i]!;
    if (b.count > max) max = b.count;
    else if (b.count < max) b.count = max;
  }
}

/**
 * Parses an `le` label value as Go's strconv.ParseFloat does for the forms
 * exporters write: decimals with optional exponent ("1", "1.0", ".2", "1e3"),
 * and "Inf"/"Infinity" in any case with optional sign ("+Inf"). Undefined for
 * anything Prometheus 2.42 skips (a parse error, or a finite-looking value
 * out of float64 range such as "1e400"), and for "NaN" and Go hex floats
 * ("0x1p-3"), which we skip too.
 * @example parseBucketBound('+Inf') === Infinity; parseBucketBound('2.0e-1') === 0.2
 */
export function parseBucketBound(le: string): number | undefined {
  if (/^[+-]?inf(inity)?$/i.test(le)) return le.startsWith('-') ? -Infinity : Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(le)) return undefined;
  const v = Number(le);
  return Number.isFinite(v) ? v : undefined;
}

/** Go's sort.Search: the smallest i in [0, n) with f(i), or n; f assumed false…true. */
function goSortSearch(n: number, f: (i: number) => boolean): number {
  let i = 0;
  let j = n;
  while (i < j) {
    const h = (i + j) >>> 1;
    if (!f(h)) i = h + 1;
    else j = h;
  }
  return i;
}
