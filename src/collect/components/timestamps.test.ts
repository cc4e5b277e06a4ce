import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkWindow, describeWindow, readTimestamp } from './timestamps.js';

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

test('the unit boundaries: below 1e11 seconds, from 1e11 milliseconds, from 1e14 microseconds, from 1e17 nanoseconds', () => {
  assert.deepEqual(readTimestamp(1e11 - 1, undefined), { ok: true, ms: (1e11 - 1) * 1000 });
  assert.deepEqual(readTimestamp(1e11, undefined), { ok: true, ms: 1e11 });
  assert.deepEqual(readTimestamp(1e14 - 1, undefined), { ok: true, ms: 1e14 - 1 });
  const micros = readTimestamp(1e14, undefined);
  assert.ok(!micros.ok && micros.reason === 'bad_timestamp' && /this looks like microseconds/.test(micros.expected));
  const stillMicros = readTimestamp(1e17 - 1000, undefined);
  assert.ok(!stillMicros.ok && /this looks like microseconds/.test(stillMicros.expected));
  const nanos = readTimestamp(1e17, undefined);
  assert.ok(!nanos.ok && /this looks like nanoseconds/.test(nanos.expected));
});

test('the window is inclusive at both ends, and is described in the refusal only when there is one', () => {
  assert.deepEqual(checkWindow(NOW + 6000, window), { ok: true, ms: NOW + 6000 });
  assert.deepEqual(checkWindow(NOW - 3000, window), { ok: true, ms: NOW - 3000 });
  const ahead = checkWindow(NOW + 6001, window);
  assert.ok(!ahead.ok && ahead.reason === 'too_far_ahead');
  const old = checkWindow(NOW - 3001, window);
  assert.ok(!old.ok && old.reason === 'too_old' && old.expected.includes(describeWindow(window)));
  assert.equal(describeWindow(window), 'between 2023-11-14T22:13:17.000Z and 2023-11-14T22:13:26.000Z');
  for (const raw of [-1, NOW * 1000, NOW * 1e6]) {
    const without = readTimestamp(raw, undefined);
    assert.ok(!without.ok && !without.expected.includes('between'), String(raw));
    const withWindow = readTimestamp(raw, window);
    assert.ok(!withWindow.ok && withWindow.expected.endsWith(describeWindow(window)), String(raw));
  }
  assert.deepEqual(readTimestamp('1', window).ok, false);
});
