import assert from 'node:assert/strict';
import { test } from 'node:test';
import { trendRuleSchema } from '../../config/rules/trend.js';
import { createTrendEvaluator } from './trend.js';

const subject = { metric: 'token_throughput', labels: {}, display: 'token_throughput', unit: ' tokens/s' };
const make = (spec: Record<string, unknown>) => createTrendEvaluator(trendRuleSchema.parse({ kind: 'trend', metric: 'token_throughput', better: 'higher', ...spec }), subject);

test('a steady fall past the threshold fires once the window is full, relative to the fitted start', () => {
  const ev = make({ window: 10 });
  const levels: number[] = [];
  for (let i = 0; i < 12; i++) levels.push(ev.update(i * 30_000, 200 - 5 * i));
  assert.deepEqual(levels, [0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2]);
  const x = ev.explain();
  // Window 2..11: fitted start 190, change -45 → 23.7 %.
  assert.equal(x.message, 'token_throughput fell 23.7 % over 4 min 30 s (fit R² 1)');
  assert.ok(Math.abs(x.value - -45 / 190) < 1e-12);
});

test('a fall never reads past 100 %, and a rise in the good direction does not fire', () => {
  const ev = make({ window: 5 });
  for (let i = 0; i < 5; i++) ev.update(i * 1000, 100 - 20 * i);
  assert.equal(ev.explain().message, 'token_throughput fell 80 % over 4 s (fit R² 1)');
  const up = make({ window: 5 });
  for (let i = 0; i < 5; i++) assert.equal(up.update(i * 1000, 100 + 20 * i), 0);
});

test('a fitted start at or below zero leaves the relative change undefined: quiet', () => {
  const ev = make({ window: 5, better: 'lower' });
  for (let i = 0; i < 6; i++) assert.equal(ev.update(i * 1000, -10 + 10 * i), 0, 'from 0 up: no relative change');
  assert.equal(ev.explain().message, 'token_throughput steady again');
});

test('noise around a level is not a trend (R² under min_r2); the recovery sentence names the change', () => {
  const ev = make({ window: 10 });
  const noisy = [115, 80, 125, 95, 110, 90, 120, 80, 100, 85];
  noisy.forEach((v, i) => assert.equal(ev.update(i * 1000, v), 0));
  assert.match(ev.explain().message, /^token_throughput steady again \(change −\d+(\.\d+)? % over 9 s\)$/);
});

test('window_seconds: only samples of the last N seconds count, and it waits for N seconds of data', () => {
  const ev = make({ window_seconds: 60, threshold: 0.1 });
  const levels: number[] = [];
  for (let i = 0; i <= 120; i++) levels.push(ev.update(i * 1000, i <= 60 ? 100 : 100 - (i - 60)));
  assert.equal(levels.slice(0, 60).every((l) => l === 0), true);
  assert.equal(levels[120], 2);
  assert.match(ev.explain().message, /^token_throughput fell 60 % over 1 min \(fit R² 1\)$/);
});

test('running sums stay exact over a long stream (recomputed from the ring)', () => {
  const ev = make({ window: 50, threshold: 0.01, min_r2: 0 });
  const t0 = 1.7e12;
  for (let i = 0; i < 100_000; i++) ev.update(t0 + i * 1000, 1000 + Math.sin(i) * 3);
  for (let i = 0; i < 50; i++) ev.update(t0 + (100_000 + i) * 1000, 1000 - i);
  const x = ev.explain();
  assert.ok(Math.abs(x.value - -49 / 1000) < 1e-6, `relative change ${x.value}`);
  assert.ok(Math.abs((x.detail!['r2'] as number) - 1) < 1e-9);
});
