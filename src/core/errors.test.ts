import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { EchoPerfError, ErrorCodes } from './errors.js';

test('every error code is documented in docs/errors.md, and every documented code exists', () => {
  const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  const documented = new Set([...doc.matchAll(/`(EP_ERR_[A-Z_]+)`/g)].map((m) => m[1]));
  const codes = new Set(Object.keys(ErrorCodes));
  assert.deepEqual([...codes].filter((c) => !documented.has(c)), [], 'codes missing from docs/errors.md');
  assert.deepEqual([...documented].filter((c) => !codes.has(c!)), [], 'documented codes that do not exist');
});

test('EchoPerfError carries code, details and cause', () => {
  const cause = new Error('root');
  const e = new EchoPerfError('EP_ERR_ARGUMENT', 'x: got 1; expected 2', { cause, details: [{ path: 'x' }] });
  assert.equal(e.code, 'EP_ERR_ARGUMENT');
  assert.equal(e.cause, cause);
  assert.deepEqual(e.details, [{ path: 'x' }]);
  assert.ok(e instanceof Error);
});
