// Lists of sample references (store/refs.ts): growth, pushAll, clear, and frozen copies of exact size.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NO_REFS, RefList } from './refs.js';

test('a list grows past its first 64 references and freezes to exact-size copies', () => {
  const l = new RefList();
  assert.equal(l.length, 0);
  assert.equal(l.freeze(), NO_REFS, 'nothing in it: the shared empty refs');
  for (let i = 0; i < 100; i++) l.push(i % 7, i * 2);
  assert.equal(l.length, 100);
  const r = l.freeze();
  assert.equal(r.ids.length, 100);
  assert.equal(r.seqs.length, 100);
  assert.deepEqual([r.ids[0], r.ids[99], r.seqs[0], r.seqs[99]], [0, 99 % 7, 0, 198]);
  const small = new RefList();
  small.push(5, 1);
  small.push(6, 2);
  const two = small.freeze();
  assert.deepEqual([[...two.ids], [...two.seqs]], [[5, 6], [1, 2]]);
  // A frozen list is a copy: what the list does next does not change it.
  small.clear();
  assert.equal(small.length, 0);
  assert.equal(small.freeze(), NO_REFS);
  small.push(7, 3);
  assert.deepEqual([[...two.ids], [...two.seqs]], [[5, 6], [1, 2]]);
  assert.deepEqual([...small.freeze().ids], [7]);
});

test('pushAll appends every reference of another list, in its order', () => {
  const a = new RefList();
  a.push(1, 10);
  const b = new RefList();
  b.push(2, 20);
  b.push(3, 30);
  a.pushAll(b.freeze());
  a.pushAll(NO_REFS);
  const r = a.freeze();
  assert.deepEqual([[...r.ids], [...r.seqs]], [[1, 2, 3], [10, 20, 30]]);
});
