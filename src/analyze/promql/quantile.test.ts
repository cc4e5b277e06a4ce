// Cases transcribed from Prometheus's promql/promqltest/testdata/histograms.test
// (promql/testdata/histograms.test in 2.x), classic-histogram parts. The files
// load buckets as `0+Nx10` at 5m steps; at 50m each bucket holds 10·N, which
// is what these cases pass (rate() would scale every bucket alike and leave
// the quantile unchanged).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { close } from './load.test.js';
import { coalesceBuckets, ensureMonotonic, histogramQuantile, parseBucketBound, type Bucket } from './quantile.js';

const b = (pairs: [number, number][]): Bucket[] => pairs.map(([le, count]) => ({ le, count }));

// testhistogram{start="positive"}: le 0.1 .2 1e0 +Inf = 0+5x10 0+7x10 0+11x10 0+12x10.
const positive = b([[0.1, 50], [0.2, 70], [1, 110], [Infinity, 120]]);
// testhistogram{start="negative"}: le -.2 -0.1 0.3 +Inf = 0+1x10 0+2x10 0+2x10 0+3x10.
const negative = b([[-0.2, 10], [-0.1, 20], [0.3, 20], [Infinity, 30]]);

describe('histogramQuantile', () => {
  it('interpolates inside the bucket (testhistogram at 50m)', () => {
    const cases: [number, number, number][] = [
      // q, positive, negative
      [0, 0, -0.2], // lowest bucket: from 0 if its bound is > 0, else that bound
      [0.2, 0.048, -0.2],
      [0.5, 0.15, -0.15],
      [0.8, 0.72, 0.3],
      [1, 1, 0.3], // +Inf bucket: the second-highest bound
    ];
    for (const [q, pos, neg] of cases) {
      close(histogramQuantile(q, positive), pos, `positive q=${q}`);
      close(histogramQuantile(q, negative), neg, `negative q=${q}`);
    }
  });

  it('returns ±Inf for q out of [0, 1] and NaN for q = NaN', () => {
    assert.equal(histogramQuantile(-0.1, positive), -Infinity);
    assert.equal(histogramQuantile(1.01, negative), Infinity);
    assert.ok(Number.isNaN(histogramQuantile(NaN, positive)));
  });

  it('hits bucket middles exactly (testhistogram2 at 7m)', () => {
    const h = b([[0, 0], [2, 1], [4, 2], [6, 3], [Infinity, 3]]);
    close(histogramQuantile(1 / 6, h), 1);
    close(histogramQuantile(0.5, h), 3);
    close(histogramQuantile(5 / 6, h), 5);
  });

  it('handles a lowest bucket at or below 0 (testhistogram3 at 50m)', () => {
    const pos = b([[0, 0], [0.1, 50], [0.2, 70], [1, 110], [Infinity, 110]]);
    const neg = b([[-0.25, 0], [-0.2, 10], [-0.1, 20], [0.3, 20], [Infinity, 20]]);
    const cases: [number, number, number][] = [
      [0, 0, -0.25],
      [0.25, 0.055, -0.225],
      [0.5, 0.125, -0.2],
      [0.75, 0.45, -0.15],
      [1, 1, -0.1],
    ];
    for (const [q, p, n] of cases) {
      close(histogramQuantile(q, pos), p, `positive q=${q}`);
      close(histogramQuantile(q, neg), n, `negative q=${q}`);
    }
  });

  it('forces non-monotonic buckets monotonic (nonmonotonic_bucket at 50m)', () => {
    // le 0.1 1 10 100 1000 +Inf = 0+2x10 0+1x10 0+5x10 0+4x10 0+9x10 0+8x10
    const h = b([[0.1, 20], [1, 10], [10, 50], [100, 40], [1000, 90], [Infinity, 80]]);
    close(histogramQuantile(0.01, h), 0.0045);
    close(histogramQuantile(0.5, h), 8.5);
    close(histogramQuantile(0.99, h), 979.75);
  });

  it('sums buckets with the same bound spelled differently (mixed_bucket)', () => {
    // ins1: le "0.1" "0.2" "2e-1" "2.0e-1" "+Inf" = 10 10 10 10 40 at 50m.
    const ins1 = ['0.1', '0.2', '2e-1', '2.0e-1', '+Inf'].map((le, i) => ({ le: parseBucketBound(le)!, count: i === 4 ? 40 : 10 }));
    close(histogramQuantile(0.5, ins1), 0.15);
    close(histogramQuantile(0.75, ins1), 0.2);
    close(histogramQuantile(1, ins1), 0.2);
    // ins2: "+inf" and "+Inf" are one bucket, so fewer than 2 buckets: NaN.
    const ins2 = ['+inf', '+Inf'].map((le) => ({ le: parseBucketBound(le)!, count: 0 }));
    assert.ok(Number.isNaN(histogramQuantile(0.5, ins2)));
  });

  it('is NaN for a histogram without observations (empty_bucket, const_histogram)', () => {
    assert.ok(Number.isNaN(histogramQuantile(0.2, b([[0.1, 0], [0.2, 0], [Infinity, 0]]))));
    // rate() of constant buckets is 0 everywhere, even with a bound <= 0.
    assert.ok(Number.isNaN(histogramQuantile(1, b([[0, 0], [1, 0], [2, 0], [Infinity, 0]]))));
  });

  it('is NaN when +Inf is not the highest bucket or there are fewer than 2', () => {
    assert.ok(Number.isNaN(histogramQuantile(0.5, b([[0.1, 1], [0.2, 2]]))));
    assert.ok(Number.isNaN(histogramQuantile(0.5, b([[Infinity, 5]]))));
    assert.ok(Number.isNaN(histogramQuantile(0.5, [])));
  });

  it('accepts buckets in any order and does not modify them', () => {
    const shuffled = [positive[2]!, positive[0]!, positive[3]!, positive[1]!];
    const copy = JSON.stringify(shuffled);
    close(histogramQuantile(0.5, shuffled), 0.15);
    assert.equal(JSON.stringify(shuffled), copy);
  });
});

describe('coalesceBuckets / ensureMonotonic', () => {
  it('merges equal bounds', () => {
    assert.deepEqual(coalesceBuckets(b([[1, 2], [1, 3], [2, 6], [Infinity, 7], [Infinity, 1]])), b([[1, 5], [2, 6], [Infinity, 8]]));
  });

  it('takes the running maximum', () => {
    const h = [{ count: 2 }, { count: 1 }, { count: 5 }, { count: 4 }];
    ensureMonotonic(h);
    assert.deepEqual(h.map((x) => x.count), [2, 2, 5, 5]);
  });
});

describe('parseBucketBound', () => {
  it('reads the spellings Go ParseFloat accepts', () => {
    const cases: [string, number][] = [
      ['+Inf', Infinity], ['inf', Infinity], ['Infinity', Infinity], ['-Inf', -Infinity],
      ['1', 1], ['1.0', 1], ['1e3', 1000], ['.2', 0.2], ['2.0e-1', 0.2], ['-0.1', -0.1], ['1.', 1], ['+5', 5],
    ];
    for (const [s, v] of cases) assert.equal(parseBucketBound(s), v, s);
  });

  it('rejects what Prometheus skips', () => {
    for (const s of ['', ' 1', 'abc', '1e400', '0x10', 'NaN', '1,5']) assert.equal(parseBucketBound(s), undefined, s);
  });
});
