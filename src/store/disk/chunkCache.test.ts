import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DecodedChunkCache } from './chunkCache.js';

// 2 columns × 100 × 8 bytes + 64 = 1664 bytes an entry: 12 fit in 20,000.
const chunk = (n = 100) => ({ t: new Float64Array(n), columns: [new Float64Array(n)] });

test('the decoded chunk cache stays within its bytes, dropping the least recently used first', () => {
  const cache = new DecodedChunkCache(20_000);
  for (let i = 0; i < 12; i++) cache.set(`k${i}`, chunk());
  assert.equal(cache.bytes, 12 * 1664);
  assert.ok(cache.get('k0') !== undefined, 'reading k0 makes it the most recent');
  cache.set('k12', chunk());
  assert.equal(cache.get('k1'), undefined, 'the least recently used went first');
  assert.ok(cache.get('k0') !== undefined);
  assert.ok(cache.get('k12') !== undefined);
  assert.equal(cache.bytes, 12 * 1664);
  // An entry bigger than an eighth of the cache is not kept at all.
  cache.set('big', chunk(200));
  assert.equal(cache.get('big'), undefined);
});
