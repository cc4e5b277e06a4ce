import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HeldValues, pushedCollector } from './held.js';

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

test('series are keyed by name and labels: the same name under two label sets is two series', () => {
  const h = new HeldValues();
  h.update([
    { name: 'm', labels: { component: 'c', gpu: '0' }, t: 1000, v: 1 },
    { name: 'm', labels: { component: 'c', gpu: '1' }, t: 1000, v: 2 },
  ]);
  assert.deepEqual(
    h.fresh(1000, 0).map((s) => [s.labels['gpu'], s.v]),
    [
      ['0', 1],
      ['1', 2],
    ],
  );
});

test('at most maxSeries series are held: a new one past the cap is dropped, a held one still updates', () => {
  const h = new HeldValues(2);
  const labels = { component: 'c' };
  h.update([
    { name: 'a', labels, t: 1000, v: 1 },
    { name: 'b', labels, t: 1000, v: 1 },
    { name: 'c', labels, t: 1000, v: 1 },
  ]);
  h.update([{ name: 'a', labels, t: 2000, v: 9 }]);
  assert.deepEqual(
    h.fresh(2000, 10_000).map((s) => [s.name, s.v]),
    [
      ['a', 9],
      ['b', 1],
    ],
  );
});

test('lastDataAt is the newest time held, not the last one taken', () => {
  const h = new HeldValues();
  assert.equal(h.lastDataAt, undefined);
  h.update([{ name: 'a', labels: { component: 'c' }, t: 2000, v: 1 }]);
  h.update([{ name: 'b', labels: { component: 'c' }, t: 1000, v: 1 }]);
  assert.equal(h.lastDataAt, 2000);
});

test('fresh keeps values exactly maxAgeMs old and drops older ones for good', () => {
  const h = new HeldValues();
  const labels = { component: 'c' };
  h.update([
    { name: 'a', labels, t: 1000, v: 1 },
    { name: 'b', labels, t: 999, v: 1 },
  ]);
  assert.deepEqual(
    h.fresh(2000, 1000).map((s) => s.name),
    ['a'],
  );
  assert.deepEqual(
    h.fresh(2000, 1_000_000).map((s) => s.name),
    ['a'],
    'a dropped value does not come back with a longer window',
  );
});

test('a pushed collector offers the fresh held values, within the age it reads at each tick', async () => {
  const h = new HeldValues();
  let maxAge = 1000;
  const c = pushedCollector('p', h, () => maxAge);
  assert.equal(c.name, 'p');
  assert.equal(c.pushed, true);
  assert.equal(c.held, h);
  h.update([{ name: 'a', labels: { component: 'p' }, t: 1000, v: 1 }]);
  assert.deepEqual(
    (await c.collect(2000, new AbortController().signal)).map((s) => s.name),
    ['a'],
  );
  maxAge = 999;
  assert.deepEqual(await c.collect(2000, new AbortController().signal), []);
});

test('lastDataAt rises with each newer sample', () => {
  const h = new HeldValues();
  h.update([{ name: 'a', labels: { component: 'c' }, t: 1000, v: 1 }]);
  h.update([{ name: 'b', labels: { component: 'c' }, t: 3000, v: 1 }]);
  assert.equal(h.lastDataAt, 3000);
});
