import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeByTime } from './merge.js';
import type { Row } from './read.js';

function rows(name: string, ts: readonly number[]): Row[] {
  return ts.map((t) => ({ name, labels: {}, t, v: 0, rawT: String(t), rawV: '0' }));
}

async function* slowly(rs: readonly Row[]): AsyncGenerator<Row> {
  for (const r of rs) {
    await new Promise((res) => setImmediate(res));
    yield r;
  }
}

test('rows of several sources come out by time; equal times keep the sources\' order; a source stepping back comes out at once', async () => {
  const out: string[] = [];
  for await (const r of mergeByTime([slowly(rows('a', [1, 3, 3, 5])), rows('b', [0, 3, 4]), slowly(rows('c', [])), rows('d', [2, 1, 6])])) out.push(`${r.name}${r.t}`);
  assert.deepEqual(out, ['b0', 'a1', 'd2', 'd1', 'a3', 'a3', 'b3', 'b4', 'a5', 'd6']);
});
