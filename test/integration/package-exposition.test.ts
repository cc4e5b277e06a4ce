/**
 * The exposition parser and writer as a user of the package gets them: imported
 * by name from the built entry (dist/, through package.json "exports"), with
 * their types in the published declarations. Needs a build (`npm test` builds first).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type * as EchoPerf from '../../src/index.js';
import type { ParseOptions } from '../../src/index.js';

// A variable specifier: the type checker must not need dist/ to exist.
const entry = 'echo-perf';
const pkg = (await import(entry)) as typeof EchoPerf;

const TEXT_PAGE = [
  '# HELP vllm:num_requests_running Number of requests in model execution batches.',
  '# TYPE vllm:num_requests_running gauge',
  'vllm:num_requests_running{engine="0",model_name="Qwen/Qwen2.5-0.5B-Instruct"} 3',
  '# TYPE vllm:e2e_request_latency_seconds histogram',
  'vllm:e2e_request_latency_seconds_bucket{le="0.5"} 1',
  'vllm:e2e_request_latency_seconds_bucket{le="+Inf"} 4',
  'vllm:e2e_request_latency_seconds_sum 7.5',
  'vllm:e2e_request_latency_seconds_count 4',
  '',
].join('\n');

describe('the package entry exports the exposition API', () => {
  it('has the functions', () => {
    for (const fn of ['parseExposition', 'formatExposition', 'readExposition', 'negotiateFormat', 'contentTypeFor'] as const) {
      assert.equal(typeof pkg[fn], 'function', fn);
    }
  });

  it('round-trips a page in both formats', () => {
    const families = pkg.parseExposition(TEXT_PAGE, 'text/plain; version=0.0.4');
    assert.deepEqual(
      families.map((f) => [f.name, f.type, f.samples.length]),
      [
        ['vllm:num_requests_running', 'gauge', 1],
        ['vllm:e2e_request_latency_seconds', 'histogram', 4],
      ],
    );
    for (const format of ['text', 'openmetrics'] as const) {
      const page = pkg.formatExposition(families, format);
      assert.deepEqual(pkg.parseExposition(page, pkg.contentTypeFor(format)), families, format);
    }
    let samples = 0;
    pkg.readExposition(TEXT_PAGE, 'text', { help() {}, type() {}, unit() {}, sample: () => void samples++ }, { limits: { maxSamples: 10 } });
    assert.equal(samples, 5);
    assert.equal(pkg.negotiateFormat('application/openmetrics-text; version=1.0.0'), 'openmetrics');
  });

  it('parses OpenMetrics strictly by default, leniently on request, and applies limits', () => {
    const invalid = '# TYPE a counter\na_total -1\n# EOF\n';
    assert.throws(
      () => pkg.parseExposition(invalid, 'application/openmetrics-text'),
      (e: unknown) => e instanceof pkg.EchoPerfError && e.code === 'EP_ERR_EXPOSITION_PARSE' && /^line 2, column 1: /.test(e.message),
    );
    const seen: string[] = [];
    const options: ParseOptions = { strict: false, onViolation: (m) => seen.push(m) };
    assert.equal(pkg.parseExposition(invalid, 'application/openmetrics-text', options)[0]!.samples[0]!.value, -1);
    assert.equal(seen.length, 1);
    assert.throws(() => pkg.parseExposition(TEXT_PAGE, undefined, { limits: { maxSamples: 2 } }), {
      code: 'EP_ERR_EXPOSITION_LIMIT',
      message: 'sample_limit exceeded (samples: 3, limit: 2)',
    });
  });

  it('publishes the types', () => {
    const dts = readFileSync(new URL('../../dist/index.d.ts', import.meta.url), 'utf8');
    for (const t of ['MetricFamily', 'ExpositionSample', 'Exemplar', 'ExpositionFormat', 'ExpositionVisitor', 'ParseOptions', 'ParseLimits', 'MetricType']) {
      assert.match(dts, new RegExp(`\\b${t}\\b`), t);
    }
  });
});
