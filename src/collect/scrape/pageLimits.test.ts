import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePage, type PageLimits } from './pageLimits.js';
import { ScrapeError } from './fetchPage.js';

const NONE: PageLimits = { sampleLimit: 0, labelLimit: 0, labelNameLengthLimit: 0, labelValueLengthLimit: 0 };

function limitError(body: string, limits: Partial<PageLimits>, contentType = 'text/plain; version=0.0.4'): string {
  try {
    parsePage(body, contentType, { ...NONE, ...limits });
  } catch (e) {
    assert.ok(e instanceof ScrapeError, String(e));
    assert.equal(e.kind, 'limit');
    return e.message;
  }
  assert.fail('expected a limit error');
}

test('within the limits a page parses into families as parseExposition would', () => {
  const fams = parsePage('# TYPE a counter\na_total{x="1"} 2\nb 3\n', undefined, { sampleLimit: 2, labelLimit: 1, labelNameLengthLimit: 1, labelValueLengthLimit: 1 });
  assert.deepEqual(
    fams.map((f) => [f.name, f.type, f.samples.length]),
    [
      ['a', 'counter', 1],
      ['b', 'untyped', 1],
    ],
  );
});

test('sample_limit stops at the first sample past it: the rest of the page is never read', () => {
  // Line 4 is not valid exposition text; a parser reading the whole page would fail there instead.
  const body = 'a 1\nb 2\nc 3\nthis is { not metrics\n';
  assert.equal(limitError(body, { sampleLimit: 2 }), 'sample_limit exceeded (samples: more than 2, limit: 2)');
});

test('label_limit, label_name_length_limit and label_value_length_limit name the metric, the figure and the limit', () => {
  assert.equal(limitError('m{a="1",b="2",c="3"} 1\n', { labelLimit: 2 }), 'label_limit exceeded (metric: m, number of labels: 3, limit: 2)');
  assert.equal(
    limitError(`m{${'n'.repeat(60)}="1"} 1\n`, { labelNameLengthLimit: 10 }),
    `label_name_length_limit exceeded (metric: m, label name: ${'n'.repeat(50)}, length: 60, limit: 10)`,
  );
  assert.equal(
    limitError(`${'m'.repeat(70)}{a="${'v'.repeat(100)}"} 1\n`, { labelValueLengthLimit: 99 }),
    `label_value_length_limit exceeded (metric: ${'m'.repeat(50)}, label name: a, value: "${'v'.repeat(50)}", length: 100, limit: 99)`,
  );
});

test('0 means no limit; OpenMetrics pages are checked the same way', () => {
  const many = Array.from({ length: 500 }, (_, i) => `m{i="${i}"} 1`).join('\n') + '\n';
  assert.equal(parsePage(many, undefined, NONE)[0]!.samples.length, 500);
  const om = '# TYPE m gauge\nm{a="1",b="2"} 1\n# EOF\n';
  assert.equal(limitError(om, { labelLimit: 1 }, 'application/openmetrics-text; version=1.0.0'), 'label_limit exceeded (metric: m, number of labels: 2, limit: 1)');
});
