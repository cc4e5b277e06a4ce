import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BoundedHistory } from './history.js';

test('BoundedHistory drops the oldest past maxlen, like a deque(maxlen=n)', () => {
  const h = new BoundedHistory<number>(3);
  for (let i = 1; i <= 5; i++) h.push(i);
  assert.deepEqual(h.toArray(), [3, 4, 5]);
  assert.equal(h.dropped, 2);
  assert.equal(h.at(0), 3);
  assert.equal(h.at(-1), 5);
  assert.equal(h.at(3), undefined);
  assert.deepEqual(h.last(2), [4, 5]);
  assert.deepEqual([...h], [3, 4, 5]);
});

test('maxlen can grow and shrink at run time, keeping the newest', () => {
  const h = new BoundedHistory<number>(2);
  h.push(1);
  h.push(2);
  h.maxlen = 4;
  h.push(3);
  assert.deepEqual(h.toArray(), [1, 2, 3]);
  h.maxlen = 1;
  assert.deepEqual(h.toArray(), [3]);
  assert.ok(h.replaceLast((x) => x === 3, 30));
  assert.deepEqual(h.toArray(), [30]);
  assert.equal(h.replaceLast((x) => x === 99, 1), false);
});
