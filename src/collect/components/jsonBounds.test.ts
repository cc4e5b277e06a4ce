import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkJsonBounds } from './jsonBounds.js';

const b = { maxDepth: 5, maxObjectMembers: 4, maxValues: 20 };

test('bodies within the bounds pass, whatever their strings hold', () => {
  assert.equal(checkJsonBounds('{"a":[[1,2],{"b":3}],"c":"x"}', b), undefined);
  assert.equal(checkJsonBounds('{"s":"[[[[[[[[{{{{,,,,,,,,,,,,,,,,,,,,,,,,"}', b), undefined, 'brackets and commas inside a string do not count');
  assert.equal(checkJsonBounds('{"s":"a\\"[[[[[[[[[[\\\\","t":1}', b), undefined, 'escaped quotes do not end a string; an escaped backslash does');
  assert.equal(checkJsonBounds('not json at all [', b), undefined, 'malformed text is left to JSON.parse');
});

test('too deep, too many members or too many values: refused, naming the top-level field', () => {
  assert.deepEqual(checkJsonBounds('{"ok":1,"membrane_tree":[[[[[[[]]]]]]]}', b), {
    field: 'membrane_tree',
    limit: 'depth',
    found: 'JSON nested deeper than 5',
    expected: 'JSON nested at most 5 deep',
  });
  assert.equal(checkJsonBounds('[[[[[[[]]]]]]]', b)?.field, '(body)');
  assert.equal(checkJsonBounds('{"a":1,"b":2,"c":3,"d":4,"e":5}', b)?.limit, 'members');
  assert.equal(checkJsonBounds('{"a":[1,2,3,4,5,6,7,8]}', b), undefined, 'arrays are bounded by the value count only');
  const many = checkJsonBounds(`{"a":1,"h":[${new Array(30).fill(1).join(',')}]}`, b);
  assert.equal(many?.field, 'h');
  assert.equal(many?.limit, 'values');
  assert.equal(checkJsonBounds('{"x":"a","b":[[[[[[]]]]]]}', b)?.field, 'b', 'a string value is not taken for a key');
});

test('the scan stops at the first bound: a 500,000-deep body is refused after a few characters', () => {
  const deep = '{"a":' + '['.repeat(500_000) + ']'.repeat(500_000) + '}';
  assert.equal(checkJsonBounds(deep, b)?.field, 'a');
});
