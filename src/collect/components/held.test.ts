import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HeldValues } from './held.js';

test('an older sample does not replace a newer one: it is counted as out of order', () => {
  const h = new HeldValues();
  const labels = { component: 'c' };
  assert.deepEqual(h.update([{ name: 'm', labels, t: 2000, v: 2 }]), { outOfOrder: 0 });
  assert.deepEqual(h.update([{ name: 'm', labels, t: 1000, v: 1 }, { name: 'n', labels, t: 1000, v: 5 }]), { outOfOrder: 1 });
  assert.deepEqual(h.update([{ name: 'm', labels, t: 2000, v: 3 }]), { outOfOrder: 0 }, 'the same time replaces: a corrected value');
  assert.deepEqual(
    h.fresh(2000, 10_000).map((s) => [s.name, s.v]),
    [
      ['m', 3],
      ['n', 5],
    ],
  );
  assert.equal(h.lastDataAt, 2000);
});
