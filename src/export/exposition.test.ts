import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatExposition, parseExposition } from '../core/exposition/index.js';
import type { Sample } from '../core/types.js';
import { buildExposition, type PassThroughPage } from './exposition.js';

const s = (name: string, labels: Record<string, string>, v: number): Sample => ({ name, labels, t: 0, v });

test('own samples are renamed and scaled through the table; the implicit component label goes', () => {
  const { families } = buildExposition({
    own: [s('cpu_usage', { component: 'system' }, 42), s('cpu_usage', { component: 'mine' }, 50), s('esn_update_time_ns', { component: 'dtesn' }, 52_000)],
    passThrough: [],
  });
  const cpu = families.find((f) => f.name === 'echo_perf_cpu_usage_ratio')!;
  assert.deepEqual(cpu.samples.map((x) => [{ ...x.labels }, x.value]), [[{}, 0.42], [{ component: 'mine' }, 0.5]]);
  const esn = families.find((f) => f.name === 'echo_perf_component_esn_update_time_seconds')!;
  assert.ok(Math.abs(esn.samples[0]!.value - 52e-6) < 1e-15);
  assert.deepEqual({ ...esn.samples[0]!.labels }, { component: 'dtesn' });
});

test('engine quantiles form one summary whose label sets are not interleaved (OpenMetrics MetricPoint rule)', () => {
  const own: Sample[] = [];
  for (const suffix of ['_p99', '_p50', '_p95']) {
    for (const engine of ['b', 'a']) own.push(s(`ttft_ms${suffix}`, { engine, model: 'm', component: engine }, suffix === '_p50' ? 10 : 20));
  }
  const { families } = buildExposition({ own, passThrough: [] });
  const f = families.find((x) => x.name === 'echo_perf_engine_time_to_first_token_seconds')!;
  assert.equal(f.type, 'summary');
  assert.deepEqual(
    f.samples.map((x) => `${x.labels['engine']}:${x.labels['quantile']}`),
    ['a:0.5', 'a:0.95', 'a:0.99', 'b:0.5', 'b:0.95', 'b:0.99'],
  );
  assert.equal(f.samples[0]!.labels['component'], undefined, 'component equal to the engine name is redundant');
  const om = formatExposition(families, 'openmetrics');
  assert.doesNotThrow(() => parseExposition(om, 'application/openmetrics-text; version=1.0.0'));
});

test('custom names that meet after renaming (a:b and a_b) are exposed once', () => {
  const { families } = buildExposition({ own: [s('q:depth', { component: 'c' }, 1), s('q_depth', { component: 'c' }, 2)], passThrough: [] });
  const f = families.find((x) => x.name === 'echo_perf_component_q_depth')!;
  assert.deepEqual(f.samples.map((x) => x.value), [1]);
});

test('pass-through pages: reserved families are refused and counted, repeats dropped, an engine rank is engine_index', () => {
  const page: PassThroughPage = {
    target: 'vllm',
    engine: true,
    samples: [
      s('vllm:num_requests_running', { engine: '0', job: 'vllm', component: 'vllm' }, 3),
      s('vllm:num_requests_running', { engine: '0', job: 'vllm', component: 'vllm' }, 4),
      s('up', { job: 'vllm' }, 1),
      s('echo_perf_series', { job: 'vllm' }, 1e9),
    ],
    familyOf: (name) => ({ family: name, type: 'gauge', help: `page help of ${name}` }),
  };
  const { families, droppedFamilies } = buildExposition({ own: [s('echo_perf_series', {}, 10)], passThrough: [page] });
  const running = families.find((x) => x.name === 'vllm:num_requests_running')!;
  assert.deepEqual(running.samples.map((x) => [{ ...x.labels }, x.value]), [[{ engine_index: '0', job: 'vllm', engine: 'vllm' }, 3]]);
  assert.equal(running.help, 'page help of vllm:num_requests_running');
  assert.equal(families.find((x) => x.name === 'up'), undefined);
  assert.deepEqual(families.find((x) => x.name === 'echo_perf_series')!.samples.map((x) => x.value), [10]);
  assert.equal(droppedFamilies.get('vllm'), 2);
  assert.deepEqual(families.find((x) => x.name === 'echo_perf_target_passthrough_dropped_families')!.samples.map((x) => [{ ...x.labels }, x.value]), [[{ target: 'vllm' }, 2]]);
});

test('a family two targets expose with different types is shown from the first only', () => {
  const page = (target: string, type: 'gauge' | 'counter'): PassThroughPage => ({
    target,
    engine: false,
    samples: [s('shared_metric', { job: target }, 1)],
    familyOf: () => ({ family: 'shared_metric', type }),
  });
  const { families, droppedFamilies } = buildExposition({ own: [], passThrough: [page('a', 'gauge'), page('b', 'counter')] });
  assert.deepEqual(families.find((x) => x.name === 'shared_metric')!.samples.map((x) => x.labels['job']), ['a']);
  assert.equal(droppedFamilies.get('b'), 1);
});

test('a label named __proto__ stays a label and changes no prototype', () => {
  const labels = JSON.parse('{"__proto__": "x", "job": "t"}') as Record<string, string>;
  const page: PassThroughPage = { target: 't', engine: false, samples: [s('m', labels, 1)], familyOf: () => undefined };
  const { families } = buildExposition({ own: [], passThrough: [page] });
  const out = families.find((x) => x.name === 'm')!.samples[0]!.labels;
  assert.equal(Object.getPrototypeOf(out), Object.prototype);
  assert.deepEqual(Object.keys(out).sort(), ['__proto__', 'job']);
  assert.match(formatExposition(families), /m\{__proto__="x",job="t"\} 1/);
});
