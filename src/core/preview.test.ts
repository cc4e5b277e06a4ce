import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonPreview, PREVIEW_CHARS, previewValue, truncateText } from './preview.js';

test('truncateText: short strings as they are, long ones cut at 100 characters plus …', () => {
  assert.equal(truncateText('abc'), 'abc');
  assert.equal(truncateText('a'.repeat(PREVIEW_CHARS)), 'a'.repeat(PREVIEW_CHARS));
  assert.equal(truncateText('a'.repeat(200_000)), `${'a'.repeat(100)}…`);
  assert.equal(truncateText('abcdef', 3), 'abc…');
  // A surrogate pair across the cut is dropped whole, never left half.
  assert.equal(truncateText(`${'a'.repeat(99)}😀tail`), `${'a'.repeat(99)}…`);
});

test('previewValue: primitives kept, strings truncated, objects as bounded JSON text', () => {
  assert.equal(previewValue(42), 42);
  assert.equal(previewValue(null), null);
  assert.equal(previewValue(true), true);
  assert.equal(previewValue(undefined), undefined);
  assert.equal(previewValue(10n ** 200n), `${'1' + '0'.repeat(99)}…`);
  assert.equal(previewValue('v'.repeat(200_000)), `${'v'.repeat(100)}…`);
  assert.equal(previewValue({ a: [1, 'x'], b: null }), '{"a":[1,"x"],"b":null}');
  const big = previewValue({ a: 'x'.repeat(500), b: 2 }) as string;
  assert.equal(big.length, PREVIEW_CHARS + 1);
  assert.ok(big.startsWith('{"a":"xxx') && big.endsWith('…'), big);
  assert.equal(previewValue(() => 1), '<function>');
});

test('jsonPreview: a 100,000-deep array or a 100,000-key object costs no more than its limit', () => {
  const deep = JSON.parse('['.repeat(100_000) + ']'.repeat(100_000)) as unknown;
  assert.equal(jsonPreview(deep), `${'['.repeat(8)}[…]${']'.repeat(8)}`);
  assert.equal(jsonPreview(deep, 5), '[[[[[…');
  const wide = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i]));
  const p = jsonPreview(wide);
  assert.ok(p.length <= PREVIEW_CHARS + 1 && p.startsWith('{"k0":0,"k1":1,'), p);
  const long = jsonPreview(Array.from({ length: 1_000_000 }, () => 7));
  assert.equal(long, `[${Array(50).fill(7).join(',')}…`);
  // Own keys only, whatever they are called, and a prototype-less object too.
  assert.equal(jsonPreview(JSON.parse('{"__proto__":{"x":1},"constructor":2}')), '{"__proto__":{"x":1},"constructor":2}');
  const bare = Object.create(null) as Record<string, unknown>;
  bare['k'] = [undefined, Number.NaN];
  assert.equal(jsonPreview(bare), '{"k":[null,null]}');
});
