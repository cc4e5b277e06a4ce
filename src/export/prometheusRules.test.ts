import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'valibot';
import { ruleSchema } from '../config/rules/index.js';
import { promTargets } from './promSelector.js';
import { promSeconds, renderPrometheusRules, templateLiteral, type ExportableRule } from './prometheusRules.js';
import { yamlString } from './rulesYaml.js';

type SeriesRule = ExportableRule['spec'];
const rule = (r: unknown): SeriesRule => parse(ruleSchema, r) as SeriesRule;

test('selectors use the exposed family, its quantile and the labels /metrics keeps', () => {
  const sel = (r: unknown): string[] => {
    const t = promTargets(rule(r));
    assert.ok(t.ok, JSON.stringify(t));
    return t.targets.map((x) => x.selector);
  };
  assert.deepEqual(sel({ kind: 'threshold', metric: 'ttft_ms_p95', match_re: { engine: 'vllm.*' }, above: 1000 }), ['echo_perf_engine_time_to_first_token_seconds{quantile="0.95",engine=~"vllm.*"}']);
  // Per engine and across engines: both families, unless the matchers rule one out.
  assert.deepEqual(sel({ kind: 'threshold', metric: 'token_throughput', below: 5 }), ['echo_perf_engine_generation_tokens_per_second', 'echo_perf_engines_generation_tokens_per_second']);
  assert.deepEqual(sel({ kind: 'threshold', metric: 'kv_cache_usage', match: { component: 'engines' }, above: 90 }), ['echo_perf_engines_max_kv_cache_usage_ratio']);
  // Host figures of the system collector carry no `component` on /metrics.
  assert.deepEqual(sel({ kind: 'threshold', metric: 'cpu_usage', match: { component: 'system' }, above: 90 }), ['echo_perf_cpu_usage_ratio{component=""}']);
  assert.deepEqual(sel({ kind: 'threshold', metric: 'queue:depth', above: 1 }), ['echo_perf_component_queue_depth']);
  const refused = promTargets(rule({ kind: 'threshold', metric: 'cpu_usage', match_re: { host: '(a)\\1' }, above: 1 }));
  assert.ok(!refused.ok && /match_re\.host .*backreferences/.test(refused.why));
});

test('levels are scaled to the exposed unit; hold times and severities are kept', () => {
  const text = renderPrometheusRules({
    rules: [{ name: 'threshold:cpu_usage', alertname: 'HighCpuUsage', spec: rule({ kind: 'threshold', metric: 'cpu_usage', above: { warning: 85, critical: 97.5 }, for: 90, keep_firing_for: 1.5 }) }],
    slos: [],
    intervalSeconds: 1,
  });
  assert.match(text, /- alert: 'HighCpuUsage'\n {8}expr: 'echo_perf_cpu_usage_ratio > 0\.975'\n {8}for: 90s\n {8}keep_firing_for: 1500ms\n {8}labels:\n {10}severity: 'critical'/);
  assert.match(text, /expr: 'echo_perf_cpu_usage_ratio > 0\.85'/);
  assert.match(text, /description: 'cpu_usage above 85 % \(0\.85 on \/metrics\)/);
});

test('durations, YAML strings and template text are written safely', () => {
  assert.deepEqual([3600, 5400, 45, 1.5, 86400].map(promSeconds), ['1h', '90m', '45s', '1500ms', '1d']);
  assert.equal(yamlString(`it's`), `'it''s'`);
  assert.equal(yamlString('a\nb: c'), '"a\\nb: c"');
  assert.equal(templateLiteral('a {{ .b }}'), 'a {{ "{{" }} .b }}');
});
