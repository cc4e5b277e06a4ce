import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'valibot';
import { gauss, rng } from '../../../test/helpers/noise.js';
import { forecastRuleSchema } from '../../config/rules/forecast.js';
import type { Subject } from './evaluator.js';
import { createForecastEvaluator } from './forecast.js';

const T0 = 1_700_000_000_000;
const HOUR = 3_600_000;
const disk: Subject = { metric: 'disk_usage', labels: {}, display: 'disk_usage', unit: '%' };
const kv: Subject = { metric: 'kv_cache_usage', labels: { engine: 'vllm' }, display: 'kv_cache_usage{engine="vllm"}', unit: '%' };
const METHODS = ['linear', 'holt'] as const;


function spec(extra: Record<string, unknown>) {
  return parse(forecastRuleSchema, { kind: 'forecast', metric: 'disk_usage', ...extra });
}

describe('forecast evaluator', () => {
  for (const method of METHODS) {
    it(`${method}: a disk filling at 1.3 %/h fires once 90 % is under 6 h away, with time and rate`, () => {
      const ev = createForecastEvaluator(spec({ above: 90, horizon: 6 * 3600, window: 1800, method }), disk);
      const r = rng(1);
      let firstAt = -1;
      for (let i = 0; i <= 6 * 60; i++) {
        const t = T0 + i * 60_000;
        const v = 80 + (1.3 * i) / 60 + 0.01 * gauss(r);
        if (ev.update(t, v) !== 0 && firstAt < 0) firstAt = i;
      }
      // 90 % is 6 h away when usage reaches 90 − 6 × 1.3 = 82.2 %, i.e. at 100 min
      assert.ok(firstAt >= 95 && firstAt <= 105, `first fired at minute ${firstAt}`);
      const e = createForecastEvaluator(spec({ above: 90, horizon: 6 * 3600, window: 1800, method }), disk);
      for (let i = 0; i <= 161; i++) e.update(T0 + i * 60_000, 80 + (1.3 * i) / 60);
      const x = e.explain();
      // at minute 161 usage is 83.49 %: 6.51 % to go at 1.3 %/h = 5 h 0.6 min
      assert.equal(x.message, 'disk_usage 83.5 % → 90 % in 5 h 1 min at 1.3 %/h');
      assert.ok(Math.abs(x.value - 5.009 * 3600) < 30, `eta ${x.value}`);
      assert.equal(x.reference, 6 * 3600);
      assert.equal(x.detail!.method, method);
    });

    it(`${method}: a flat noisy series beside the level, or a receding one, never fires`, () => {
      for (let seed = 1; seed <= 4; seed++) {
        const r = rng(seed);
        const flat = createForecastEvaluator(spec({ above: 90, horizon: 6 * 3600, window: 1800, method }), disk);
        const receding = createForecastEvaluator(spec({ above: 90, horizon: 6 * 3600, window: 1800, method }), disk);
        for (let i = 0; i < 20_000; i++) {
          const t = T0 + i * 15_000;
          assert.equal(flat.update(t, 89 + 0.5 * gauss(r)), 0, `flat fired at sample ${i}, seed ${seed}`);
          assert.equal(receding.update(t, 89.9 - i * 0.002 + 0.05 * gauss(r)), 0, `receding fired at sample ${i}`);
        }
        assert.match(flat.explain().message, /^disk_usage no longer heading for 90 % \(\d+(\.\d+)? %, steady\)$/);
        assert.match(receding.explain().message, /^disk_usage no longer heading for 90 % \(\d+(\.\d+)? %, falling at [\d.]+ %\/d\)$/);
      }
    });

    it(`${method}: KV cache ramping towards saturation says so in minutes, and stops when it levels off`, () => {
      const ev = createForecastEvaluator(parse(forecastRuleSchema, { kind: 'forecast', metric: 'kv_cache_usage', above: 95, horizon: 600, window: 600, method }), kv);
      const r = rng(9);
      let t = T0;
      let v = 40;
      let fired = 0;
      // 5 s scrapes; the cache fills at 2.5 %/min from minute 10
      for (let i = 0; i < 360; i++) {
        t += 5000;
        v = i < 120 ? 40 : Math.min(85, 40 + ((i - 120) * 2.5) / 12);
        if (ev.update(t, v + 0.5 * gauss(r)) !== 0) fired++;
      }
      assert.ok(fired > 0, 'fired while ramping');
      // levelled off at 85 % for the whole window: the forecast no longer says so
      for (let i = 0; i < 240; i++) ev.update((t += 5000), 85 + 0.5 * gauss(r));
      assert.equal(ev.update((t += 5000), 85), 0);
      assert.match(ev.explain().message, /^kv_cache_usage\{engine="vllm"\} no longer heading for 95 % \(8\d(\.\d+)? %, steady\)$/);
    });
  }

  it('says "saturates" and the minutes left for a usage level of 95 % or more', () => {
    const ev = createForecastEvaluator(parse(forecastRuleSchema, { kind: 'forecast', metric: 'kv_cache_usage', above: 95, horizon: 600, window: 600, method: 'linear' }), kv);
    let t = T0;
    // 3 %/min, 5 s scrapes, ten minutes: 53 % → 83 %
    for (let i = 0; i <= 120; i++) ev.update((t = T0 + i * 5000), 53 + (3 * i) / 12);
    assert.equal(ev.update((t += 5000), 83.25), 2);
    assert.equal(ev.explain().message, 'kv_cache_usage{engine="vllm"} saturates (95 %) in 3 min 55 s (83.3 % now, rising at 3 %/min)');
  });

  it('already past the level and still heading on: crossing "now", the value 0', () => {
    const ev = createForecastEvaluator(spec({ above: 90, horizon: 3600, window: 1800, method: 'linear', severity: 'critical' }), disk);
    let level = 0;
    for (let i = 0; i <= 60; i++) level = ev.update(T0 + i * 60_000, 85 + i * 0.2);
    assert.equal(level, 3);
    const e = ev.explain();
    assert.equal(e.value, 0);
    assert.equal(e.message, 'disk_usage reaches 90 % now (97 %, rising at 12 %/h)');
  });

  it('falling to a `below` level: free memory running out', () => {
    const mem: Subject = { metric: 'memory_available_gb', labels: {}, display: 'memory_available_gb', unit: ' GB' };
    const ev = createForecastEvaluator(parse(forecastRuleSchema, { kind: 'forecast', metric: 'memory_available_gb', below: 2, horizon: 1800, window: 900, method: 'holt' }), mem);
    let level = 0;
    for (let i = 0; i <= 180; i++) level = ev.update(T0 + i * 10_000, 20 - i * 0.05);
    // 11 GB left, 18 GB an hour going: 2 GB in 30 min
    assert.equal(level, 2);
    assert.match(ev.explain().message, /^memory_available_gb 11 GB → 2 GB in 30 min at -18 GB\/h$/);
  });

  it('needs 10 points over a tenth of the window before it may fire', () => {
    const ev = createForecastEvaluator(spec({ above: 90, horizon: 86_400, window: 3600, method: 'linear' }), disk);
    const levels: number[] = [];
    // a steep, clean rise every 30 s: the tenth point comes at 4.5 min, 6 min is a tenth of the window
    for (let i = 0; i < 14; i++) levels.push(ev.update(T0 + i * 30_000, 50 + i));
    assert.deepEqual(levels.slice(0, 12), new Array(12).fill(0));
    assert.equal(levels[12], 2);
    const early = createForecastEvaluator(spec({ above: 90, horizon: 86_400, window: 3600 }), disk);
    early.update(T0, 50);
    assert.match(early.explain().message, /^disk_usage forecast needs more history \(1 points, 10 over 6 min wanted\)$/);
  });

  it('keeps a bounded ring under dense samples and still fits the slope', () => {
    const ev = createForecastEvaluator(spec({ above: 90, horizon: 600, window: 600, method: 'linear' }), disk);
    const r = rng(3);
    let t = T0;
    // 50 samples a second for 20 min: 60 000 samples, 0.6 %/min
    for (let i = 0; i < 60_000; i++) ev.update((t += 20), 50 + (0.6 * i) / 3000 + 0.3 * gauss(r));
    const d = ev.explain().detail!;
    assert.ok(Number(d.points) <= 1024, `points ${d.points}`);
    assert.ok(Number(d.points) > 900, `points ${d.points}`);
    assert.ok(Math.abs(Number(d.slope_per_s) * 60 - 0.6) < 0.02, `slope ${Number(d.slope_per_s) * 60} %/min`);
  });

  it('holt follows irregular sampling and a bend in the trend', () => {
    const ev = createForecastEvaluator(spec({ above: 95, horizon: 4 * 3600, window: 3600, method: 'holt' }), disk);
    const r = rng(4);
    let t = T0;
    const start = T0;
    const v = (x: number): number => {
      const h = (x - start) / HOUR;
      return h < 2 ? 50 + h : 52 + (h - 2) * 4;
    };
    while (t < start + 3 * HOUR) ev.update((t += 5000 + Math.floor(r() * 55_000)), v(t) + 0.05 * gauss(r));
    const d = ev.explain().detail!;
    // an hour after the bend, the slope is the new one (4 %/h), not the window's average
    assert.ok(Math.abs(Number(d.slope_per_s) * 3600 - 4) < 0.4, `holt slope ${Number(d.slope_per_s) * 3600} %/h`);
  });

  it('ignores non-finite values and samples that do not move time forward', () => {
    const ev = createForecastEvaluator(spec({ above: 90, horizon: 3600, window: 600, method: 'linear' }), disk);
    for (let i = 0; i < 30; i++) ev.update(T0 + i * 10_000, 80 + i * 0.1);
    const before = ev.explain();
    // 36 %/h from 83 %: 90 % in 12 min, so it fires, and goes on answering so
    assert.equal(ev.update(T0 + 400_000, NaN), 2);
    assert.equal(ev.update(T0 + 100_000, 5000), 2);
    assert.deepEqual(ev.explain(), before);
  });
});
