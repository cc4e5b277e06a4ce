import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { humanDuration, num, pct } from './humanize.js';

describe('humanize', () => {
  it('numbers: three significant digits, integers as they are, tiny and huge in exponent form', () => {
    assert.equal(num(99.50000001), '99.5');
    assert.equal(num(62), '62');
    assert.equal(num(0.012345), '0.0123');
    assert.equal(num(1234.5), '1230');
    assert.equal(num(12_345_678.9), '1.23e+7');
    assert.equal(num(0.00001234), '1.23e-5');
    assert.equal(num(-3.14159), '-3.14');
    assert.equal(num(NaN), 'NaN');
    assert.equal(pct(0.2234), '22.3 %');
  });
  it('durations: the two largest units', () => {
    assert.equal(humanDuration(192_000), '3 min 12 s');
    assert.equal(humanDuration(850), '850 ms');
    assert.equal(humanDuration(3_600_000 * 2 + 5 * 60_000), '2 h 5 min');
    assert.equal(humanDuration(59_999), '1 min');
    assert.equal(humanDuration(86_400_000 * 4 + 3_600_000 * 3), '4 d 3 h');
    assert.equal(humanDuration(45_000), '45 s');
    assert.equal(humanDuration(Infinity), 'forever');
  });
});
