// Ring storage (store/rings.ts): rings of one stride side by side in pages of about 64 KiB
// (12 bytes a slot), handed out lowest first, reused once freed, and a page no ring uses gives
// its memory back.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RingPages, SAMPLE_BYTES } from './rings.js';

const PAGE_BYTES = 64 * 1024;

test('rings per page: as many as fit in 64 KiB at 12 bytes a slot, and at least one', () => {
  assert.equal(SAMPLE_BYTES, 12);
  // 65536 / (16 × 12) = 341.3: 341 rings of 16 slots.
  assert.equal(new RingPages(16).perPage, 341);
  // 65536 / (1024 × 12) = 5.3: 5 rings of 1024 slots.
  assert.equal(new RingPages(1024).perPage, 5);
  // A ring bigger than a page gets a page of its own.
  assert.equal(new RingPages(8192).perPage, 1);
});

test('rings are handed out lowest first, page after page, each on its own slots', () => {
  const p = new RingPages(1024);
  assert.equal(p.bytes, 0, 'nothing is allocated up front');
  const rings = Array.from({ length: 12 }, () => p.alloc());
  assert.deepEqual(rings, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  assert.equal(p.tPages.length, 3);
  assert.equal(p.vPages.length, 3);
  assert.equal(p.bytes, 3 * 5 * 1024 * SAMPLE_BYTES);
  assert.ok(p.bytes <= 3 * PAGE_BYTES);
  for (const page of [0, 1, 2]) {
    assert.equal(p.tPages[page]!.length, 5 * 1024);
    assert.equal(p.vPages[page]!.length, 5 * 1024);
  }
  assert.deepEqual(rings.map((r) => [p.page(r), p.offset(r)]).slice(4, 7), [[0, 4 * 1024], [1, 0], [1, 1024]]);
  // Every slot of every ring written with its ring's number: no ring overlaps another.
  for (const r of rings) {
    const t = p.tPages[p.page(r)]!;
    const v = p.vPages[p.page(r)]!;
    for (let k = 0; k < p.stride; k++) {
      t[p.offset(r) + k] = r;
      v[p.offset(r) + k] = r + 0.5;
    }
  }
  for (const r of rings) {
    const t = p.tPages[p.page(r)]!.subarray(p.offset(r), p.offset(r) + p.stride);
    const v = p.vPages[p.page(r)]!.subarray(p.offset(r), p.offset(r) + p.stride);
    assert.ok(t.every((x) => x === r) && v.every((x) => x === r + 0.5), `ring ${r}`);
  }
});

test('a freed ring is handed out again, and a page none of whose rings is used gives its memory back', () => {
  const p = new RingPages(1024);
  const page = 5 * 1024 * SAMPLE_BYTES;
  for (let i = 0; i < 6; i++) p.alloc(); // rings 0..4 fill page 0, ring 5 starts page 1
  assert.equal(p.bytes, 2 * page);
  p.release(5);
  assert.equal(p.bytes, page, 'page 1 held only ring 5');
  assert.equal(p.tPages[1]!.length, 0);
  assert.equal(p.vPages[1]!.length, 0);
  assert.equal(p.alloc(), 5, 'the freed ring comes back');
  assert.equal(p.bytes, 2 * page);
  assert.equal(p.tPages[1]!.length, 5 * 1024, 'its page is allocated again');
  p.release(1);
  p.release(3);
  assert.equal(p.bytes, 2 * page, 'page 0 still holds rings 0, 2 and 4');
  assert.deepEqual([p.alloc(), p.alloc()].sort(), [1, 3]);
  for (const r of [0, 1, 2, 3, 4]) p.release(r);
  assert.equal(p.bytes, page);
  p.release(5);
  assert.equal(p.bytes, 0, 'no ring in use: no page held');
  // Every ring comes back once, and no other.
  const again = Array.from({ length: 10 }, () => p.alloc()).sort((a, b) => a - b);
  assert.deepEqual(again, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(p.bytes, 2 * page);
});
