// The recording-style helpers against a real SeriesStore. Histogram cases are
// Prometheus's request_duration_seconds_bucket from
// promql/promqltest/testdata/histograms.test ("Aggregated histogram"), queried
// with 2.42's rate(…[5m]) at 50m (3.x needs [10m] for the same two samples).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Labels, Sample } from '../../core/types.js';
import { SeriesStore } from '../../store/series.js';
import { close, load } from './load.test.js';
import { histogramQuantileOver, increaseOver, meanOver, rateOver } from './over.js';

const M = 60_000;

/** A store holding each `[name, labels, promqltest values]` loaded at `stepMs`. */
function storeWith(stepMs: number, series: [string, Labels, string][]): SeriesStore {
  const store = new SeriesStore({ capacity: 64, maxSeries: 1000 });
  for (const [name, labels, values] of series) {
    store.append(load(stepMs, values).map((p): Sample => ({ name, labels, t: p.t, v: p.v })));
  }
  return store;
}

const requestDuration: [string, Labels, string][] = [
  ['job1', 'ins1', ['0+1x10', '0+3x10', '0+4x10']],
  ['job1', 'ins2', ['0+2x10', '0+5x10', '0+6x10']],
  ['job2', 'ins1', ['0+3x10', '0+4x10', '0+6x10']],
  ['job2', 'ins2', ['0+4x10', '0+7x10', '0+9x10']],
].flatMap(([job, instance, vals]) =>
  (['0.1', '0.2', '+Inf'] as const).map((le, i): [string, Labels, string] => [
    'request_duration_seconds_bucket',
    { job: job as string, instance: instance as string, le },
    (vals as string[])[i]!,
  ]),
);

/** `{labels} value` lines, as promqltest prints expectations. */
function lines(items: readonly { labels: Labels; quantile?: number; value: number | undefined }[]): Map<string, number | undefined> {
  const out = new Map<string, number | undefined>();
  for (const it of items) {
    const ls = Object.keys(it.labels).sort().map((k) => `${k}="${it.labels[k]}"`).join(',');
    out.set(`${it.quantile ?? ''}{${ls}}`, it.value);
  }
  return out;
}

function expectLines(actual: Map<string, number | undefined>, expected: Record<string, number>): void {
  assert.deepEqual([...actual.keys()].sort(), Object.keys(expected).sort());
  for (const [k, v] of Object.entries(expected)) close(actual.get(k), v, k);
}

describe('histogramQuantileOver', () => {
  const store = storeWith(5 * M, requestDuration);

  it('computes per label set, like histogram_quantile(q, rate(x_bucket[5m]))', () => {
    expectLines(lines(histogramQuantileOver(store, 'request_duration_seconds', undefined, 50 * M, 5 * M, [0.3, 0.5])), {
      '0.3{instance="ins1",job="job1"}': 0.11,
      '0.3{instance="ins2",job="job1"}': 0.09,
      '0.3{instance="ins1",job="job2"}': 0.06,
      '0.3{instance="ins2",job="job2"}': 0.0675,
      '0.5{instance="ins1",job="job1"}': 0.15,
      '0.5{instance="ins2",job="job1"}': 0.13333333333333333,
      '0.5{instance="ins1",job="job2"}': 0.1,
      '0.5{instance="ins2",job="job2"}': 0.11666666666666667,
    });
  });

  it('sums away labels first, like sum without(instance)(rate(…))', () => {
    expectLines(lines(histogramQuantileOver(store, 'request_duration_seconds', {}, 50 * M, 5 * M, [0.3, 0.5], { sumWithout: ['instance'] })), {
      '0.3{job="job1"}': 0.1,
      '0.3{job="job2"}': 0.0642857142857143,
      '0.5{job="job1"}': 0.14,
      '0.5{job="job2"}': 0.1125,
    });
    expectLines(lines(histogramQuantileOver(store, 'request_duration_seconds', {}, 50 * M, 5 * M, [0.3, 0.5], { sumWithout: ['job', 'instance'] })), {
      '0.3{}': 0.075,
      '0.5{}': 0.1277777777777778,
    });
  });

  it('filters by labels', () => {
    expectLines(lines(histogramQuantileOver(store, 'request_duration_seconds', { job: 'job2', instance: 'ins2' }, 50 * M, 5 * M, [0.5])), {
      '0.5{instance="ins2",job="job2"}': 0.11666666666666667,
    });
  });

  it('parses every le spelling and skips bad ones', () => {
    const mixed = storeWith(5 * M, [
      ['mixed_bucket', { le: '0.1' }, '0+1x10'],
      ['mixed_bucket', { le: '0.2' }, '0+1x10'],
      ['mixed_bucket', { le: '2e-1' }, '0+1x10'],
      ['mixed_bucket', { le: '2.0e-1' }, '0+1x10'],
      ['mixed_bucket', { le: 'bogus' }, '0+100x10'],
      ['mixed_bucket', { le: '+Inf' }, '0+4x10'],
    ]);
    expectLines(lines(histogramQuantileOver(mixed, 'mixed', undefined, 50 * M, 5 * M, [0.5, 0.75, 1])), {
      '0.5{}': 0.15,
      '0.75{}': 0.2,
      '1{}': 0.2,
    });
  });

  it('gives NaN when no observations arrived in the window, nothing without samples', () => {
    const flat = storeWith(5 * M, [
      ['empty_bucket', { le: '0.1' }, '0x10'],
      ['empty_bucket', { le: '+Inf' }, '0x10'],
    ]);
    const r = histogramQuantileOver(flat, 'empty', undefined, 50 * M, 5 * M, [0.2]);
    assert.equal(r.length, 1);
    close(r[0]!.value, NaN);
    assert.deepEqual(histogramQuantileOver(flat, 'empty', undefined, 500 * M, 5 * M, [0.2]), []);
  });
});

