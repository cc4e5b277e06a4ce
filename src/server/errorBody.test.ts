import assert from 'node:assert/strict';
import { test } from 'node:test';
import { boundErrorBody } from './errorBody.js';

test('echoed values are cut to 100 characters; messages to 300; the rest of the shape is kept', () => {
  const body = boundErrorBody({
    error: 'invalid payload',
    component: 'c'.repeat(500),
    errors: [{ field: 'm', value: 'v'.repeat(200_000), expected: 'e'.repeat(1000) }],
    path: '/p'.repeat(1000),
  }) as { component: string; errors: { field: string; value: string; expected: string }[]; path: string; error: string };
  assert.equal(body.error, 'invalid payload');
  assert.equal(body.component, `${'c'.repeat(100)}…`);
  assert.equal(body.errors[0]!.field, 'm');
  assert.equal(body.errors[0]!.value, `${'v'.repeat(100)}…`);
  assert.equal(body.errors[0]!.expected, `${'e'.repeat(300)}…`);
  assert.equal(body.path.length, 101);
});

test('an echoed object or array becomes a bounded JSON preview, however deep or wide', () => {
  const deep = JSON.parse('['.repeat(50_000) + ']'.repeat(50_000)) as unknown;
  const out = JSON.stringify(boundErrorBody({ error: 'x', errors: [{ value: deep }, { value: { a: 1, b: [true, null] } }] }));
  assert.ok(out.length < 400, out);
  assert.match(out, /"value":"\[\[\[\[\[\[\[\[\[…\]/);
  assert.match(out, /"value":"\{\\"a\\":1,\\"b\\":\[true,null\]\}"/);
  // Deep structure outside echo keys is cut at six levels, wide arrays at 100 items.
  const nested = JSON.stringify(boundErrorBody({ a: { b: { c: { d: { e: { f: { g: { h: 1 } } } } } } } }));
  assert.equal(nested, '{"a":{"b":{"c":{"d":{"e":{"f":"{\\"g\\":{\\"h\\":1}}"}}}}}}');
  const wide = boundErrorBody({ errors: Array.from({ length: 5000 }, (_, i) => ({ field: `f${i}` })) }) as { errors: unknown[] };
  assert.equal(wide.errors.length, 101);
  assert.equal(wide.errors[100], '… 4900 more');
});

test('keys named __proto__ or constructor stay plain keys; primitives pass through', () => {
  const parsed = JSON.parse('{"__proto__":{"polluted":1},"constructor":"x"}') as unknown;
  const out = boundErrorBody(parsed) as Record<string, unknown>;
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  assert.equal(JSON.stringify(out), '{"__proto__":{"polluted":1},"constructor":"x"}');
  assert.equal(boundErrorBody('plain'), 'plain');
  assert.equal(boundErrorBody(null), null);
  assert.equal(boundErrorBody(404), 404);
});
