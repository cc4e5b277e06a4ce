import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeWriteRequestBody, wireLabels, writeRequestBody } from './encode.js';

test('a WriteRequest survives snappy and protobuf: labels sorted with __name__ first, samples in order', () => {
  const series = [
    { labels: wireLabels('echo_perf_cpu_usage_ratio', { job: 'echo-perf', instance: 'node-1', component: 'system' }), samples: [{ value: 0.25, timestamp: 1_700_000_000_000 }, { value: 0.5, timestamp: 1_700_000_001_000 }] },
    { labels: wireLabels('up', { zeta: 'z', alpha: 'a', empty: '' }), samples: [{ value: Number.MAX_VALUE, timestamp: 1_700_000_000_123 }] },
  ];
  const back = decodeWriteRequestBody(writeRequestBody(series));
  assert.deepEqual(back, series);
  assert.deepEqual(back[0]!.labels.map((l) => l.name), ['__name__', 'component', 'instance', 'job']);
  assert.deepEqual(back[1]!.labels.map((l) => l.name), ['__name__', 'alpha', 'zeta'], 'an empty value is no label');
});

test('a body declaring more than the bound is refused when read', () => {
  const body = writeRequestBody([{ labels: wireLabels('x', { a: 'b'.repeat(5000) }), samples: [{ value: 1, timestamp: 1 }] }]);
  assert.throws(() => decodeWriteRequestBody(body, 1000));
});
