import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closest, levenshtein } from './closest.js';

test('levenshtein distance', () => {
  assert.equal(levenshtein('kitten', 'sitting'), 3);
  assert.equal(levenshtein('', 'abc'), 3);
  assert.equal(levenshtein('same', 'same'), 0);
});

test('closest suggests only plausible typos', () => {
  assert.equal(closest('cpu_usag', ['cpu_usage', 'memory_usage']), 'cpu_usage');
  assert.equal(closest('zzzzzz', ['cpu_usage', 'memory_usage']), undefined);
});
