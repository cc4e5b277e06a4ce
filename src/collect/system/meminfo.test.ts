import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Sample } from '../../core/types.js';
import { availableBytes, emitMemory, parseMeminfo } from './meminfo.js';

const KB = 1024;

function emitted(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  emitMemory(parseMeminfo(text), (name, v) => {
    if (Number.isFinite(v)) out[name] = v;
  });
  return out;
}

void test('parseMeminfo reads kB fields as bytes and does not confuse Cached with SwapCached', () => {
  const m = parseMeminfo(
    'MemTotal:        8000000 kB\nMemFree:         1000000 kB\nMemAvailable:    6000000 kB\nBuffers:           10000 kB\nSwapCached:          123 kB\nCached:           500000 kB\nSwapTotal:          1000 kB\nSwapFree:            250 kB\nHugePages_Total:       0\n',
  );
  assert.equal(m.total, 8000000 * KB);
  assert.equal(m.free, 1000000 * KB);
  assert.equal(m.available, 6000000 * KB);
  assert.equal(m.buffers, 10000 * KB);
  assert.equal(m.cached, 500000 * KB);
  assert.equal(m.swapTotal, 1000 * KB);
  assert.equal(m.swapFree, 250 * KB);
});

void test('memory figures follow psutil virtual_memory(): (total − available) / total', () => {
  const e = emitted('MemTotal: 8000000 kB\nMemFree: 1000000 kB\nMemAvailable: 6000000 kB\nSwapTotal: 1000 kB\nSwapFree: 250 kB\n');
  assert.deepEqual(e, {
    memory_total_bytes: 8000000 * KB,
    memory_available_bytes: 6000000 * KB,
    memory_used_bytes: 2000000 * KB,
    memory_usage: 25,
    swap_usage: 75,
  });
});

void test('without MemAvailable (Linux < 3.14) available is estimated as MemFree + Buffers + Cached; no swap → no swap_usage', () => {
  const e = emitted('MemTotal: 1000 kB\nMemFree: 200 kB\nBuffers: 100 kB\nCached: 300 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n');
  assert.equal(e.memory_available_bytes, 600 * KB);
  assert.equal(e.memory_usage, 40);
  assert.equal('swap_usage' in e, false);
});

void test('MemAvailable 0 (kernel bug, psutil gh-1915) also uses the estimate', () => {
  const m = parseMeminfo('MemTotal: 1000 kB\nMemFree: 200 kB\nMemAvailable: 0 kB\nBuffers: 100 kB\nCached: 300 kB\n');
  assert.equal(availableBytes(m), 600 * KB);
});

void test('available above total (LXC) falls back to MemFree', () => {
  const m = parseMeminfo('MemTotal: 1000 kB\nMemFree: 200 kB\nMemAvailable: 2000 kB\n');
  assert.equal(availableBytes(m), 200 * KB);
});

void test('no MemTotal → no memory samples at all', () => {
  const out: Sample[] = [];
  emitMemory(parseMeminfo('MemFree: 1 kB\n'), (name, v) => out.push({ name, labels: {}, t: 0, v }));
  assert.deepEqual(out, []);
});
