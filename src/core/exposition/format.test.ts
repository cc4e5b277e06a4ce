import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contentTypeFor, formatExposition, negotiateFormat, parseExposition } from './index.js';
import type { MetricFamily } from './index.js';

const counter: MetricFamily = {
  name: 'req',
  type: 'counter',
  help: 'Requests with "quotes", a \\ and a\nnewline.',
  samples: [
    {
      name: 'req_total',
      labels: { path: '/a"b\\c\nd' },
      value: 3,
      timestamp: 1700000000123,
      exemplar: { labels: { trace_id: 'abc' }, value: 0.5, timestamp: 1700000000000 },
    },
    { name: 'req_created', labels: { path: '/a"b\\c\nd' }, value: 1699999999.5 },
  ],
};

describe('formatExposition', () => {
  it('writes text 0.0.4 the way client_python does', () => {
    assert.equal(
      formatExposition([counter]),
      [
        '# HELP req_total Requests with "quotes", a \\\\ and a\\nnewline.',
        '# TYPE req_total counter',
        'req_total{path="/a\\"b\\\\c\\nd"} 3 1700000000123',
        '# HELP req_created Requests with "quotes", a \\\\ and a\\nnewline.',
        '# TYPE req_created gauge',
        'req_created{path="/a\\"b\\\\c\\nd"} 1699999999.5',
        '',
      ].join('\n'),
    );
  });

  it('writes OpenMetrics: family without _total, HELP quotes escaped, seconds, exemplars, # EOF', () => {
    assert.equal(
      formatExposition([counter], 'openmetrics'),
      [
        '# HELP req Requests with \\"quotes\\", a \\\\ and a\\nnewline.',
        '# TYPE req counter',
        'req_total{path="/a\\"b\\\\c\\nd"} 3 1700000000.123 # {trace_id="abc"} 0.5 1700000000',
        'req_created{path="/a\\"b\\\\c\\nd"} 1699999999.5',
        '# EOF',
        '',
      ].join('\n'),
    );
  });

  it('spells +Inf, -Inf, NaN and -0, and maps types per format', () => {
    const fams: MetricFamily[] = [
      { name: 'g', type: 'gauge', samples: [1, -1, Infinity, -Infinity, NaN, -0, 1e21, 5e-324].map((v) => ({ name: 'g', labels: {}, value: v })) },
      { name: 'u', type: 'unknown', samples: [{ name: 'u', labels: {}, value: 1 }] },
      { name: 'i', type: 'info', samples: [{ name: 'i_info', labels: { v: '1' }, value: 1 }] },
      { name: 'x_bytes', type: 'gauge', unit: 'bytes', samples: [] },
    ];
    assert.equal(
      formatExposition(fams, 'text'),
      '# TYPE g gauge\ng 1\ng -1\ng +Inf\ng -Inf\ng NaN\ng -0\ng 1e+21\ng 5e-324\n' +
        '# TYPE u untyped\nu 1\n# TYPE i_info gauge\ni_info{v="1"} 1\n# TYPE x_bytes gauge\n',
    );
    assert.equal(
      formatExposition(fams, 'openmetrics'),
      '# TYPE g gauge\ng 1\ng -1\ng +Inf\ng -Inf\ng NaN\ng -0\ng 1e+21\ng 5e-324\n' +
        '# TYPE u unknown\nu 1\n# TYPE i info\ni_info{v="1"} 1\n# TYPE x_bytes gauge\n# UNIT x_bytes bytes\n# EOF\n',
    );
  });

  it('writes an OpenMetrics counter sample named after the family with _total, and negative timestamps', () => {
    const fams: MetricFamily[] = [{ name: 'c', type: 'counter', samples: [{ name: 'c', labels: {}, value: 1, timestamp: -1500 }] }];
    const om = formatExposition(fams, 'openmetrics');
    assert.equal(om, '# TYPE c counter\nc_total 1 -1.5\n# EOF\n');
    assert.deepEqual(parseExposition(om)[0]!.samples[0], { name: 'c_total', labels: {}, value: 1, timestamp: -1500 });
  });

  it('folds text-style foo_created gauge families into foo for OpenMetrics, which would otherwise clash', () => {
    // As client_python writes text 0.0.4 (vLLM's /metrics).
    const text = [
      '# HELP req_total Requests.',
      '# TYPE req_total counter',
      'req_total{code="200"} 5',
      'req_total{code="500"} 1',
      '# HELP req_created Requests.',
      '# TYPE req_created gauge',
      'req_created{code="500"} 1.7e9',
      'req_created{code="200"} 1.6e9',
      '# HELP lat_seconds Latency.',
      '# TYPE lat_seconds histogram',
      'lat_seconds_bucket{le="1"} 1',
      'lat_seconds_bucket{le="+Inf"} 2',
      'lat_seconds_count 2',
      'lat_seconds_sum 1.5',
      '# HELP lat_seconds_created Latency.',
      '# TYPE lat_seconds_created gauge',
      'lat_seconds_created 1.6e9',
      '',
    ].join('\n');
    const families = parseExposition(text, 'text/plain');
    const before = structuredClone(families);
    const om = formatExposition(families, 'openmetrics');
    assert.deepEqual(families, before, 'the families given are not changed');
    assert.equal(
      om,
      [
        '# HELP req Requests.',
        '# TYPE req counter',
        'req_total{code="200"} 5',
        'req_created{code="200"} 1600000000',
        'req_total{code="500"} 1',
        'req_created{code="500"} 1700000000',
        '# HELP lat_seconds Latency.',
        '# TYPE lat_seconds histogram',
        'lat_seconds_bucket{le="1"} 1',
        'lat_seconds_bucket{le="+Inf"} 2',
        'lat_seconds_count 2',
        'lat_seconds_sum 1.5',
        'lat_seconds_created 1600000000',
        '# EOF',
        '',
      ].join('\n'),
    );
    assert.deepEqual(
      parseExposition(om).map((f) => [f.name, f.type, f.samples.map((x) => x.name)]),
      [
        ['req', 'counter', ['req_total', 'req_created', 'req_total', 'req_created']],
        ['lat_seconds', 'histogram', ['lat_seconds_bucket', 'lat_seconds_bucket', 'lat_seconds_count', 'lat_seconds_sum', 'lat_seconds_created']],
      ],
    );
  });

  it('keeps non-ASCII text intact', () => {
    const fams: MetricFamily[] = [{ name: 'm', type: 'gauge', help: 'Größe – 中文 😀', samples: [{ name: 'm', labels: { model: 'modèle-😀' }, value: 2 }] }];
    const page = formatExposition(fams);
    assert.equal(page, '# HELP m Größe – 中文 😀\n# TYPE m gauge\nm{model="modèle-😀"} 2\n');
    assert.deepEqual(parseExposition(page), fams);
  });

  it('rejects what the format cannot carry, with EP_ERR_ARGUMENT', () => {
    const bad: Array<[MetricFamily, 'text' | 'openmetrics']> = [
      [{ name: 'bad-name', type: 'gauge', samples: [] }, 'text'],
      [{ name: 'g', type: 'gauge', samples: [{ name: 'g', labels: { 'bad-label': 'x' }, value: 1 }] }, 'text'],
      [{ name: 'g', type: 'gauge', samples: [{ name: 'g', labels: { __name__: 'x' }, value: 1 }] }, 'text'],
      [{ name: 'g', type: 'gauge', samples: [{ name: 'g', labels: {}, value: 1, timestamp: -1 }] }, 'text'],
      [{ name: 'g', type: 'gauge', samples: [{ name: 'g', labels: {}, value: 1, timestamp: NaN }] }, 'openmetrics'],
      [{ name: 'g', type: 'gauge', unit: 'seconds', samples: [] }, 'openmetrics'],
    ];
    for (const [f, format] of bad) {
      assert.throws(() => formatExposition([f], format), { name: 'EchoPerfError', code: 'EP_ERR_ARGUMENT' }, JSON.stringify(f));
    }
  });
});

