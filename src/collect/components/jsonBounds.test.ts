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

test('each bound is inclusive: exactly the limit passes, one past it is refused naming the limit', () => {
  const d = { maxDepth: 5, maxObjectMembers: 100, maxValues: 100 };
  assert.equal(checkJsonBounds('[[[[[]]]]]', d), undefined, '5 deep');
  assert.deepEqual(checkJsonBounds('[[[[[[]]]]]]', d), { field: '(body)', limit: 'depth', found: 'JSON nested deeper than 5', expected: 'JSON nested at most 5 deep' });
  const v = { maxDepth: 10, maxObjectMembers: 100, maxValues: 3 };
  assert.equal(checkJsonBounds('[[[]]]', v), undefined, 'three openers are three values');
  assert.deepEqual(checkJsonBounds('[[[[]]]]', v), { field: '(body)', limit: 'values', found: 'more than 3 JSON values', expected: 'at most 3 JSON values in a body' });
  const c = { maxDepth: 10, maxObjectMembers: 100, maxValues: 20 };
  assert.equal(checkJsonBounds(`[${new Array(19).fill(0).join(',')}]`, c), undefined, 'an opener and 18 separators');
  assert.equal(checkJsonBounds(`[${new Array(20).fill(0).join(',')}]`, c), undefined, 'an opener and 19 separators: 20 values');
  assert.deepEqual(checkJsonBounds(`[${new Array(21).fill(0).join(',')}]`, c), { field: '(body)', limit: 'values', found: 'more than 20 JSON values', expected: 'at most 20 JSON values in a body' });
  const m = { maxDepth: 10, maxObjectMembers: 3, maxValues: 100 };
  assert.equal(checkJsonBounds('{"a":1,"b":2,"c":3}', m), undefined);
  assert.deepEqual(checkJsonBounds('{"a":1,"b":2,"c":3,"d":4}', m), { field: '(body)', limit: 'members', found: 'an object of more than 3 members', expected: 'at most 3 members in one JSON object' });
  assert.equal(checkJsonBounds('{"a":{"x":1,"y":2,"z":3},"b":{"x":1,"y":2,"z":3}}', m), undefined, 'members are counted per object');
});

test('closing brackets end a level: many shallow siblings are not deep', () => {
  const d = { maxDepth: 2, maxObjectMembers: 100, maxValues: 100 };
  assert.equal(checkJsonBounds('[[],[],[],[],[],[],{},{}]', d), undefined);
  assert.equal(checkJsonBounds('{"a":[],"b":{},"c":[],"d":[]}', d), undefined);
  assert.equal(checkJsonBounds('{"a":[[]]}', d)?.field, 'a');
});

test('strings: an even run of backslashes before a quote closes the string, an odd run escapes it; an empty string is a string', () => {
  const d = { maxDepth: 5, maxObjectMembers: 100, maxValues: 100 };
  const deep = '[[[[[[]]]]]]';
  assert.equal(checkJsonBounds(`{"s":"\\\\","t":${deep}}`, d)?.field, 't', 'a string holding one escaped backslash');
  assert.equal(checkJsonBounds(`{"s":"\\\\\\\\","t":${deep}}`, d)?.field, 't', 'two escaped backslashes');
  assert.equal(checkJsonBounds(`{"s":"\\"${deep}"}`, d), undefined, 'an escaped quote keeps the string open');
  assert.equal(checkJsonBounds(`{"":${deep}}`, d)?.field, '', 'the empty key');
  assert.equal(checkJsonBounds(`""${deep}`, d)?.limit, 'depth');
  assert.equal(checkJsonBounds(`{"s":"${deep}`, d), undefined, 'an unclosed string runs to the end');
});

test('malformed text is scanned without blaming the wrong field: stray closers, a colon without a key, a member without a key, text after the body', () => {
  const d = { maxDepth: 5, maxObjectMembers: 4, maxValues: 100 };
  const deep = '[[[[[[]]]]]]';
  assert.equal(checkJsonBounds(`]{"a":${deep}}`, d)?.field, 'a', 'a stray closer does not take the depth below zero');
  assert.equal(checkJsonBounds(`{:${deep}}`, d)?.field, '(body)', 'a colon with no key before it names no field');
  assert.equal(checkJsonBounds(`{"a":1,${deep}}`, d)?.field, '(body)', 'a comma ends the member it follows');
  assert.equal(checkJsonBounds(`{"a":[1]}${deep}`, d)?.field, '(body)', 'past the closed body no field is named');
  assert.equal(checkJsonBounds('1,2,3,4,5,6', d), undefined, 'commas outside any object count values only');
});

test('a member keeps its name past arrays closed inside it', () => {
  const d = { maxDepth: 5, maxObjectMembers: 100, maxValues: 100 };
  assert.equal(checkJsonBounds('{"a":[[],{},[[[[[]]]]]]}', d)?.field, 'a');
});
