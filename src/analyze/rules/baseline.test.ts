import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'valibot';
import { gauss, rng } from '../../../test/helpers/noise.js';
import { baselineRuleSchema } from '../../config/rules/baseline.js';
import { forecastRuleSchema } from '../../config/rules/forecast.js';
import { createBaselineEvaluator, describeBaseline } from './baseline.js';
import type { SeriesEvaluator, Subject } from './evaluator.js';
import { createForecastEvaluator } from './forecast.js';

const T0 = 1_700_000_000_000;
const ttft: Subject = { metric: 'ttft_ms_p95', labels: { engine: 'vllm' }, display: 'ttft_ms_p95{engine="vllm"}', unit: 'ms' };


function spec(extra: Record<string, unknown> = {}) {
  return parse(baselineRuleSchema, { kind: 'baseline', metric: 'ttft_ms_p95', ...extra });
}

/** A TTFT p95 around 780 ms with 4 % noise and, now and then, a lone spike (a long prompt). */
function healthy(ev: SeriesEvaluator, from: number, count: number, r: () => number, stepMs = 1000): { t: number; fired: number } {
  let t = from;
  let fired = 0;
  for (let i = 0; i < count; i++) {
    t += stepMs;
    const spike = r() < 0.02 ? 3 : 1;
    if (ev.update(t, 780 * spike * (1 + 0.04 * gauss(r))) !== 0) fired++;
  }
  return { t, fired };
}