describe('rateOver / increaseOver', () => {
  const store = storeWith(5 * M, [
    ['http_requests_total', { path: '/foo' }, '0+10x10'],
    ['http_requests_total', { path: '/bar' }, '0+18x5 0+18x5'],
    ['http_requests_total', { path: '/once' }, '_ _ _ _ _ _ _ _ _ _ 5'],
  ]);

  it('gives one result per series with two samples in [at - window, at]', () => {
    expectLines(lines(increaseOver(store, 'http_requests_total', undefined, 50 * M, 50 * M)), {
      '{path="/bar"}': 162,
      '{path="/foo"}': 100,
    });
    expectLines(lines(rateOver(store, 'http_requests_total', { path: '/foo' }, 50 * M, 50 * M)), {
      '{path="/foo"}': 100 / 3000,
    });
  });

  it('reads only in-order samples: the store refuses ones older than a series\' newest', () => {
    const s = new SeriesStore({ capacity: 8, maxSeries: 8 });
    s.append([10, 30, 20].map((v): Sample => ({ name: 'c_total', labels: {}, t: v * 1000, v })));
    expectLines(lines(increaseOver(s, 'c_total', undefined, 30_000, 20_000)), { '{}': 20 });
  });
});

describe('meanOver', () => {
  const store = storeWith(5 * M, [
    ['latency_seconds_sum', { engine: 'a' }, '0+3x10'],
    ['latency_seconds_count', { engine: 'a' }, '0+2x10'],
    ['latency_seconds_sum', { engine: 'b' }, '0+1x10'],
    ['latency_seconds_count', { engine: 'b' }, '0+2x10'],
    ['latency_seconds_sum', { engine: 'idle' }, '5x10'],
    ['latency_seconds_count', { engine: 'idle' }, '4x10'],
  ]);

  it('divides increase(sum) by increase(count), undefined without new observations', () => {
    const r = lines(meanOver(store, 'latency_seconds', undefined, 50 * M, 5 * M));
    assert.deepEqual([...r.keys()], ['{engine="a"}', '{engine="b"}', '{engine="idle"}']);
    close(r.get('{engine="a"}'), 1.5);
    close(r.get('{engine="b"}'), 0.5);
    assert.equal(r.get('{engine="idle"}'), undefined);
  });

  it('sums away labels first', () => {
    const r = meanOver(store, 'latency_seconds', undefined, 50 * M, 5 * M, { sumWithout: ['engine'] });
    assert.equal(r.length, 1);
    assert.deepEqual(r[0]!.labels, {});
    close(r[0]!.value, 1); // (3 + 1 + 0) / (2 + 2 + 0)
  });
});
