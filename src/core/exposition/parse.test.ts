import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { formatExposition, parseExposition, readExposition } from './index.js';
import type { ExpositionSample, MetricFamily } from './index.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/engines/', import.meta.url));
const fixture = (name: string): string => readFileSync(FIXTURES + name, 'utf8');

function family(families: MetricFamily[], name: string): MetricFamily {
  const f = families.find((x) => x.name === name);
  assert.ok(f, `family ${name} present`);
  return f;
}

function sample(f: MetricFamily, name: string, labels: Record<string, string>): ExpositionSample {
  const s = f.samples.find((x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v));
  assert.ok(s, `sample ${name} ${JSON.stringify(labels)} present`);
  return s;
}

describe('engine fixture pages', () => {
  const pages = readdirSync(FIXTURES).filter((f) => f.endsWith('.metrics.txt'));

  it('finds the fixture pages', () => {
    assert.ok(pages.length >= 6, `found ${pages.length} pages`);
  });

  for (const page of pages) {
    it(`parses ${page}, and its re-formatted text parses to the same families`, () => {
      const text = fixture(page);
      const families = parseExposition(text, 'text/plain; version=0.0.4; charset=utf-8');
      assert.deepEqual(parseExposition(text), families, 'detected format gives the same result');
      const sampleLines = text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
      assert.equal(families.reduce((n, f) => n + f.samples.length, 0), sampleLines, 'every sample line is a sample');
      assert.deepEqual(parseExposition(formatExposition(families, 'text'), 'text/plain'), families);
    });
  }

  it('vLLM V1 (nvcr 25.09): histogram buckets, _sum/_count, _created gauge family, counter value', () => {
    const fams = parseExposition(fixture('vllm-0.10-v1-nvcr-25.09-qwen3-4b.metrics.txt'));
    const ttft = family(fams, 'vllm:time_to_first_token_seconds');
    assert.equal(ttft.type, 'histogram');
    assert.equal(ttft.help, 'Histogram of time to first token in seconds.');
    const buckets = ttft.samples.filter((s) => s.name === 'vllm:time_to_first_token_seconds_bucket');
    assert.equal(buckets.length, 23);
    assert.deepEqual(buckets.at(-1), {
      name: 'vllm:time_to_first_token_seconds_bucket',
      labels: { engine: '0', le: '+Inf', model_name: 'Qwen/Qwen3-4B-Instruct-2507-FP8' },
      value: 6,
    });
    assert.equal(sample(ttft, 'vllm:time_to_first_token_seconds_bucket', { le: '0.04' }).value, 4);
    assert.equal(sample(ttft, 'vllm:time_to_first_token_seconds_count', {}).value, 6);
    assert.equal(sample(ttft, 'vllm:time_to_first_token_seconds_sum', {}).value, 0.24629998207092285);
    const created = family(fams, 'vllm:time_to_first_token_seconds_created');
    assert.equal(created.type, 'gauge');
    assert.equal(created.samples[0]!.value, 1.771042457421546e9);
    const prompt = family(fams, 'vllm:prompt_tokens_total');
    assert.equal(prompt.type, 'counter');
    assert.equal(prompt.samples[0]!.value, 246);
    const http = family(fams, 'http_requests_total');
    assert.equal(sample(http, 'http_requests_total', { handler: '/v1/models', method: 'GET' }).value, 27);
    assert.equal(
      family(fams, 'http_request_duration_seconds_created').help,
      'Latency with only few buckets by handler. Made to be only used if aggregation by handler is important. ',
      'trailing blank of HELP text kept',
    );
  });

  it('vLLM V1 (2026): a family with a TYPE line and no samples is kept', () => {
    const fams = parseExposition(fixture('vllm-v1-2026-qwen2.5-0.5b.metrics.txt'));
    const last = fams.at(-1)!;
    assert.equal(last.name, 'http_request_duration_seconds');
    assert.equal(last.type, 'histogram');
    assert.deepEqual(last.samples, []);
    const success = family(fams, 'vllm:request_success_total');
    assert.equal(success.samples.length, 5);
    assert.deepEqual(success.samples.map((s) => s.labels['finished_reason']), ['stop', 'length', 'abort', 'error', 'repetition']);
  });

  it('DCGM exporter: many labels, decimal value', () => {
    const fams = parseExposition(fixture('dcgm-exporter-nvidia-l40s.metrics.txt'));
    const power = family(fams, 'DCGM_FI_DEV_POWER_USAGE');
    assert.equal(power.type, 'gauge');
    assert.equal(power.samples[0]!.value, 35.686);
    assert.equal(power.samples[0]!.labels['modelName'], 'NVIDIA L40S');
    assert.equal(Object.keys(power.samples[0]!.labels).length, 7);
    assert.equal(family(fams, 'DCGM_FI_DEV_GPU_TEMP').samples[0]!.value, 32);
  });

  it('TGI: blank lines, counters without _total, a summary with quantiles', () => {
    const fams = parseExposition(fixture('tgi-datadog-fixture-excerpt.metrics.txt'));
    const success = family(fams, 'tgi_request_success');
    assert.equal(success.type, 'counter');
    assert.deepEqual(success.samples, [{ name: 'tgi_request_success', labels: {}, value: 109 }]);
    const skipped = family(fams, 'tgi_request_skipped_tokens');
    assert.equal(skipped.type, 'summary');
    assert.deepEqual(
      skipped.samples.filter((s) => s.name === 'tgi_request_skipped_tokens').map((s) => s.labels['quantile']),
      ['0', '0.5', '0.9', '0.95', '0.99', '0.999', '1'],
    );
    assert.equal(sample(skipped, 'tgi_request_skipped_tokens_sum', {}).value, 0);
  });

  it('SGLang docs example: histogram counts', () => {
    const fams = parseExposition(fixture('sglang-docs-example.metrics.txt'));
    const ttft = family(fams, 'sglang:time_to_first_token_seconds');
    assert.equal(sample(ttft, 'sglang:time_to_first_token_seconds_count', {}).value, 11008);
    const func = family(fams, 'sglang:func_latency_seconds');
    assert.equal(sample(func, 'sglang:func_latency_seconds_count', { name: 'generate_request' }).value, 14007);
  });
});

