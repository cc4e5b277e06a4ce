import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'valibot';
import { trendRuleSchema } from '../../config/rules/trend.js';
import { createTrendEvaluator } from './trend.js';

const subject = { metric: 'token_throughput', labels: {}, display: 'token_throughput', unit: ' tokens/s' };
const make = (spec: Record<string, unknown>) => createTrendEvaluator(parse(trendRuleSchema, { kind: 'trend', metric: 'token_throughput', better: 'higher', ...spec }), subject);

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
  // Sums kept over 100,000 s of timestamps without the periodic recompute drift by ~2e-10 in the
  // slope; recomputed from the oldest sample they hold the exact line's slope of −1/s and start.
  assert.ok(Math.abs((x.detail!['slopePerSecond'] as number) + 1) < 1e-12, `slope ${x.detail!['slopePerSecond']}`);
  assert.ok(Math.abs((x.detail!['start'] as number) - 1000) < 1e-9, `start ${x.detail!['start']}`);
});

test('before any sample: no fit, a quiet explanation', () => {
  const x = make({ window: 5 }).explain();
  assert.equal(x.message, 'token_throughput steady again');
  assert.ok(Number.isNaN(x.value));
  assert.deepEqual(x.detail, { r2: 0, slopePerSecond: 0, start: NaN, samples: 0 });
});

test('better: lower fires on a rise and says it rose; a rise under the threshold reads as +', () => {
  const ev = make({ window: 5, better: 'lower' });
  const levels = [100, 110, 120, 130, 140].map((v, i) => ev.update(i * 1000, v));
  assert.deepEqual(levels, [0, 0, 0, 0, 2]);
  assert.equal(ev.explain().message, 'token_throughput rose 40 % over 4 s (fit R² 1)');
  const small = make({ window: 5, better: 'lower' });
  [100, 101, 102, 103, 104].forEach((v, i) => assert.equal(small.update(i * 1000, v), 0));
  assert.equal(small.explain().message, 'token_throughput steady again (change +4 % over 4 s)');
});

test('a non-finite sample is skipped: it keeps the state and does not enter the fit', () => {
  const ev = make({ window: 3 });
  assert.equal(ev.update(0, 100), 0);
  assert.equal(ev.update(1000, 90), 0);
  assert.equal(ev.update(1500, Number.NaN), 0);
  assert.equal(ev.update(2000, 80), 2);
  assert.equal(ev.update(2500, Infinity), 2);
  assert.deepEqual(ev.explain().detail, { r2: 1, slopePerSecond: -10, start: 100, samples: 3 });
});

test('the change must exceed the threshold and R² reach min_r2: both boundaries, exactly', () => {
  // x = 0, 1, 2 s; v = 100, 90, 80: integer sums, so b = −10, start 100, rel = −0.2 and R² = 1 exactly.
  const run = (spec: Record<string, unknown>): number => {
    const ev = make({ window: 3, ...spec });
    return [100, 90, 80].map((v, i) => ev.update(i * 1000, v))[2]!;
  };
  assert.equal(run({ threshold: 0.2 }), 0, 'a change equal to the threshold does not exceed it');
  assert.equal(run({ threshold: 0.19 }), 2);
  assert.equal(run({ threshold: 0.15, min_r2: 1 }), 2, 'R² equal to min_r2 is enough');
});

test('a flat window fits R² 1 (no variance to explain); equal timestamps give no line', () => {
  const flat = make({ window: 3 });
  [50, 50, 50].forEach((v, i) => assert.equal(flat.update(i * 1000, v), 0));
  assert.deepEqual(flat.explain().detail, { r2: 1, slopePerSecond: 0, start: 50, samples: 3 });
  assert.equal(flat.explain().value, 0);
  assert.equal(flat.explain().message, 'token_throughput steady again (change +0 % over 2 s)');
  const same = make({ window: 3 });
  [100, 50, 10].forEach((v) => assert.equal(same.update(5000, v), 0));
  const x = same.explain();
  assert.ok(Number.isNaN(x.value));
  assert.equal(x.detail!['slopePerSecond'], 0);
  assert.equal(x.detail!['r2'], 0);
});

