import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CpuTicks, busyPercent, parseProcStat } from './procStat.js';

const row = (...v: number[]): Float64Array => Float64Array.from(v);

void test('busyPercent follows psutil: total excludes guest, busy excludes idle and iowait', () => {
  //                 user nice sys idle iowait irq softirq steal guest guest_nice
  const prev = row(100, 0, 100, 700, 100, 0, 0, 0, 0, 0);
  const cur = row(130, 0, 105, 750, 115, 0, 0, 0, 10, 0); // 10 guest ticks are inside user's 30
  // total = 30+5+50+15+10 − 10 = 100; busy = 100 − 50 − 15 = 35
  assert.equal(busyPercent(prev, cur), 35);
});

void test('busyPercent clamps fields that went backwards to 0 and counts steal as busy', () => {
  const prev = row(10, 0, 10, 100, 50, 0, 0, 0, 0, 0);
  const cur = row(20, 0, 10, 120, 40, 0, 0, 20, 0, 0); // iowait −10 → 0 (known kernel quirk)
  // total = 10 + 20 + 20 = 50; busy = 50 − 20 = 30 → 60 %
  assert.equal(busyPercent(prev, cur), 60);
});

void test('busyPercent is NaN when no tick elapsed (never a made-up 0)', () => {
  const r = row(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
  assert.ok(Number.isNaN(busyPercent(r, r)));
});

void test('parseProcStat reads the aggregate and per-cpu lines, fills missing fields with 0, stops before intr', () => {
  const t = parseProcStat(
    'cpu  1 2 3 4 5 6 7 8 9 10\ncpu0 1 2 3 4 5 6 7 8\ncpu3 10 20 30 40 50 60 70 80 90 100\nintr 99 99\ncpu9 1 1 1 1\n',
    new CpuTicks(),
  );
  assert.deepEqual([...t.all], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.equal(t.count, 2);
  assert.deepEqual(t.ids.slice(0, t.count), [0, 3]);
  assert.deepEqual([...t.cores[0]!], [1, 2, 3, 4, 5, 6, 7, 8, 0, 0]);
  assert.deepEqual([...t.cores[1]!], [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
});

void test('parseProcStat reuses its buffers and resets the count', () => {
  const t = new CpuTicks();
  parseProcStat('cpu  1 1 1 1 1 1 1 1 0 0\ncpu0 1 1 1 1 1 1 1 1 0 0\ncpu1 1 1 1 1 1 1 1 1 0 0\n', t);
  const first = t.cores[0];
  parseProcStat('cpu  2 2 2 2 2 2 2 2 0 0\ncpu0 2 2 2 2 2 2 2 2 0 0\n', t);
  assert.equal(t.count, 1);
  assert.equal(t.cores[0], first);
  assert.equal(t.cores[0]![0], 2);
});

void test('parseProcStat leaves the aggregate NaN when the cpu line is missing', () => {
  const t = parseProcStat('intr 1\n', new CpuTicks());
  assert.equal(t.count, 0);
  assert.ok(Number.isNaN(t.all[0]!));
});