describe('text format 0.0.4', () => {
  it('parses values, specials, timestamps, escapes and blanks', () => {
    const page = [
      '# A comment',
      '#no space comment',
      '# HELP a Help with \\\\ backslash, \\n newline and \\" kept',
      '# TYPE a gauge',
      'a{x="q\\"uote",y="back\\\\slash",z="new\\nline",w="odd\\t"} 1.5e3 1700000000123',
      '  a { x = "2" , } -Inf',
      'a{x="3"}+inf',
      'a\t{x="4"}\tNaN\t',
      'a{x="5"} -0',
      '',
      'b 0x',
    ];
    assert.throws(() => parseExposition(page.join('\n')), /invalid value "0x"/);
    page.pop();
    const [a] = parseExposition(page.join('\n') + '\n');
    assert.ok(a);
    assert.equal(a.help, 'Help with \\ backslash, \n newline and \\" kept');
    assert.deepEqual(a.samples[0], {
      name: 'a',
      labels: { x: 'q"uote', y: 'back\\slash', z: 'new\nline', w: 'odd\\t' },
      value: 1500,
      timestamp: 1700000000123,
    });
    assert.deepEqual(
      a.samples.slice(1).map((s) => [s.labels['x'], s.value]),
      [
        ['2', -Infinity],
        ['3', Infinity],
        ['4', NaN],
        ['5', -0],
      ],
    );
  });

  it('accepts every float spelling Go ParseFloat does (no hex, no _)', () => {
    const cases: Array<[string, number]> = [
      ['1', 1], ['-1', -1], ['+1', 1], ['.5', 0.5], ['5.', 5], ['1e3', 1000], ['1E-3', 0.001], ['1.5e+2', 150],
      ['Inf', Infinity], ['+Inf', Infinity], ['-inf', -Infinity], ['infinity', Infinity], ['-INFINITY', -Infinity],
      ['NaN', NaN], ['nan', NaN], ['0.1', 0.1], ['123456789012345678901234567890', 1.2345678901234568e29],
      ['1.7740114612872875e+09', 1.7740114612872875e9], ['4.9e-324', 5e-324], ['1e-400', 0],
    ];
    for (const [text, want] of cases) {
      const [f] = parseExposition(`m ${text}\n`, 'text/plain');
      assert.ok(Object.is(f!.samples[0]!.value, want), `${text} -> ${f!.samples[0]!.value}, want ${want}`);
    }
    for (const bad of ['0x10', '1_000', '1e', '.', '+nan', 'Infinit', '1e400', '--1', '1.2.3', '0x1p-2']) {
      assert.throws(() => parseExposition(`m ${bad}\n`, 'text/plain'), { code: 'EP_ERR_EXPOSITION_PARSE' }, bad);
    }
  });

  it('groups _bucket/_sum/_count under a histogram, _sum/_count under a summary, and untyped samples alone', () => {
    const fams = parseExposition(
      [
        '# TYPE h histogram',
        'h_bucket{le="1"} 1',
        'h_bucket{le="+Inf"} 2',
        'h_sum 3',
        'h_count 2',
        '# TYPE s summary',
        's{quantile="0.5"} 1',
        's_sum 1',
        's_count 1',
        'loose 7',
        'h_other 1',
      ].join('\n'),
    );
    assert.deepEqual(
      fams.map((f) => [f.name, f.type, f.samples.length]),
      [
        ['h', 'histogram', 4],
        ['s', 'summary', 3],
        ['loose', 'untyped', 1],
        ['h_other', 'untyped', 1],
      ],
    );
  });

  it('merges samples of a family that come back later (expfmt keeps one family per name)', () => {
    const fams = parseExposition('# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na{x="y"} 2\n');
    assert.deepEqual(fams.map((f) => [f.name, f.samples.length]), [['a', 2], ['b', 1]]);
  });

  it('readExposition reports lines without grouping', () => {
    const seen: string[] = [];
    const text = '# HELP a x\n# TYPE a gauge\na 1\nb 2\n';
    readExposition(text, 'text', {
      help: (name, help) => seen.push(`help ${name} ${help}`),
      type: (name, type) => seen.push(`type ${name} ${type}`),
      unit: (name, unit) => seen.push(`unit ${name} ${unit}`),
      sample: (s, at) => seen.push(`sample ${s.name} ${s.value} @${at}`),
    });
    assert.deepEqual(seen, ['help a x', 'type a gauge', `sample a 1 @${text.indexOf('a 1')}`, `sample b 2 @${text.indexOf('b 2')}`]);
  });
});

