// fastify's JSON-schema compilers (ajv, fast-json-stringify) load on first use only: a server
// whose routes declare no schema never loads them (8 MiB of the agent's RSS, BENCHMARKS.md), and
// an embedding program's route that declares one is validated and serialized as fastify does.
// Its own file: the module cache it inspects is this process's.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { createServer } from '../../src/server/index.js';
import type { MonitorView } from '../../src/server/index.js';

const view: MonitorView = {
  metricFamilies: () => [{ name: 'up_total', type: 'counter', help: 'Ups.', samples: [{ name: 'up_total', labels: {}, value: 1 }] }],
  status: () => ({ monitoring: true }),
  health: () => ({ ok: true }),
};

const loaded = (pkg: string): string[] => Object.keys(createRequire(import.meta.url).cache).filter((p) => p.includes(`/node_modules/${pkg}/`));

test('a server whose routes declare no schema serves without loading ajv or fast-json-stringify', async (t) => {
  const server = createServer(view, { port: 0 });
  t.after(() => server.close());
  const { url } = await server.listen();
  assert.equal((await fetch(`${url}/metrics`)).status, 200);
  assert.equal((await fetch(`${url}/nope`)).status, 404);
  assert.equal((await fetch(`${url}/healthz`, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } })).status, 405);
  assert.deepEqual(loaded('ajv'), []);
  assert.deepEqual(loaded('@fastify/ajv-compiler'), []);
  assert.deepEqual(loaded('@fastify/fast-json-stringify-compiler'), []);
});

test("an embedding program's route with body and response schemas is validated and serialized by fastify's compilers", async (t) => {
  const server = createServer(view, { port: 0 });
  t.after(() => server.close());
  server.app.post(
    '/api/v1/own',
    {
      schema: {
        body: { type: 'object', required: ['a'], properties: { a: { type: 'integer', minimum: 0 } } },
        response: { 200: { type: 'object', properties: { doubled: { type: 'integer' } } } },
      },
    },
    (req) => Promise.resolve({ doubled: (req.body as { a: number }).a * 2, secret: 'not in the schema' }),
  );
  const { url } = await server.listen();
  const post = (body: unknown) => fetch(`${url}/api/v1/own`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

  const missing = await post({ b: 1 });
  assert.equal(missing.status, 400);
  const missingBody = await missing.text();
  assert.match(missingBody, /body must have required property 'a'/, missingBody);
  const negative = await post({ a: -1 });
  assert.equal(negative.status, 400);
  const negativeBody = await negative.text();
  assert.match(negativeBody, /body\/a must be >= 0/, negativeBody);

  const ok = await post({ a: 21 });
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), { doubled: 42 }, 'the response schema drops what it does not name');
  assert.ok(loaded('@fastify/ajv-compiler').length > 0, 'the validator was loaded when a route needed it');
  assert.ok(loaded('@fastify/fast-json-stringify-compiler').length > 0);
});