describe('contentTypeFor', () => {
  it('names the exposition content types', () => {
    assert.equal(contentTypeFor('text'), 'text/plain; version=0.0.4; charset=utf-8');
    assert.equal(contentTypeFor('openmetrics'), 'application/openmetrics-text; version=1.0.0; charset=utf-8');
  });
});

describe('negotiateFormat', () => {
  it('picks OpenMetrics only when asked for with non-zero q', () => {
    const cases: Array<[string | undefined, 'text' | 'openmetrics']> = [
      [undefined, 'text'],
      ['', 'text'],
      ['*/*', 'text'],
      ['text/plain', 'text'],
      ['application/openmetrics-text', 'openmetrics'],
      ['application/openmetrics-text; version=1.0.0', 'openmetrics'],
      ['application/openmetrics-text;version=0.0.1', 'openmetrics'],
      ['application/openmetrics-text;version=2.0.0', 'text'],
      ['application/openmetrics-text;q=0', 'text'],
      ['application/openmetrics-text;version=1.0.0;q=0.0, text/plain;q=0.5', 'text'],
      ['text/plain;version=0.0.4;q=0.9,application/openmetrics-text;version=1.0.0;q=0.5', 'text'],
      ['text/plain;q=0.4,application/openmetrics-text;q=0.5', 'openmetrics'],
      ['application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited', 'text'],
      // Prometheus 2.42's scrape Accept header.
      [
        'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
        'openmetrics',
      ],
      ['APPLICATION/OpenMetrics-Text; Version=1.0.0', 'openmetrics'],
    ];
    for (const [accept, want] of cases) assert.equal(negotiateFormat(accept), want, String(accept));
  });
});
