import assert from 'node:assert/strict';
import { test } from 'node:test';
import { a000081, a000081Compliance, countsPerLevel, levelTerms, MAX_HIERARCHY_LEVELS, MAX_TREE_NODES } from './a000081.js';

test('A000081 is computed: the published first terms and a large one', () => {
  const first = Array.from({ length: 12 }, (_, i) => Number(a000081(i)));
  assert.deepEqual(first, [0, 1, 1, 2, 4, 9, 20, 48, 115, 286, 719, 1842]);
  // OEIS A000081, n = 30 (b-file): 354426847597
  assert.equal(a000081(30), 354426847597n);
  assert.throws(() => a000081(-1), RangeError);
});

test('the level table holds a(1..39) as exact doubles; a(40) would not be one', () => {
  const t = levelTerms();
  assert.equal(t.length, MAX_HIERARCHY_LEVELS);
  assert.equal(t[0], 1);
  // OEIS A000081 b-file: a(39) = 4113254119923150, a(40) = 11703780079612453
  assert.equal(t[38], 4113254119923150);
  t.forEach((v, i) => assert.equal(BigInt(v), a000081(i + 1), `level ${i}`));
  assert.ok(a000081(40) > BigInt(Number.MAX_SAFE_INTEGER), 'why the cap is 39');
  assert.equal(levelTerms(), t, 'computed once');
});

test('a correct hierarchy is fully compliant; a wrong level lowers the fraction', () => {
  assert.deepEqual(a000081Compliance([1, 1, 2, 4, 9]), { compliance: 1, levels: 5, mismatches: [] });
  const r = a000081Compliance([1, 1, 2, 5, 9]);
  assert.equal(r.compliance, 0.8);
  assert.deepEqual(r.mismatches, [{ level: 3, got: 5, expected: '4' }]);
  assert.equal(a000081Compliance(levelTerms()).compliance, 1, 'all 39 levels compare exactly');
  assert.throws(() => a000081Compliance(new Array<number>(MAX_HIERARCHY_LEVELS + 1).fill(1)), RangeError);
});

test('counts per level of a tree given as nested arrays or {children}', () => {
  const tree = { children: [{ children: [{}, { children: [] }] }] };
  assert.deepEqual(countsPerLevel(tree), [1, 1, 2]);
  assert.deepEqual(countsPerLevel([[[], []]]), [1, 1, 2]);
});

test('a tree deeper than the level cap or larger than the node budget is refused without walking it all', () => {
  let deep: unknown[] = [];
  for (let i = 0; i < 10_000; i++) deep = [deep];
  assert.throws(() => countsPerLevel(deep), { name: 'RangeError', message: /deeper than 39 levels/ });
  let ok: unknown[] = [];
  for (let i = 1; i < MAX_HIERARCHY_LEVELS; i++) ok = [ok];
  assert.equal(countsPerLevel(ok).length, MAX_HIERARCHY_LEVELS);
  const wide = Array.from({ length: MAX_TREE_NODES }, () => []);
  assert.throws(() => countsPerLevel(wide), { name: 'RangeError', message: /more than 10000 nodes/ });
  assert.equal(countsPerLevel(wide.slice(1)).length, 2, 'exactly the budget is fine');
});

test('tree nodes: children must be an own array; anything else is a TypeError', () => {
  assert.throws(() => countsPerLevel({ children: 3 }), TypeError);
  assert.throws(() => countsPerLevel([1]), TypeError);
  const inherited = Object.create({ children: [[], []] }) as object;
  assert.deepEqual(countsPerLevel(inherited), [1], 'an inherited children property is not the input');
});