test('a fitted start under a thousandth of the window RMS is too close to zero: quiet', () => {
  // Exact lines s, s + 100, s + 200 (better: lower, so the rise is bad): RMS ≈ 129.1, so the cut is ≈ 0.129.
  const run = (s: number): number => {
    const ev = make({ window: 3, better: 'lower' });
    return [s, s + 100, s + 200].map((v, i) => ev.update(i * 1000, v))[2]!;
  };
  assert.equal(run(0.01), 0);
  assert.equal(run(0.12), 0);
  assert.equal(run(0.14), 2);
  assert.equal(run(0.2), 2);
});

test('window_seconds: full once N seconds have passed since the first sample and 3 samples are in', () => {
  const t0 = 1_000_000;
  const ev = make({ window_seconds: 60 });
  assert.equal(ev.update(t0, 100), 0);
  assert.equal(ev.update(t0 + 30_000, 90), 0);
  assert.equal(ev.update(t0 + 59_999, 80), 0, 'not yet 60 s of data');
  assert.equal(ev.update(t0 + 60_000, 70), 2, '60 s of data');
  const three = make({ window_seconds: 60 });
  [100, 90, 80].forEach((v, i) => three.update(t0 + i * 30_000, v));
  assert.equal(three.explain().detail!['samples'], 3);
  assert.match(three.explain().message, /^token_throughput fell 20 % over 1 min/);
  const two = make({ window_seconds: 60 });
  assert.equal(two.update(t0, 100), 0);
  assert.equal(two.update(t0 + 60_000, 50), 0, 'two samples are no fit');
  assert.equal(two.explain().detail!['samples'], 0, 'not even attempted');
});

test('window_seconds: a gap longer than the window empties it, and the fit starts again', () => {
  const ev = make({ window_seconds: 10 });
  for (let i = 0; i < 11; i++) ev.update(i * 1000, 100);
  for (let i = 0; i <= 10; i++) ev.update(100_000 + i * 1000, 200 - 5 * i);
  const x = ev.explain();
  assert.deepEqual(x.detail, { r2: 1, slopePerSecond: -5, start: 200, samples: 11 });
  assert.equal(x.message, 'token_throughput fell 25 % over 10 s (fit R² 1)');
});

test('window_seconds: the ring grows past 64 samples keeping the order, even when it has wrapped', () => {
  // 1 sample/s for 20 s (the 10 s window slides, the ring's head moves), then 20 samples/s: the
  // window holds 201 samples, so the ring doubles from 64 to 128 and 256 with its head not at 0.
  const ev = make({ window_seconds: 10, min_r2: 0.9 });
  for (let i = 0; i < 20; i++) ev.update(i * 1000, 1000);
  const t1 = 20_000;
  for (let k = 0; k <= 200; k++) ev.update(t1 + k * 50, 1000 - k);
  const x = ev.explain();
  assert.equal(x.detail!['samples'], 201);
  assert.equal(x.message, 'token_throughput fell 20 % over 10 s (fit R² 1)');
  assert.ok(Math.abs((x.detail!['slopePerSecond'] as number) + 20) < 1e-9);
  assert.ok(Math.abs((x.detail!['start'] as number) - 1000) < 1e-9);
});

test(`window_seconds: at most 100,000 samples are kept; past that the oldest leave early`, () => {
  const ev = make({ window_seconds: 1000, min_r2: 0 });
  // One sample every 10 ms for 1000.5 s: 100,051 samples in the window's time, 100,000 in the ring.
  for (let i = 0; i <= 100_050; i++) ev.update(i * 10, 1000 - i / 1000);
  const x = ev.explain();
  assert.equal(x.detail!['samples'], 100_000);
  // The ring's oldest is sample 51: the fit starts at 1000 − 0.051, falls 99.999 over 999.99 s.
  assert.ok(Math.abs(x.value - -99.999 / 999.949) < 1e-9, `relative change ${x.value}`);
});

test('window_seconds: growing the ring drops no sample', () => {
  // 10 samples/s for 10 s: 101 samples, all inside the 10 s window; the ring doubles at 64.
  const ev = make({ window_seconds: 10, min_r2: 0.9, threshold: 0.05 });
  for (let k = 0; k <= 100; k++) ev.update(k * 100, 1000 - k);
  const x = ev.explain();
  assert.equal(x.detail!['samples'], 101);
  assert.equal(x.message, 'token_throughput fell 10 % over 10 s (fit R² 1)');
});