describe('baseline evaluator', () => {
  it('stays quiet and says so while warming up, then reports what it learnt', () => {
    const ev = createBaselineEvaluator(spec({ warmup: 100 }), ttft);
    let t = T0;
    for (let i = 0; i < 99; i++) assert.equal(ev.update((t += 1000), i < 95 ? 780 : 5000), 0);
    assert.match(ev.explain().message, /^ttft_ms_p95\{engine="vllm"\} baseline warming up: 99 of 100 samples learnt$/);
    assert.equal(describeBaseline(ev)?.state, 'warming_up');
    ev.update((t += 1000), 780);
    const d = describeBaseline(ev)!;
    assert.equal(d.state, 'ready');
    assert.equal(d.learnt, 100);
    assert.ok(Math.abs(d.centre! - 780) < 40, `centre ${d.centre}`);
  });

  it('learns a robust centre and spread from a noisy series with spikes', () => {
    const ev = createBaselineEvaluator(spec(), ttft);
    const { fired } = healthy(ev, T0, 3600, rng(1));
    assert.equal(fired, 0, 'lone spikes never make 5 consecutive deviations');
    const d = describeBaseline(ev)!;
    assert.ok(Math.abs(d.centre! - 780) < 780 * 0.03, `centre ${d.centre}`);
    // noise σ is 4 % of 780 = 31 ms; the clipped spread must not be inflated by the 3× spikes
    assert.ok(d.spread! > 20 && d.spread! < 50, `spread ${d.spread}`);
  });

  it('fires after `samples` consecutive deviations with a sentence naming the ratio and the spreads', () => {
    const ev = createBaselineEvaluator(spec({ samples: 5 }), ttft);
    let { t } = healthy(ev, T0, 1200, rng(2));
    const levels = [2400, 2410, 2390, 2400, 2405].map((v) => ev.update((t += 1000), v));
    assert.deepEqual(levels, [0, 0, 0, 0, 2]);
    const e = ev.explain();
    assert.match(e.message, /^ttft_ms_p95\{engine="vllm"\} 2\.4 s is 3\.\d+× its baseline 7\d\d ms \(\d+(\.\d+)? spreads above\)$/);
    assert.equal(e.value, 2405);
    assert.ok(Math.abs(e.reference - 780) < 30);
    assert.ok(Number(e.detail!.spreads) > 4);
    // one healthy sample ends the run: the condition holds no more
    assert.equal(ev.update((t += 1000), 790), 0);
    assert.match(ev.explain().message, /^ttft_ms_p95\{engine="vllm"\} back to 790 ms \(baseline 7\d\d ms\)$/);
  });

  it('uses the rule severity and fires only in its direction', () => {
    const up = createBaselineEvaluator(spec({ direction: 'above', severity: 'critical', samples: 3 }), ttft);
    const down = createBaselineEvaluator(spec({ direction: 'below', samples: 3 }), ttft);
    let t = T0;
    const r = rng(3);
    for (let i = 0; i < 600; i++) {
      const v = 780 * (1 + 0.04 * gauss(r));
      up.update((t += 1000), v);
      down.update(t, v);
    }
    const t1 = t;
    for (let i = 0; i < 3; i++) {
      up.update((t += 1000), 300);
      down.update(t, 300);
    }
    assert.equal(up.update((t += 1000), 300), 0);
    assert.equal(down.update(t, 300), 2);
    assert.match(down.explain().message, /300 ms is 6\d(\.\d)? % below its baseline 7\d\d ms \(\d+(\.\d+)? spreads below\)$/);
    t = t1 + 60_000;
    for (let i = 0; i < 3; i++) up.update((t += 1000), 3000);
    assert.equal(up.update((t += 1000), 3000), 3);
  });

  it('a perfectly flat series does not fire on a tiny change, only past min_change', () => {
    const ev = createBaselineEvaluator(spec({ warmup: 50, samples: 3, min_change: 0.2 }), { ...ttft, unit: '' });
    let t = T0;
    for (let i = 0; i < 100; i++) ev.update((t += 1000), 100);
    for (let i = 0; i < 50; i++) assert.equal(ev.update((t += 1000), 100.5), 0);
    for (let i = 0; i < 50; i++) assert.equal(ev.update((t += 1000), 115), 0);
    const levels = [130, 130, 130].map((v) => ev.update((t += 1000), v));
    assert.equal(levels[2], 2);
  });

  it('is frozen while its series alerts, so a long degradation is not learnt as normal', () => {
    const frozen = createBaselineEvaluator(spec({ half_life: 600 }), ttft);
    const learning = createBaselineEvaluator(spec({ half_life: 600 }), ttft);
    let t = T0;
    const r = rng(4);
    for (let i = 0; i < 900; i++) {
      const v = 780 * (1 + 0.04 * gauss(r));
      frozen.update((t += 1000), v);
      learning.update(t, v);
    }
    const before = describeBaseline(frozen)!.centre!;
    frozen.setAlerting!(true);
    assert.equal(describeBaseline(frozen)!.state, 'frozen');
    // an hour (6 half-lives) at 1.5 s
    for (let i = 0; i < 3600; i++) {
      const v = 1500 * (1 + 0.04 * gauss(r));
      assert.equal(frozen.update((t += 1000), v), i >= 4 ? 2 : 0);
      learning.update(t, v);
    }
    assert.equal(describeBaseline(frozen)!.centre, before);
    assert.ok(describeBaseline(learning)!.centre! > 1200, 'without the freeze the clipped updates do learn a lasting change');
    frozen.setAlerting!(false);
    assert.equal(frozen.update((t += 1000), 810), 0);
    assert.match(frozen.explain().message, /back to 810 ms \(baseline 7\d\d ms\)$/);
    assert.equal(describeBaseline(frozen)!.state, 'ready');
  });

  it('adapts by time, not by sample count: irregular sampling moves half-way in one half-life', () => {
    const regular = createBaselineEvaluator(spec({ half_life: 600, warmup: 10 }), ttft);
    const irregular = createBaselineEvaluator(spec({ half_life: 600, warmup: 10 }), ttft);
    let t = T0;
    for (let i = 0; i < 3000; i++) regular.update((t += 1000), 1000 + (i % 2 ? 20 : -20));
    let u = T0;
    const r = rng(5);
    while (u < t) irregular.update((u += 1000 + Math.floor(r() * 19_000)), 1000 + (r() < 0.5 ? 20 : -20));
    // a small lasting shift (1.5 spreads: inside Huber's clip) for one half-life
    const end = t + 600_000;
    while (t < end) regular.update((t += 1000), 1030 + (t % 2000 ? 20 : -20));
    u = Math.max(u, end - 600_000);
    const end2 = u + 600_000;
    while (u < end2) irregular.update((u = Math.min(end2, u + 1000 + Math.floor(r() * 19_000))), 1030 + (r() < 0.5 ? 20 : -20));
    for (const ev of [regular, irregular]) {
      const moved = (describeBaseline(ev)!.centre! - 1000) / 30;
      assert.ok(moved > 0.3 && moved < 0.7, `moved ${moved} of the shift`);
    }
  });

  it('saves and restores its learnt state, and a long gap after a restart weighs little', () => {
    const a = createBaselineEvaluator(spec(), ttft);
    const { t } = healthy(a, T0, 900, rng(6));
    const saved = JSON.parse(JSON.stringify(a.save!())) as unknown;
    assert.ok(JSON.stringify(saved).length < 4096);
    const b = createBaselineEvaluator(spec(), ttft);
    assert.equal(b.restore!(saved), true);
    assert.deepEqual(describeBaseline(b), describeBaseline(a));
    // a day later the first sample is 20 % higher: one sample may not replace the baseline
    b.update(t + 86_400_000, 936);
    assert.ok(describeBaseline(b)!.centre! < 800, `centre ${describeBaseline(b)!.centre}`);
    // seed samples gathered before the warm-up's median are kept too
    const c = createBaselineEvaluator(spec(), ttft);
    for (let i = 1; i <= 7; i++) c.update(T0 + i * 1000, 700 + i);
    const d = createBaselineEvaluator(spec(), ttft);
    assert.equal(d.restore!(c.save!()), true);
    assert.equal(describeBaseline(d)!.learnt, 7);
  });

  it('refuses hostile saved state and keeps what it had', () => {
    const ev = createBaselineEvaluator(spec(), ttft);
    healthy(ev, T0, 400, rng(7));
    const before = describeBaseline(ev);
    const good = { v: 1, centre: 780, spread: 30, learnt: 400, t: T0 };
    const sparse: unknown[] = [];
    sparse[3] = 1;
    const bad: unknown[] = [
      null,
      42,
      'x',
      [],
      {},
      { ...good, v: 2 },
      { ...good, centre: NaN },
      { ...good, centre: 1e300 },
      { ...good, centre: '780' },
      { ...good, spread: -1 },
      { ...good, spread: Infinity },
      { ...good, learnt: 1.5 },
      { ...good, learnt: 0 },
      { ...good, learnt: 1e20 },
      { ...good, t: 'yesterday' },
      { ...good, t: -5 },
      { v: 1, seed: new Array(33).fill(1), t: null },
      { v: 1, seed: [1, 2, 'three'], t: null },
      { v: 1, seed: sparse, t: null },
      { v: 1, seed: { length: 2 }, t: null },
    ];
    for (const s of bad) {
      assert.equal(ev.restore!(s), false, JSON.stringify(s));
      assert.deepEqual(describeBaseline(ev), before);
    }
    assert.equal(ev.restore!(good), true);
    assert.equal(describeBaseline(ev)!.centre, 780);
  });

  it('ignores non-finite values and samples that do not move time forward', () => {
    const ev = createBaselineEvaluator(spec({ warmup: 10, samples: 1 }), ttft);
    let t = T0;
    for (let i = 0; i < 40; i++) ev.update((t += 1000), 100 + (i % 3));
    const before = describeBaseline(ev);
    assert.equal(ev.update((t += 1000), NaN), 0);
    assert.equal(ev.update(t - 5000, 1e9), 0);
    assert.equal(ev.update((t += 1000), Infinity), 0);
    assert.deepEqual(describeBaseline(ev), before);
    assert.equal(ev.update((t += 1000), 500), 2);
    assert.equal(ev.update(t, 100), 2, 'a repeated timestamp keeps the last answer');
  });

  it('describeBaseline says nothing about other evaluators', () => {
    const f = createForecastEvaluator(parse(forecastRuleSchema, { kind: 'forecast', metric: 'disk_usage', above: 90, horizon: 3600 }), ttft);
    assert.equal(describeBaseline(f), undefined);
  });
});
