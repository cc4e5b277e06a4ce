import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeErrorChain } from './errors.js';

test('describeErrorChain: the message, then each cause; several addresses tried are listed once each', async () => {
  // A real refused connection, as fetch reports it (the port was free a moment ago).
  const { createServer } = await import('node:net');
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const failed = await fetch(`http://127.0.0.1:${port}/`).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.equal(describeErrorChain(failed), `fetch failed: connect ECONNREFUSED 127.0.0.1:${port}`);

  const refused = (addr: string): Error => Object.assign(new Error(`connect ECONNREFUSED ${addr}`), { code: 'ECONNREFUSED' });
  const both = Object.assign(new AggregateError([refused('::1:9464'), refused('127.0.0.1:9464'), refused('::1:9464')], ''), { code: 'ECONNREFUSED' });
  assert.equal(describeErrorChain(new TypeError('fetch failed', { cause: both })), 'fetch failed: connect ECONNREFUSED ::1:9464; connect ECONNREFUSED 127.0.0.1:9464');
  assert.equal(describeErrorChain(Object.assign(new Error(''), { code: 'ECONNRESET' })), 'ECONNRESET');
  assert.equal(describeErrorChain('plain'), 'plain');
});

test('describeErrorChain: a cause chain that loops or runs long stays one bounded line', () => {
  const a = new Error('a');
  const b = new Error('b', { cause: a });
  (a as { cause?: unknown }).cause = b;
  assert.equal(describeErrorChain(b), 'b: a');
  assert.ok(describeErrorChain(new Error('x'.repeat(10_000))).length <= 303);
});
