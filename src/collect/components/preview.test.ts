import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonPreview, previewValue, truncate } from './preview.js';

test('strings are cut to 100 characters with a mark; short ones and scalars pass as they are', () => {
  const long = previewValue('y'.repeat(200_000)) as string;
  assert.equal(long.length, 100);
  assert.ok(long.endsWith('…'));
  assert.equal(previewValue('short'), 'short');
  for (const v of [0, -1.5, true, null]) assert.equal(previewValue(v), v);
  assert.equal(previewValue(NaN), 'NaN');
  assert.equal(previewValue(undefined), 'undefined');
  assert.equal(truncate('abc', 2), 'a…');
});

test('a 10,000-deep array becomes a short JSON text that serialises (JSON.stringify of the value overflows)', () => {
  let deep: unknown = 1;
  for (let i = 0; i < 10_000; i++) deep = [deep];
  assert.throws(() => JSON.stringify(deep), RangeError, 'the cause of the old 500');
  const p = previewValue(deep) as string;
  assert.equal(p.length, 100);
  assert.ok(p.startsWith('[[[['));
  assert.equal(JSON.parse(JSON.stringify({ value: p })).value, p);
});

test('objects and arrays read like JSON and stop once the budget is spent', () => {
  assert.equal(jsonPreview({ a: [1, 'x', null, true], b: { c: NaN } }), '{"a":[1,"x",null,true],"b":{"c":null}}');
  const wide = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, i]));
  const p = jsonPreview(wide);
  assert.equal(p.length, 100);
  assert.ok(p.startsWith('{"k0":0,"k1":1,'));
  const own = JSON.parse('{"__proto__": {"polluted": 1}}') as object;
  assert.equal(jsonPreview(own), '{"__proto__":{"polluted":1}}');
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
});
