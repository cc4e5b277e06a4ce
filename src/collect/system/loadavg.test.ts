import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLoadavg } from './loadavg.js';

void test('parseLoadavg reads the first three fields', () => {
  assert.deepEqual(parseLoadavg('1.50 0.75 0.25 3/200 1234\n'), { m1: 1.5, m5: 0.75, m15: 0.25 });
});

void test('parseLoadavg gives NaN for missing fields', () => {
  const l = parseLoadavg('2.00\n');
  assert.equal(l.m1, 2);
  assert.ok(Number.isNaN(l.m5) && Number.isNaN(l.m15));
});
