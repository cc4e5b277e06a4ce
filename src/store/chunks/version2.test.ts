// Chunks written before format 3 stay readable. The fixture is a format-2 chunk of a counter that
// never deviates from its rate, in tenths (0.3 + 0.1 i, a sample every 15 s from 1,700,000,000,000 ms),
// written by the format-2 encoder (this repository at commit 64ad569, src/store/chunks). It is where the
// two formats differ: format 2 took the Rice parameter as 32 once its running sum was halved to 0,
// format 3 as 0, and such values are decimal codes (an XOR of tenths costs more), read with that k.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CHUNK_FORMAT_VERSION, ChunkEncoder, decodeChunk } from './index.js';

const V2_EXACT_TENTHS = Buffer.from(
  [
    'AgF4pxefytAB5v3g6cZJJIIIQhCEIiIiIiIiIiIiIiIiIiIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAA',
    'IAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAA',
    'AAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIA',
    'AAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAA',
    'IAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAIAAA',
    'AAIAAAAAIAAAAAIAAAAAIAAAAAIAAAAAAA==',
  ].join(''),
  'base64',
);
const times = Array.from({ length: 120 }, (_, i) => 1_700_000_000_000 + 15_000 * i);
const values = Array.from({ length: 120 }, (_, i) => Number((0.3 + 0.1 * i).toFixed(1)));

test('a format-2 chunk decodes to its samples, with the Rice parameter format 2 used', () => {
  assert.equal(V2_EXACT_TENTHS[0], 2);
  assert.equal(V2_EXACT_TENTHS.length, 400);
  const { t, columns } = decodeChunk(new Uint8Array(V2_EXACT_TENTHS));
  assert.deepEqual([...t], times);
  assert.deepEqual([...columns[0]!], values);
  const relabelled = new Uint8Array(V2_EXACT_TENTHS);
  relabelled[0] = 3;
  assert.throws(() => decodeChunk(relabelled), /chunk corrupt: the samples end at byte \d+ of 400/, 'the same bits read as format 3 are not these samples: the version decides');
});

test('resuming a format-2 chunk rewrites it as format 3 with the same samples, in far fewer bytes', () => {
  const enc = ChunkEncoder.resume(new Uint8Array(V2_EXACT_TENTHS));
  const bytes = enc.bytes();
  assert.equal(bytes[0], CHUNK_FORMAT_VERSION);
  assert.equal(CHUNK_FORMAT_VERSION, 3);
  const { t, columns } = decodeChunk(bytes);
  assert.deepEqual([...t], times);
  assert.deepEqual([...columns[0]!], values);
  assert.ok(bytes.length < 100, `${bytes.length} bytes against format 2's 400`);
});
