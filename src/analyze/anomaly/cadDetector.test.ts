import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Cad } from './cad.js';
import { createCadDetector } from './cadDetector.js';

/** A square-ish wave of period 24 between 10 and 50: a shape that repeats. */
const wave = (i: number): number => (i % 24 < 12 ? 10 + (i % 12) : 50 - (i % 12));

describe('CAD OSE detector', () => {
  it('stays below its rest threshold on a learnt shape and scores a new order of the same values', () => {
    const d = createCadDetector({ rest: 0 });
    const scores: number[] = [];
    for (let i = 0; i < 3000; i++) scores.push(d.score(i, wave(i)));
    assert.ok(Math.max(...scores.slice(1500)) < 0.5, 'a learnt shape raises no alarm');
    const odd: number[] = [];
    for (let i = 3000; i < 3012; i++) odd.push(d.score(i, wave(i * 7)));
    // Coarse levels (the padded range) blur the wave into two levels: the new order still stands out.
    assert.ok(Math.max(...odd) > 2 * Math.max(...scores.slice(1500)), `new shape scored ${Math.max(...odd)}`);
  });

  it('is causal, rests after a high score, and scores a spike beyond the learnt range', () => {
    const vals = Array.from({ length: 1500 }, (_, i) => wave(i) + (i === 1200 ? 500 : 0));
    const a = createCadDetector();
    const b = createCadDetector();
    const full = vals.map((v, i) => a.score(i, v));
    const prefix = vals.slice(0, 1250).map((v, i) => b.score(i, v));
    assert.deepEqual(prefix, full.slice(0, 1250));
    const hit = full.findIndex((s, i) => i >= 1200 && s >= 0.75);
    assert.ok(hit >= 1200 && hit <= 1202, `the spike scores (first high at ${hit})`);
    assert.ok(full.slice(hit + 1, hit + 60).every((s) => s === 0), 'the next 60 samples rest');
  });

  it('widens its range on a value beyond it, scores that value and learns the new level', () => {
    const d = createCadDetector();
    const scores = Array.from({ length: 4000 }, (_, i) => d.score(i, wave(i) + (i >= 1000 ? 400 : 0)));
    assert.ok(scores.slice(1000, 1003).some((s) => s >= 0.75), 'the jump scores');
    assert.ok(Math.max(...scores.slice(3000)) < 0.5, 'the new level is learnt');
  });

  it('never holds more contexts than its cap on endless novelty, and scores in [0, 1]', () => {
    const cad = new Cad({ maxLeft: 7, maxActive: 15, maxContexts: 500 });
    let s = 1 >>> 0;
    for (let i = 0; i < 20_000; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const b = s >>> 29;
      const x = cad.step([0 + (b & 1), 2 + ((b >> 1) & 1), 4 + ((b >> 2) & 1)]);
      assert.ok(x >= 0 && x <= 1);
      assert.ok(cad.contexts <= 500);
    }
    const d = createCadDetector({ warmup: 2 });
    for (const v of [Number.NaN, Infinity, -1e308, 1e308, 0, -0, 5]) {
      const x = d.score(0, v);
      assert.ok(x >= 0 && x <= 1, `score ${x} for ${v}`);
    }
  });

  it('keeps the range of its warmup samples, and sees a move inside one level on a shifted grid', () => {
    // Warmup spans 0..70: padded ×1 the range is −70..140 in levels of 30, edges at 20 and 50 on the
    // unshifted grid, at 30 and 60 on the grid shifted by 2/3 of a level. 25 → 35 stays inside one
    // unshifted level, so only a shifted grid sees it.
    const series = (i: number): number => (i < 300 ? (i * 7) % 71 : i < 1500 ? 25 : 35);
    const run = (shifts: number): number[] => {
      const d = createCadDetector({ warmup: 300, shifts, rest: 0 });
      return Array.from({ length: 1510 }, (_, i) => d.score(i, series(i)));
    };
    const one = run(1);
    const three = run(3);
    assert.equal(Math.max(...one.slice(1500)), 0, 'one grid: 35 is the level of 25, learnt and predicted');
    assert.ok(Math.max(...three.slice(1000, 1500)) < 0.5, 'the constant is learnt on every grid');
    assert.ok(Math.max(...three.slice(1500, 1503)) >= 0.5, `three grids: the move scores (${Math.max(...three.slice(1500, 1503))})`);
  });
});
