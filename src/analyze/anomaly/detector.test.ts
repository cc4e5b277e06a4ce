import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ContextNovelty } from './context.js';
import { createDetector, DETECTOR_STATE_BYTES, type DetectorOptions } from './detector.js';

/** A square-ish wave of period 24 between 10 and 50: a shape that repeats. */
const wave = (i: number): number => (i % 24 < 12 ? 10 + (i % 12) : 50 - (i % 12));

describe('anomaly detector', () => {
  it('learns a repeating shape and stays quiet on it, then scores a new shape inside the same range', () => {
    const d = createDetector({ suppress: 0 });
    const scores: number[] = [];
    for (let i = 0; i < 3000; i++) scores.push(d.score(i, wave(i)));
    assert.ok(Math.max(...scores.slice(600)) < 0.2, 'a learnt shape is not an anomaly');
    // The same values in a new order: nothing out of range, only the context is new.
    const odd: number[] = [];
    for (let i = 3000; i < 3012; i++) odd.push(d.score(i, wave(i * 7)));
    assert.ok(Math.max(...odd) >= 0.2, `new shape scored ${Math.max(...odd)}`);
  });

  it('is causal: the scores of a prefix do not change when more samples follow', () => {
    const vals = Array.from({ length: 1500 }, (_, i) => wave(i) + (i === 1200 ? 500 : 0));
    const a = createDetector();
    const b = createDetector();
    const full = vals.map((v, i) => a.score(i, v));
    const prefix = vals.slice(0, 1250).map((v, i) => b.score(i, v));
    assert.deepEqual(prefix, full.slice(0, 1250));
    assert.ok(full.slice(1200, 1205).some((s) => s >= 0.5), 'the spike scores');
  });

  it('keeps a fixed memory on endless novelty and scores every sample in [0, 1]', () => {
    const c = new ContextNovelty({ bins: 8, pad: 0.1, orders: 3, capacity: 256 });
    for (let i = 0; i < 100; i++) c.learn(i % 10);
    c.fix();
    const bytes = c.bytes;
    let s = 1 >>> 0;
    for (let i = 0; i < 200_000; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const x = c.update((s / 2 ** 32) * 1e6);
      assert.ok(x >= 0 && x <= 1);
    }
    assert.equal(c.bytes, bytes);
    const d = createDetector();
    for (const v of [Number.NaN, Infinity, -1e308, 1e308, 0, -0]) {
      const x = d.score(0, v);
      assert.ok(x >= 0 && x <= 1, `score ${x} for ${v}`);
    }
  });

  it('states its default footprint: 2048 fingerprints and 3 orders of 4 bytes, 5 + 3 averaged scores and 40 numbers of 8', () => {
    assert.equal(DETECTOR_STATE_BYTES, 2048 * 4 + 3 * 4 + (5 + 3) * 8 + 40 * 8);
  });

  /** Noise in [100, 102) from a fixed LCG, with a spike of +1000 at sample 400 and −1000 at 451. */
  const noisy = (): number[] => {
    let s = 7;
    return Array.from({ length: 600 }, (_, i) => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return 100 + (s / 2 ** 32) * 2 + (i === 400 ? 1000 : i === 451 ? -1000 : 0);
    });
  };
  const run = (o: DetectorOptions, vals = noisy()): number[] => {
    const d = createDetector(o);
    return vals.map((v, i) => d.score(i, v));
  };

  it('scores nothing before `warmup` samples are in, a spike included', () => {
    const vals = noisy();
    vals[250] = 5000;
    const scores = run({ warmup: 300, suppress: 0 }, vals);
    assert.deepEqual(scores.slice(0, 300), new Array(300).fill(0));
    assert.ok(scores[400]! >= 0.2, `the spike after warm-up scores ${scores[400]}`);
  });

  it('after a score at or past `alarm`, the next `suppress` samples score 0, and only they', () => {
    for (const alarm of [0.2, 1]) {
      const free = run({ warmup: 100, suppress: 0, alarm });
      const damped = run({ warmup: 100, suppress: 50, alarm });
      assert.equal(free[400], 1, 'the spike scores 1');
      assert.ok(free[401]! > 0, 'and so does the sample after it, undamped');
      // The documented rule, applied to the undamped scores (damping changes no state).
      const want: number[] = [];
      let quiet = 0;
      for (const s of free) {
        if (quiet > 0) {
          quiet--;
          want.push(0);
          continue;
        }
        if (s >= alarm) quiet = 50;
        want.push(s);
      }
      assert.deepEqual(damped, want, `alarm ${alarm}`);
      assert.deepEqual(damped.slice(401, 451), new Array(50).fill(0));
      if (alarm === 1) assert.equal(damped[451], free[451], 'the 51st sample after the alarm scores again');
    }
  });

  it('skips a non-finite sample entirely: the scores around it are those of the stream without it', () => {
    const vals = noisy();
    const without = run({ warmup: 100 }, vals);
    const withNaN = run({ warmup: 100 }, [...vals.slice(0, 300), Number.NaN, Infinity, ...vals.slice(300)]);
    assert.equal(withNaN[300], 0);
    assert.equal(withNaN[301], 0);
    assert.deepEqual([...withNaN.slice(0, 300), ...withNaN.slice(302)], without);
    const early = run({ warmup: 100 }, [Number.NaN, ...vals]);
    assert.deepEqual(early.slice(1), without, 'a non-finite first sample does not seed the predictors');
  });
});
