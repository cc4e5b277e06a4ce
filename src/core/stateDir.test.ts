import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultDataDir } from './stateDir.js';

test('the data dir defaults to the XDG state directory', () => {
  assert.equal(defaultDataDir({ XDG_STATE_HOME: '/var/lib/me' }, '/home/u'), '/var/lib/me/echo-perf');
  assert.equal(defaultDataDir({}, '/home/u'), '/home/u/.local/state/echo-perf');
  assert.equal(defaultDataDir({ XDG_STATE_HOME: 'relative/dir' }, '/home/u'), '/home/u/.local/state/echo-perf', 'a relative XDG path is ignored');
});
