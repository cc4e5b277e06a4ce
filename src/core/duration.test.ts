import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration, parseDuration, parseTime } from './duration.js';

test('durations in Prometheus syntax', () => {
  assert.equal(parseDuration('10m'), 600_000);
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('7d'), 604_800_000);
  assert.equal(parseDuration('250ms'), 250);
  for (const bad of ['', '10', 'm', '1m1h', '-5m', '1.5h', '10 m', '0s', '9'.repeat(50) + 's']) assert.equal(parseDuration(bad), undefined, bad);
  assert.equal(formatDuration(5_400_000), '1h30m');
  assert.equal(formatDuration(parseDuration('1w2d3h4m5s6ms')!), '1w2d3h4m5s6ms');
});

test('times as RFC 3339 or unix seconds', () => {
  assert.equal(parseTime('1700000000'), 1_700_000_000_000);
  assert.equal(parseTime('1700000000.25'), 1_700_000_000_250);
  assert.equal(parseTime('2023-11-14T22:13:20Z'), 1_700_000_000_000);
  assert.equal(parseTime('2023-11-14T23:13:20+01:00'), 1_700_000_000_000);
  for (const bad of ['yesterday', '2023-11-14', '2023-11-14 22:13:20', '-5', '1e9', '2023-13-40T99:99:99Z']) assert.equal(parseTime(bad), undefined, bad);
});
