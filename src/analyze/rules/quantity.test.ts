import assert from 'node:assert/strict';
import { test } from 'node:test';
import { quantity, rate } from './quantity.js';

test('quantity: a value with its unit as a sentence says it; milliseconds from a second on in seconds', () => {
  assert.equal(quantity(86, '%'), '86 %');
  assert.equal(quantity(86.456, '%'), '86.5 %');
  assert.equal(quantity(780, 'ms'), '780 ms');
  assert.equal(quantity(999.4, 'ms'), '999 ms');
  assert.equal(quantity(1000, 'ms'), '1 s', 'exactly a second');
  assert.equal(quantity(2400, 'ms'), '2.4 s');
  assert.equal(quantity(-1500, 'ms'), '-1.5 s', 'a fall of a second and a half');
  assert.equal(quantity(512, ' tokens/s'), '512 tokens/s', 'a unit with its own space');
  assert.equal(quantity(7, ''), '7', 'no unit');
  assert.equal(quantity(3.5, 'GiB'), '3.5 GiB');
  assert.equal(quantity(1000, 'MiB'), '1000 MiB', 'only milliseconds turn into seconds');
});

test('rate: a slope per second said per second, minute, hour or day, the first period over which it reaches 1', () => {
  assert.equal(rate(2, '%'), '2 %/s');
  assert.equal(rate(1, 'ms'), '1 ms/s', 'exactly 1 per second stays per second');
  assert.equal(rate(0.5, 'ms'), '30 ms/min');
  assert.equal(rate(1 / 60, '%'), '1 %/min', 'exactly 1 per minute');
  assert.equal(rate(0.01, '%'), '36 %/h');
  assert.equal(rate(1 / 3600, '%'), '1 %/h', 'exactly 1 per hour');
  assert.equal(rate(1e-5, ' tokens/s'), '0.864 tokens/s/d', 'under 1 per hour: per day');
  assert.equal(rate(1e-9, ''), '8.64e-5/d', 'below 1 a day it stays per day');
  assert.equal(rate(-0.01, '%'), '-36 %/h', 'a fall, by its size');
  assert.equal(rate(0, 'GiB'), '0 GiB/d', 'flat: per day');
  assert.equal(rate(3, 'GiB'), '3 GiB/s');
  assert.equal(rate(0.25, ''), '15/min', 'no unit');
});
