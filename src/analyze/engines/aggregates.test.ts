import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Labels, Sample } from '../../core/types.js';
import { engineSnapshotAggregates } from './aggregates.js';
import { close, keyed } from './scrapes.test.js';

const t = 1_000;
const s = (name: string, labels: Labels, v: number): Sample => ({ name, labels, t, v });
const a = { engine: 'a', model: 'm1' };
const b = { engine: 'b' };

describe('engineSnapshotAggregates', () => {
  it('sums throughput, weights latency by request rate, takes the fullest KV cache', () => {
    const out = keyed(
      engineSnapshotAggregates([
        s('token_throughput', a, 100),
        s('token_throughput', b, 50),
        s('token_throughput', { ...a, engine_index: '0' }, 60), // per-index: already in the per-model sum
        s('request_rate', a, 3),
        s('request_rate', b, 1),
        s('request_latency_ms', a, 200),
        s('request_latency_ms', b, 1000),
        s('kv_cache_usage', a, 35),
        s('kv_cache_usage', b, 80),
        s('kv_cache_usage', { ...b, engine_index: '1' }, 95),
        s('requests_running', a, 4),
      ]),
    );
    assert.deepEqual([...out.keys()].sort(), ['kv_cache_usage', 'request_latency_ms', 'token_throughput']);
    close(out.get('token_throughput'), 150);
    close(out.get('request_latency_ms'), (200 * 3 + 1000 * 1) / 4);
    close(out.get('kv_cache_usage'), 80);
  });

  it('takes the worst latency when a request rate is unknown', () => {
    const out = keyed(engineSnapshotAggregates([s('request_latency_ms', a, 200), s('request_latency_ms', b, 1000), s('request_rate', a, 3)]));
    close(out.get('request_latency_ms'), 1000);
  });

  it('leaves out what no engine reported, and ignores unlabelled inputs', () => {
    assert.deepEqual(engineSnapshotAggregates([]), []);
    assert.deepEqual(engineSnapshotAggregates([s('token_throughput', {}, 10)]), []);
  });
});
