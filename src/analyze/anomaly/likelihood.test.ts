import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Likelihood } from './likelihood.js';

/**
 * Upper tails Q(z) = 1 − Φ(z) of the standard normal, from tables (Abramowitz & Stegun 26.2),
 * and the score they map to: −log10(Q) / 12, clipped to [0, 1].
 */
// Raw scores are ≥ 0 (a negative mean reads as 0), so z stays ≥ −1 here (x = 0.5 + 0.5·z).
const Q: Record<string, number> = {
  '-1': 0.841344746068543,
  '0': 0.5,
  '1': 0.158655253931457,
  '3': 1.3498980316301e-3,
  '6': 9.86587645037698e-10,
};
const scoreOf = (q: number): number => Math.min(1, -Math.log10(q) / 12);
const close = (got: number, want: number, what: string): void =>
  assert.ok(Math.abs(got - want) <= 2e-7 * Math.max(1e-3, Math.abs(want)), `${what}: ${got}, want ${want}`);

/**
 * short = 1: the first score is only the ring's fill (scored 0); the next 20 (SETTLE) build the
 * moments and score 0; the 22nd is scored against their mean and population variance.
 */
function settled(long: number, moments: readonly number[]): Likelihood {
  const l = new Likelihood(1, long);
  assert.equal(l.update(0.5), 0, 'the ring fills first');
  for (const x of moments) assert.equal(l.update(x), 0, 'no score before SETTLE samples of moments');
  return l;
}
const alternating = Array.from({ length: 20 }, (_, i) => i % 2); // mean 0.5, variance 0.25, sd 0.5

describe('anomaly likelihood', () => {
  for (const z of Object.keys(Q)) {
    it(`scores −log10(Q(${z}))/12 for a mean ${z} standard deviations off the learnt mean`, () => {
      const l = settled(1000, alternating);
      close(l.update(0.5 + Number(z) * 0.5), scoreOf(Q[z]!), `z = ${z}`);
    });
  }

  it('reads a running mean below 0 (rounding drift of the sum) as 0', () => {
    close(settled(1000, alternating).update(-0.5), scoreOf(Q['-1']!), 'mean read as 0, z = -1');
  });

  it('clips a tail past 10^-12 to a score of 1 (z = 10: Q ≈ 7.6e-24)', () => {
    assert.equal(settled(1000, alternating).update(0.5 + 10 * 0.5), 1);
  });

  it('scores nothing before 20 samples of moments, however far off the sample is', () => {
    const l = new Likelihood(1, 1000);
    l.update(0.5);
    for (let i = 0; i < 19; i++) l.update(i % 2);
    // The 20th moment sample (n = 21 = short + SETTLE) is still not scored.
    assert.equal(l.update(100), 0);
  });

  it('scores nothing while the learnt distribution has no spread (sd = 0)', () => {
    const l = settled(1000, Array.from({ length: 20 }, () => 0.3));
    assert.equal(l.update(0.9), 0);
  });

  it('averages the last `short` raw scores: short = 2 over 0,0,1,1,… gives means 0.5,1,0.5,0 (variance 0.125)', () => {
    const l = new Likelihood(2, 1000);
    const xs = [0, 0];
    for (let i = 2; i < 22; i++) xs.push(Math.floor(i / 2) % 2);
    for (const x of xs) assert.equal(l.update(x), 0);
    // The last two raw scores were 0, 0; a third of 2·(0.5 + 3·√0.125) makes the mean z = 3 off.
    close(l.update(2 * (0.5 + 3 * Math.sqrt(0.125))), scoreOf(Q['3']!), 'short = 2, z = 3');
  });

  it('is a plain average for `long` samples, then forgets with weight 1/long', () => {
    // long = 4: moments of 0,1,0,1 (mean 0.5, variance 0.25), then 16 samples at the mean: each
    // leaves the mean and scales the variance by 1 − 1/4, so sd = 0.5·(3/4)^8.
    const l = settled(4, [0, 1, 0, 1, ...Array.from({ length: 16 }, () => 0.5)]);
    const sd = 0.5 * 0.75 ** 8;
    close(l.update(0.5 + 3 * sd), scoreOf(Q['3']!), 'exponential phase, z = 3');
  });
});
