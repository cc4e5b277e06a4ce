import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../config/index.js';
import type { CollectorEntry } from '../collect/runner.js';
import { collectorSummaries, componentStates } from './status.js';

test('names from requests such as __proto__ and constructor are plain keys of the status maps', () => {
  const names = ['__proto__', 'constructor', 'hasOwnProperty'];
  const collectors = new Map<string, CollectorEntry>(names.map((n) => [n, () => ({ x: 1 })]));
  const summaries = collectorSummaries(collectors, new Map());
  const states = componentStates(parseConfig({}), collectors, new Map(), new Map(), {});
  for (const out of [summaries, states]) {
    assert.equal(Object.getPrototypeOf(out), null);
    assert.deepEqual(Object.keys(out), names);
  }
  assert.equal(Object.getOwnPropertyDescriptor(states, '__proto__')?.value, 'pending');
  assert.equal(Object.getOwnPropertyDescriptor(summaries, '__proto__')?.value.status, 'pending');
  assert.equal(JSON.parse(JSON.stringify(states)).__proto__, 'pending');
});
