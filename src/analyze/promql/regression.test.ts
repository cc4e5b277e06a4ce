// deriv() and predict_linear() cases transcribed from Prometheus's
// promql/promqltest/testdata/functions.test ("Tests for deriv() and
// predict_linear()"), with 2.42's closed ranges.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { at, close, load } from './load.test.js';
import { rate } from './rate.js';
import { KahanSum, deriv, linearRegression, predictLinear } from './regression.js';

const M = 60_000;
// testcounter_reset_middle_total 0+10x4 0+10x5 at 5m steps:
// X/s = 0 300 … 3000, Y = 0 10 20 30 40 0 10 20 30 40 50.
const resetMiddle = load(5 * M, '0+10x4 0+10x5');
const canary = load(5 * M, '0+80x10');

describe('deriv', () => {
  it('equals rate() for a clean counter', () => {
    close(at(canary, 50 * M, 50 * M, (p) => deriv(p)), 0.26666666666666666);
    close(at(canary, 50 * M, 50 * M, rate), 0.26666666666666666);
  });

  it('fits least squares through a reset (covXY 105000 / varX 9900000)', () => {
    close(at(resetMiddle, 50 * M, 100 * M, (p) => deriv(p)), 0.010606060606060607);
  });

  it('is NaN when ±Inf is in the range', () => {
    const inf = load(5 * M, '-Inf 0+80x10 Inf');
    close(at(inf, 100 * M, 100 * M, (p) => deriv(p)), NaN);
  });

  it('is 0 for a constant series, NaN for a constant ±Inf', () => {
    close(deriv(load(60_000, '7x5')), 0);
    close(deriv(load(60_000, 'Infx3')), NaN);
  });

  it('needs two points', () => {
    assert.equal(deriv([{ t: 0, v: 1 }]), undefined);
  });
});

describe('predictLinear', () => {
  it('extrapolates from the evaluation time', () => {
    // 2.42 at 50m over [50m] keeps the t=0 sample: all 11 points, intercept
    // at t=3000s 38.636…, + slope·3600. (3.x's [50m] drops t=0 and gives 70;
    // its "[55m] @ 3000" case holds all 11 points and expects this value.)
    close(at(resetMiddle, 50 * M, 50 * M, (p) => predictLinear(p, 50 * M, 3600)), 76.81818181818181);
    // "[55m] @ 3000" evaluated at 10m and 70m: same points, intercept at eval time.
    const all = resetMiddle;
    close(predictLinear(all, 10 * M, 3600), 51.36363636363637);
    close(predictLinear(all, 70 * M, 3600), 89.54545454545455);
  });

  it('is syntactic sugar for value + deriv·horizon on a line', () => {
    const pts = at(canary, 50 * M, 50 * M, (p) => p);
    close(predictLinear(pts, 50 * M, 3600), canary[10]!.v + deriv(pts)! * 3600);
  });

  it('keeps a constant', () => {
    close(predictLinear(load(60_000, '7x5'), 5 * 60_000, 3600), 7);
  });
});

describe('linearRegression / KahanSum', () => {
  it('returns slope and intercept at the given time', () => {
    const r = linearRegression([{ t: 0, v: 1 }, { t: 1000, v: 3 }, { t: 2000, v: 5 }], 1000);
    close(r.slope, 2);
    close(r.intercept, 3);
  });

  it('compensates rounding (1 + 1e100 + 1 - 1e100 = 2)', () => {
    const k = new KahanSum();
    for (const x of [1, 1e100, 1, -1e100]) k.add(x);
    assert.equal(k.value, 2);
  });
});
