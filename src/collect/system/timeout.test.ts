import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ABORTED, TIMED_OUT, settleWithin } from './timeout.js';

const never = new Promise<number>(() => {});

void test('settleWithin gives up on a promise that never settles after the deadline (the one real-timer test)', async (t) => {
  // settleWithin's timer is unref'ed (it must not keep an embedding process alive); in production a
  // pending statfs request keeps the loop running, here a plain ref'ed timer stands in for it.
  const keepAlive = setTimeout(() => {}, 10_000);
  t.after(() => clearTimeout(keepAlive));
  const t0 = performance.now();
  assert.equal(await settleWithin(never, 50), TIMED_OUT);
  const waited = performance.now() - t0;
  assert.ok(waited >= 45 && waited < 1000, `waited ${waited} ms`);
});

void test('settleWithin returns the value when the promise wins', async () => {
  assert.equal(await settleWithin(Promise.resolve(7), 60_000), 7);
});

void test('settleWithin passes a rejection through', async () => {
  await assert.rejects(settleWithin(Promise.reject(new Error('EIO')), 60_000), /EIO/);
});

void test('settleWithin stops waiting when the signal aborts, before or during the wait', async () => {
  assert.equal(await settleWithin(never, 60_000, AbortSignal.abort()), ABORTED);
  const ac = new AbortController();
  const p = settleWithin(never, 60_000, ac.signal);
  ac.abort();
  assert.equal(await p, ABORTED);
});
