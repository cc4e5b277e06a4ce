import assert from 'node:assert/strict';
import { test } from 'node:test';
import { a000081, a000081Compliance, countsPerLevel } from './a000081.js';

test('A000081 is computed: the published first terms and a large one', () => {
  const first = Array.from({ length: 12 }, (_, i) => Number(a000081(i)));
  assert.deepEqual(first, [0, 1, 1, 2, 4, 9, 20, 48, 115, 286, 719, 1842]);
  // OEIS A000081, n = 30 (b-file): 354426847597
  assert.equal(a000081(30), 354426847597n);
  assert.throws(() => a000081(-1), RangeError);
});

test('a correct hierarchy is fully compliant; a wrong level lowers the fraction', () => {
  assert.deepEqual(a000081Compliance([1, 1, 2, 4, 9]), { compliance: 1, levels: 5, mismatches: [] });
  const r = a000081Compliance([1, 1, 2, 5, 9]);
  assert.equal(r.compliance, 0.8);
  assert.deepEqual(r.mismatches, [{ level: 3, got: 5, expected: '4' }]);
});

test('counts per level of a tree given as nested arrays or {children}', () => {
  const tree = { children: [{ children: [{}, { children: [] }] }] };
  assert.deepEqual(countsPerLevel(tree), [1, 1, 2]);
  assert.deepEqual(countsPerLevel([[[], []]]), [1, 1, 2]);
});
