import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EchoPerfError } from '../../core/errors.js';
import { parsePage, type PageLimits } from './pageLimits.js';

const NONE: PageLimits = { sampleLimit: 0, labelLimit: 0, labelNameLengthLimit: 0, labelValueLengthLimit: 0 };
const ignore = (): void => undefined;

async function limitError(body: string, limits: Partial<PageLimits>, contentType = 'text/plain; version=0.0.4'): Promise<string> {
  try {
    await parsePage(body, contentType, { ...NONE, ...limits }, ignore);
  } catch (e) {
    assert.ok(e instanceof EchoPerfError && e.code === 'EP_ERR_EXPOSITION_LIMIT', String(e));
    return e.message;
  }
  assert.fail('expected a limit error');
}

test('each config limit reaches the parser under its Prometheus name', async () => {
  assert.equal(await limitError('a 1\nb 2\nc 3\n', { sampleLimit: 2 }), 'sample_limit exceeded (samples: 3, limit: 2)');
  assert.match(await limitError('m{a="1",b="2"} 1\n', { labelLimit: 2 }), /^label_limit exceeded \(metric: m, number of labels: 3, limit: 2\)$/);
  assert.match(await limitError(`m{${'n'.repeat(20)}="1"} 1\n`, { labelNameLengthLimit: 10 }), /^label_name_length_limit exceeded .*length: 20, limit: 10\)$/);
  assert.match(await limitError(`m{a="${'v'.repeat(20)}"} 1\n`, { labelValueLengthLimit: 10 }), /^label_value_length_limit exceeded .*length: 20, limit: 10\)$/);
  assert.match(await limitError('# TYPE m gauge\nm{a="1",b="2"} 1\n# EOF\n', { labelLimit: 2 }, 'application/openmetrics-text; version=1.0.0'), /^label_limit exceeded/);
});

test('sample_limit stops the read at the first sample past it: the rest of the page is never read', async () => {
  // Line 4 is not valid exposition text; a reader going through the whole page would fail there instead.
  assert.equal(await limitError('a 1\nb 2\nc 3\nthis is { not metrics\n', { sampleLimit: 2 }), 'sample_limit exceeded (samples: 3, limit: 2)');
});

test('0 means no limit; a page of several slices reads whole', async () => {
  const many = Array.from({ length: 500 }, (_, i) => `m{i="${i}",${'n'.repeat(300)}="${'v'.repeat(5000)}"} 1`).join('\n') + '\n';
  assert.equal((await parsePage(many, undefined, NONE, ignore))[0]!.samples.length, 500);
});
