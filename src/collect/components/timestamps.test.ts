import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkWindow, readTimestamp } from './timestamps.js';

const NOW = 1_700_000_000_000;
const window = { minMs: NOW - 3000, maxMs: NOW + 6000 };

test('seconds and milliseconds are read; inside the window they are taken', () => {
  assert.deepEqual(readTimestamp(NOW / 1000, window), { ok: true, ms: NOW });
  assert.deepEqual(readTimestamp(NOW + 5000, window), { ok: true, ms: NOW + 5000 });
  assert.deepEqual(readTimestamp(NOW / 1000 - 2.5, window), { ok: true, ms: NOW - 2500 });
  assert.deepEqual(readTimestamp(12, undefined), { ok: true, ms: 12_000 }, 'without a window any positive time');
});

test('ahead of the window, behind it, microseconds, nanoseconds and non-numbers are refused with the range in ISO', () => {
  const ahead = readTimestamp(NOW / 1000 + 86_400, window);
  assert.equal(ahead.ok, false);
  assert.ok(!ahead.ok && ahead.reason === 'too_far_ahead');
  assert.match(!ahead.ok ? ahead.expected : '', /between 2023-11-14T22:13:17\.000Z and 2023-11-14T22:13:26\.000Z; 2023-11-15T22:13:20\.000Z is ahead/);
  const old = readTimestamp(NOW - 60_000, window);
  assert.ok(!old.ok && old.reason === 'too_old');
  const micros = readTimestamp(NOW * 1000, window);
  assert.ok(!micros.ok && micros.reason === 'bad_timestamp' && /microseconds/.test(micros.expected));
  const nanos = readTimestamp(NOW * 1e6, window);
  assert.ok(!nanos.ok && /nanoseconds/.test(nanos.expected));
  for (const bad of ['NaN', NaN, -5, 0, Infinity, null, '1700000000']) {
    const r = readTimestamp(bad, window);
    assert.ok(!r.ok && r.reason === 'bad_timestamp', String(bad));
  }
  assert.deepEqual(checkWindow(NOW, window), { ok: true, ms: NOW });
});
