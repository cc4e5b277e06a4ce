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

test('maxlen and length; shrinking counts the items it drops and leaves exactly maxlen slots', () => {
  const h = new BoundedHistory<number>(4);
  assert.deepEqual([h.maxlen, h.length], [4, 0]);
  for (let i = 1; i <= 5; i++) h.push(i);
  assert.deepEqual([h.maxlen, h.length, h.dropped], [4, 4, 1]);
  h.maxlen = 2;
  assert.deepEqual([h.maxlen, h.length, h.dropped], [2, 2, 3]);
  assert.deepEqual(h.toArray(), [4, 5]);
  h.push(6);
  assert.deepEqual(h.toArray(), [5, 6]);
  h.maxlen = 5;
  assert.deepEqual([h.maxlen, h.length, h.dropped], [5, 2, 4]);
});

test('at(): an index before the oldest is nothing, also once the deque has wrapped', () => {
  const h = new BoundedHistory<number>(3);
  for (let i = 1; i <= 5; i++) h.push(i); // wrapped: the oldest (3) is not in slot 0
  assert.deepEqual([h.at(-1), h.at(-3), h.at(-4), h.at(-6), h.at(2), h.at(3)], [5, 3, undefined, undefined, 5, undefined]);
});

test('replaceLast replaces the newest match, searching from the newest, in a full or wrapped deque', () => {
  const full = new BoundedHistory<number>(3);
  for (const x of [1, 2, 3]) full.push(x);
  assert.ok(full.replaceLast((x) => x > 0, 9));
  assert.deepEqual(full.toArray(), [1, 2, 9]);
  const wrapped = new BoundedHistory<number>(4);
  for (let i = 1; i <= 6; i++) wrapped.push(i);
  assert.ok(wrapped.replaceLast((x) => x <= 4, 0));
  assert.deepEqual(wrapped.toArray(), [3, 0, 5, 6]);
  assert.ok(wrapped.replaceLast((x) => x % 2 === 1, 7));
  assert.deepEqual(wrapped.toArray(), [3, 0, 7, 6]);
  const part = new BoundedHistory<{ k: number }>(5);
  part.push({ k: 1 });
  part.push({ k: 2 });
  assert.ok(part.replaceLast((x) => x.k === 1, { k: 10 }));
  assert.deepEqual(part.toArray(), [{ k: 10 }, { k: 2 }]);
});

test('clear empties the deque and keeps its maxlen', () => {
  const h = new BoundedHistory<number>(3);
  for (let i = 1; i <= 4; i++) h.push(i);
  h.clear();
  assert.deepEqual([h.length, h.maxlen, h.toArray(), h.at(0)], [0, 3, [], undefined]);
  for (let i = 5; i <= 8; i++) h.push(i);
  assert.deepEqual(h.toArray(), [6, 7, 8]);
});

test('maxlen must be an integer >= 1', () => {
  for (const bad of [0, -1, 1.5, NaN, Infinity]) {
    assert.throws(() => new BoundedHistory(bad), (e: Error & { code?: string }) => e.code === 'EP_ERR_ARGUMENT' && e.message.startsWith('maxlen: got '), String(bad));
    const h = new BoundedHistory<number>(2);
    h.push(1);
    assert.throws(() => (h.maxlen = bad), { code: 'EP_ERR_ARGUMENT' }, String(bad));
    assert.deepEqual([h.maxlen, h.toArray()], [2, [1]], 'a refused maxlen changes nothing');
  }
  assert.equal(new BoundedHistory(1).maxlen, 1);
});
