import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizeResult } from './normalize.js';

const limits = { maxSamples: 100, maxLabels: 8 };

test('keys from a collector result named like Object.prototype members stay own data, never a prototype', () => {
  const before = Object.getOwnPropertyNames(Object.prototype).sort();
  const flat = normalizeResult('c', JSON.parse('{"__proto__": 1, "constructor": 2}'), 5, limits);
  assert.deepEqual(
    flat.samples.map((s) => [s.name, s.v]),
    [
      ['__proto__', 1],
      ['constructor', 2],
    ],
  );
  const listed = normalizeResult('c', JSON.parse('[{"name": "m", "value": 1, "labels": {"__proto__": "x"}}, {"name": "n", "value": 2, "labels": {"constructor": "y"}}]'), 5, limits);
  assert.equal(listed.rejected, 1, 'label names starting __ are refused');
  assert.match(listed.problems[0]!, /invalid label name "__proto__"/);
  assert.equal(listed.samples[0]!.labels['constructor'], 'y');
  assert.equal(Object.getPrototypeOf(listed.samples[0]!.labels), Object.prototype);
  assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), before);
  assert.equal(({} as Record<string, unknown>)['x'], undefined);
});
