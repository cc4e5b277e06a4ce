import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { EchoPerfError } from '../errors.js';
import { parseExposition, parseExpositionAsync } from './index.js';

const VLLM = readFileSync(new URL('../../../test/fixtures/engines/vllm-v1-2026-qwen2.5-0.5b.metrics.txt', import.meta.url), 'utf8');

/** A page of many slices: the fixture's samples repeated with a `copy` label, its metadata once. */
function bigPage(copies: number): string {
  const lines = VLLM.split('\n');
  const meta = lines.filter((l) => l.startsWith('#'));
  const samples = lines.filter((l) => l !== '' && !l.startsWith('#'));
  let out = meta.join('\n') + '\n';
  for (let c = 0; c < copies; c++) for (const l of samples) out += l.replace(/^([^{ ]+)(\{)?/, (_m, n: string, b?: string) => `${n}{copy="${c}"${b === undefined ? '}' : ','}`) + '\n';
  return out;
}

async function errorOf(p: Promise<unknown>): Promise<EchoPerfError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof EchoPerfError);
    return e;
  }
  assert.fail('expected an error');
}

test('read in slices, a page of several megabytes gives what the one-piece read gives', async () => {
  const page = bigPage(60);
  assert.ok(page.length > 1_000_000, `${page.length} characters`);
  assert.deepEqual(await parseExpositionAsync(page, 'text/plain'), parseExposition(page, 'text/plain'));
});

test('errors and limits in a later slice are the same errors, with the same line and column', async () => {
  const page = bigPage(40) + 'broken{ line\n';
  const sync = (() => {
    try {
      parseExposition(page, 'text/plain');
    } catch (e) {
      return e as EchoPerfError;
    }
    return assert.fail('the page is broken');
  })();
  const slices = await errorOf(parseExpositionAsync(page, 'text/plain'));
  assert.equal(slices.message, sync.message);
  assert.match(slices.message, /^line \d{5}, column \d+:/);
  const limit = await errorOf(parseExpositionAsync(bigPage(40), 'text/plain', { limits: { maxSamples: 10_000 } }));
  assert.equal(limit.code, 'EP_ERR_EXPOSITION_LIMIT');
  const om = await errorOf(parseExpositionAsync(Array.from({ length: 70_000 }, (_, i) => `b${i} 2\n`).join(''), 'application/openmetrics-text; version=1.0.0'));
  assert.match(om.message, /expected '# EOF'/);
});
