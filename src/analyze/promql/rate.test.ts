// Cases transcribed from Prometheus's promql/promqltest/testdata/functions.test
// (and promql/testdata/functions.test, its 2.x location). Expected values are
// Prometheus 2.42's: where the 3.x file expects something else (left-open
// ranges, prometheus#13725), the 3.x value is given in a comment with the reason.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { at, close, load } from './load.test.js';
import { delta, extrapolatedRate, idelta, increase, irate, rate } from './rate.js';

const M = 60_000;

describe('load (test helper)', () => {
  it('expands promqltest notation', () => {
    assert.deepEqual(load(5, '0+10x2 7 _ 1x1').map((p) => [p.t, p.v]), [[0, 0], [5, 10], [10, 20], [15, 7], [25, 1], [30, 1]]);
  });
});

describe('increase', () => {
  // load 5m: foo 0+10x10, bar 0+18x5 0+18x5, dings 10+10x10, bumms 1+10x10
  const foo = load(5 * M, '0+10x10');
  const bar = load(5 * M, '0+18x5 0+18x5');
  const dings = load(5 * M, '10+10x10');
  const bumms = load(5 * M, '1+10x10');

  it('covers the whole range without extrapolation (increase[50m] at 50m)', () => {
    close(at(foo, 50 * M, 50 * M, increase), 100);
    close(at(dings, 50 * M, 50 * M, increase), 100);
    close(at(bumms, 50 * M, 50 * M, increase), 100);
    // 2.42's closed range keeps the t=0 sample: 72 - 0 + 90 (reset). 3.x: 160.
    close(at(bar, 50 * M, 50 * M, increase), 162);
  });

  it('limits start-side extrapolation at the zero point (increase[100m] at 50m)', () => {
    close(at(foo, 50 * M, 100 * M, increase), 100); // already 0 at t=0
    close(at(bar, 50 * M, 100 * M, increase), 162);
    // Zero point at t=-5m (300s) is under 1.1 x 300s, so 2.42 extrapolates all
    // the way to it: 100 x 3300/3000. 3.x first cuts to half a spacing: 105.
    close(at(dings, 50 * M, 100 * M, increase), 110);
    // Zero point at t=-30s: 100 x 3030/3000 in both versions.
    close(at(bumms, 50 * M, 100 * M, increase), 101);
  });

  it('adds the value before each counter reset (0 1 2 3 2 3 4 over 30m)', () => {
    close(at(load(5 * M, '0 1 2 3 2 3 4'), 30 * M, 30 * M, increase), 7);
  });

  it('needs two samples', () => {
    assert.equal(increase([{ t: 0, v: 1 }], 0, 5 * M), undefined);
    assert.equal(increase([], 0, 5 * M), undefined);
  });
});

describe('rate', () => {
  it('handles a counter reset in the middle of the range', () => {
    // testcounter_reset_middle_total 0+27x4 0+27x5, rate[50m] at 50m:
    // (135 + 108) / 3000s in 2.42. 3.x drops the t=0 sample: 0.08.
    close(at(load(5 * M, '0+27x4 0+27x5'), 50 * M, 50 * M, rate), 0.081);
  });

  it('ignores a reset to 0 at the end of the range (rate[5m] at 50m)', () => {
    // testcounter_reset_end_total 0+10x9 0 10: samples 90 and 0 -> 0.
    // In 3.x [5m] holds only the 50m sample (no result); [6m] gives 0.
    close(at(load(5 * M, '0+10x9 0 10'), 50 * M, 5 * M, rate), 0);
  });

  it('is per second', () => {
    close(at(load(5 * M, '0+80x10'), 50 * M, 50 * M, rate), 0.26666666666666666);
    // rate(calculate_rate_offset_total[10m] offset 5m) at 50m.
    close(at(load(5 * M, '0+10x10'), 45 * M, 10 * M, rate), 0.03333333333333333);
    close(at(load(5 * M, '0+20x10'), 45 * M, 10 * M, rate), 0.06666666666666667);
  });

  // load 4m: testcounter_zero_cutoff_total{start="Xm"} (X*60)+240x10, rate[20m].
  const cutoff = (startMin: number) => load(4 * M, `${startMin * 60}+240x10`);

  it('cuts left-side extrapolation at the zero point (at 10m)', () => {
    // Samples at 0, 4m, 8m; window [-10m, 10m]; threshold 1.1 x 240s = 264s.
    // 2.42: zero point at 0/60/120/180/240s is under the threshold, so the
    // extrapolation reaches it; at 300s it is over, so half a spacing (120s).
    // 3.x caps every case at 120s first: 0.5 0.55 0.6 0.6 0.6 0.6.
    const expected = [0.5, 0.55, 0.6, 0.65, 0.7, 0.6];
    expected.forEach((want, x) => close(at(cutoff(x), 10 * M, 20 * M, rate), want, `start=${x}m`));
  });

  it('extrapolates half a spacing when the series ends early (at 50m)', () => {
    for (let x = 0; x <= 5; x++) close(at(cutoff(x), 50 * M, 20 * M, rate), 0.6, `start=${x}m`);
  });

  it('extrapolates a gap under 1.1 spacings all the way to the edge', () => {
    // Samples at 10s..40s (10s apart), range [0, 60s]: end gap 20s >= 11s ->
    // 5s; start gap 10s < 11s -> 10s; gauge so no zero cut: 30 x 45/30.
    const pts = [10, 20, 30, 40].map((s) => ({ t: s * 1000, v: s }));
    close(extrapolatedRate(pts, 0, 60_000, false, false), 45);
    close(extrapolatedRate(pts, 0, 60_000, false, true), 45 / 60);
  });
});

describe('delta / idelta', () => {
  it('delta is a gauge difference with extrapolation and no reset handling', () => {
    close(at(load(5 * M, '0 50 100 150 200'), 20 * M, 20 * M, delta), 200);
    close(at(load(5 * M, '200 150 100 50 0'), 20 * M, 20 * M, delta), -200);
  });

  it('idelta is the last difference', () => {
    close(at(load(5 * M, '0 50 100 150'), 20 * M, 20 * M, (p) => idelta(p)), 50);
    close(at(load(5 * M, '0 50 100 50'), 20 * M, 20 * M, (p) => idelta(p)), -50);
  });
});

describe('irate', () => {
  const foo = load(5 * M, '0+10x10');
  const bar = load(5 * M, '0+10x5 0+10x5');

  it('is the rate between the last two samples', () => {
    close(at(foo, 50 * M, 50 * M, (p) => irate(p)), 0.03333333333333333);
    close(at(bar, 50 * M, 50 * M, (p) => irate(p)), 0.03333333333333333);
    close(at(foo, 30 * M, 50 * M, (p) => irate(p)), 0.03333333333333333);
  });

  it('takes the new value as the increase after a reset (50 -> 0 at 30m)', () => {
    close(at(bar, 30 * M, 50 * M, (p) => irate(p)), 0);
    close(irate([{ t: 0, v: 50 }, { t: 10_000, v: 20 }]), 2);
  });

  it('needs two samples at distinct times', () => {
    assert.equal(irate([{ t: 0, v: 1 }]), undefined);
    assert.equal(irate([{ t: 5, v: 1 }, { t: 5, v: 2 }]), undefined);
  });
});
