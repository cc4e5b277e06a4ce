import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRanges } from './validate.js';

test('samples of a declared component outside their range are refused with the reason; custom metrics and unlabelled samples pass', () => {
  const inRange = { name: 'membrane_level', labels: { component: 'dtesn' }, t: 1, v: 1000 };
  const out = { name: 'membrane_level', labels: { component: 'dtesn' }, t: 1, v: 1001 };
  const custom = { name: 'membrane_level', labels: { component: 'mine' }, t: 1, v: 1001 };
  const bare = { name: 'membrane_level', labels: {}, t: 1, v: -5 };
  assert.deepEqual(checkRanges([inRange, out, custom, bare]), {
    kept: [inRange, custom, bare],
    problems: ['membrane_level: got 1001; expected a value in [0, 1000] levels'],
  });
  assert.deepEqual(checkRanges([]), { kept: [], problems: [] });
});
