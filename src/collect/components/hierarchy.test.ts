import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expandHierarchy } from './hierarchy.js';
import { parseComponentPayload } from './payload.js';

test('only a DTESN object is expanded; anything else is returned as it is, with no problems and no mismatches', () => {
  for (const [component, result] of [
    ['c', { membrane_hierarchy: [1, 1] }],
    ['dtesn', null],
    ['dtesn', 5],
    ['dtesn', [1, 2]],
    ['dtesn', { m: 1 }],
  ] as const) {
    const e = expandHierarchy(component, result);
    assert.deepEqual(e, { result, problems: [], mismatches: [] }, `${component} ${JSON.stringify(result)}`);
  }
});

test('membrane_hierarchy becomes compliance, levels and count beside the other metrics; an explicit membrane_level is kept', () => {
  const e = expandHierarchy('dtesn', { membrane_hierarchy: [1, 1, 2, 0], other: 7 });
  assert.deepEqual(e.problems, []);
  const r = e.result as Record<string, unknown>;
  assert.deepEqual(Object.keys(r).sort(), ['a000081_compliance', 'membrane_count', 'membrane_level', 'other']);
  assert.equal(r['other'], 7);
  assert.equal(r['membrane_count'], 4, 'the membranes summed over the levels');
  assert.equal(r['membrane_level'], 4);
  assert.equal((expandHierarchy('dtesn', { membrane_hierarchy: [1, 1, 2], membrane_level: 9 }).result as Record<string, unknown>)['membrane_level'], 9);
  assert.equal((expandHierarchy('dtesn', { membrane_hierarchy: [1, 1, 2] }).result as Record<string, unknown>)['a000081_compliance'], 1);
  assert.deepEqual(expandHierarchy('dtesn', { membrane_hierarchy: [1, 1, 2] }).mismatches, []);
  assert.ok(expandHierarchy('dtesn', { membrane_hierarchy: [1, 1, 3] }).mismatches.length > 0);
});

test('membrane_tree becomes the same numbers; a tree that is not an object is named; with both, the hierarchy wins', () => {
  const e = expandHierarchy('dtesn', { membrane_tree: [[], [[]]] });
  assert.deepEqual(e.problems, []);
  const r = e.result as Record<string, unknown>;
  assert.deepEqual(Object.keys(r).sort(), ['a000081_compliance', 'membrane_count', 'membrane_level']);
  assert.equal(r['membrane_count'], 4);
  assert.equal(r['membrane_level'], 3);
  for (const t of [null, 5, 'x']) {
    const bad = expandHierarchy('dtesn', { membrane_tree: t, m: 1 });
    assert.deepEqual(
      bad.problems.map((p) => p.field),
      ['membrane_tree'],
      String(t),
    );
    assert.match(bad.problems[0]!.expected, /: got /);
    assert.deepEqual(bad.result, { m: 1 }, 'no numbers come from a refused tree');
  }
  const both = expandHierarchy('dtesn', { membrane_hierarchy: [1, 1, 2], membrane_tree: [] });
  assert.equal((both.result as Record<string, unknown>)['membrane_count'], 4);
});

test('a valid hierarchy beside a refused tree yields no numbers: one problem is enough to take nothing', () => {
  const e = expandHierarchy('dtesn', { membrane_hierarchy: [1, 1, 2], membrane_tree: 5 });
  assert.equal(e.problems.length, 1);
  assert.deepEqual(e.result, {});
  const badHierarchy = expandHierarchy('dtesn', { membrane_hierarchy: [1, -1], m: 1 });
  assert.deepEqual(badHierarchy.result, { m: 1 });
});

test('a membrane_level the body sends is kept as sent, even null, so that it is checked like any metric and not replaced by the derived one', () => {
  const e = expandHierarchy('dtesn', { membrane_hierarchy: [1, 1, 2], membrane_level: null });
  assert.equal((e.result as Record<string, unknown>)['membrane_level'], null);
  const r = parseComponentPayload('dtesn', '{"membrane_hierarchy": [1, 1, 2], "membrane_level": null}', 'application/json', 0, { maxSamples: 10 });
  assert.deepEqual(!r.ok && r.errors, [{ field: 'membrane_level', value: null, expected: 'a finite number' }]);
});
