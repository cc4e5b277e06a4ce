import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkComponentName, COMPONENT_NAME_RE } from './components.js';

test('component names: a letter, then up to 63 letters, digits, _ . -', () => {
  for (const ok of ['dtesn', 'echo-self', 'Perception.v2', 'a', 'x'.repeat(64), 'constructor', 'prototype', 'toString', 'hasOwnProperty']) {
    assert.equal(checkComponentName(ok), undefined, ok);
  }
  for (const bad of ['__proto__', '_x', '9lives', '', 'x'.repeat(65), 'a b', 'a/b', 'é', 'naïve', 'a\n', '..', 'a:b']) {
    assert.match(checkComponentName(bad) ?? '', /pattern \^\[a-zA-Z\]/, JSON.stringify(bad));
  }
  assert.match(checkComponentName(42) ?? '', /component name/);
  assert.equal(COMPONENT_NAME_RE.source, '^[a-zA-Z][a-zA-Z0-9_.-]{0,63}$');
});

test('reserved names are refused in any case or spelling, and so is the echo_perf prefix', () => {
  for (const name of ['engines', 'system', 'gpu', 'echo_dash', 'monitor', 'GPU', 'System', 'echo-dash', 'echo_perf', 'echo_perf_push', 'Echo-Perf-x']) {
    assert.match(checkComponentName(name) ?? '', /reserved/, name);
  }
  assert.equal(checkComponentName('gpus'), undefined, 'only the exact reserved names');
  assert.equal(checkComponentName('echo_self'), undefined);
});
