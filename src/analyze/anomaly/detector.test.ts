import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ContextNovelty } from './context.js';
import { createDetector } from './detector.js';

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
});