describe('OpenMetrics 1.0.0', () => {
  const page = [
    '# TYPE req counter',
    '# HELP req Requests, \\"quoted\\" \\\\ and \\n.',
    'req_total{path="/"} 3 1700000000.5 # {trace_id="abc",span="1"} 0.25 1700000000.001',
    // A metric's samples carry timestamps all or none (OpenMetrics 1.0, "Metric").
    'req_created{path="/"} 1699999999.25 1700000000.5',
    '# TYPE lat_seconds histogram',
    '# UNIT lat_seconds seconds',
    'lat_seconds_bucket{le="0.1"} 1 # {trace_id="t"} 0.05',
    'lat_seconds_bucket{le="+Inf"} 2',
    'lat_seconds_sum 0.3',
    'lat_seconds_count 2',
    'lat_seconds_created 1.5e9',
    '# TYPE q summary',
    'q{quantile="0.99"} 4',
    'q_sum 5',
    'q_count 6',
    '# TYPE build info',
    'build_info{version="1.2"} 1',
    '# TYPE state stateset',
    'state{state="a"} 1',
    'state{state="b"} 0',
    '# TYPE queue gaugehistogram',
    'queue_bucket{le="1"} 1',
    'queue_bucket{le="+Inf"} 1',
    'queue_gcount 1',
    'queue_gsum 0.5',
    '# TYPE other unknown',
    'other 1',
    'bare 2',
    '# EOF',
  ].join('\n');

  it('parses every type, units, exemplars, float-second timestamps and _created series', () => {
    const fams = parseExposition(page, 'application/openmetrics-text; version=1.0.0; charset=utf-8');
    assert.deepEqual(parseExposition(page), fams, 'detected by # EOF');
    assert.deepEqual(
      fams.map((f) => [f.name, f.type, f.samples.length]),
      [
        ['req', 'counter', 2],
        ['lat_seconds', 'histogram', 5],
        ['q', 'summary', 3],
        ['build', 'info', 1],
        ['state', 'stateset', 2],
        ['queue', 'gaugehistogram', 4],
        ['other', 'unknown', 1],
        ['bare', 'unknown', 1],
      ],
    );
    const req = fams[0]!;
    assert.equal(req.help, 'Requests, "quoted" \\ and \n.');
    assert.deepEqual(req.samples[0], {
      name: 'req_total',
      labels: { path: '/' },
      value: 3,
      timestamp: 1700000000500,
      exemplar: { labels: { trace_id: 'abc', span: '1' }, value: 0.25, timestamp: 1700000000001 },
    });
    assert.equal(req.samples[1]!.value, 1699999999.25);
    assert.equal(fams[1]!.unit, 'seconds');
    assert.deepEqual(fams[1]!.samples[0]!.exemplar, { labels: { trace_id: 't' }, value: 0.05 });
  });

  it('accepts a final newline after # EOF or none', () => {
    assert.deepEqual(parseExposition('a 1\n# EOF'), parseExposition('a 1\n# EOF\n'));
    assert.deepEqual(parseExposition('# EOF\n', 'application/openmetrics-text'), []);
  });

  it('truncates sub-millisecond timestamps toward zero, as Prometheus does', () => {
    // Three metrics: within one, timestamps may not go backwards.
    const [f] = parseExposition('a{i="1"} 1 1.0019\na{i="2"} 2 -1.0019\na{i="3"} 3 1e3\n# EOF\n');
    assert.deepEqual(f!.samples.map((s) => s.timestamp), [1001, -1001, 1000000]);
  });
});

describe('format selection', () => {
  it('follows the content type over the text', () => {
    // "# EOF" in a text/plain page is a comment.
    assert.deepEqual(parseExposition('a 1\n# EOF\n', 'text/plain; version=0.0.4')[0]!.type, 'untyped');
    assert.deepEqual(parseExposition('a 1\n# EOF\n')[0]!.type, 'unknown');
    assert.deepEqual(parseExposition('# UNIT x_s s\n# TYPE x_s gauge\n', 'text/plain'), [{ name: 'x_s', type: 'gauge', samples: [] }]);
    assert.throws(() => parseExposition('a 1\n', 'application/openmetrics-text'), /expected '# EOF'/);
    assert.throws(() => parseExposition('a 1\n', 'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily'), {
      code: 'EP_ERR_EXPOSITION_PARSE',
    });
    assert.equal(parseExposition('a 1\n', 'application/json')[0]!.type, 'untyped', 'unknown types fall back to detection');
  });
});
