import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'valibot';
import { rulesSchema, type RuleConfig } from '../../config/rules/index.js';
import { SeriesStore } from '../../store/series.js';
import type { EvaluatorFactory, Level } from './evaluator.js';
import { RuleEngine } from './engine.js';
import { createThresholdEvaluator } from './threshold.js';
import { resolveRules } from './resolve.js';

const rules = (r: unknown[]) => resolveRules([], parse(rulesSchema, r));
const cpu = { kind: 'threshold', metric: 'cpu_usage', above: 85 };

test('matchers: equality, "" for an absent label, anchored regexes', () => {
  const e = new RuleEngine(rules([
    { ...cpu, name: 'gpu0', metric: 'gpu_utilization', match: { gpu: '0' } },
    { ...cpu, name: 'no_engine', metric: 'ttft_ms', match: { engine: '' } },
    { ...cpu, name: 'vllm', metric: 'ttft_ms', match_re: { engine: 'vllm' } },
  ]));
  e.observe('gpu_utilization', { gpu: '0' }, 1, 99);
  e.observe('gpu_utilization', { gpu: '1' }, 1, 99);
  e.observe('ttft_ms', {}, 1, 99);
  e.observe('ttft_ms', { engine: 'vllm' }, 1, 99);
  e.observe('ttft_ms', { engine: 'vllm2' }, 1, 99);
  const keys = e.findings(1).findings.map((f) => f.key).sort();
  assert.deepEqual(keys, ['rule:gpu0:gpu_utilization{gpu="0"}', 'rule:no_engine:ttft_ms', 'rule:vllm:ttft_ms{engine="vllm"}']);
});

test('findings carry kind, severity, component, labels, rule, hold times; recovery once the level drops to 0', () => {
  const e = new RuleEngine(rules([{ ...cpu, above: { warning: 85, critical: 95 }, for: 60, keep_firing_for: 30 }]));
  const labels = { component: 'system' };
  e.observe('cpu_usage', labels, 1000, 97);
  const [f] = e.findings(1000).findings;
  assert.deepEqual(
    { ...f, metadata: { ...f!.metadata } },
    {
      key: 'rule:threshold:cpu_usage:cpu_usage{component="system"}',
      kind: 'threshold',
      severity: 'critical',
      component: 'system',
      metric: 'cpu_usage',
      value: 97,
      threshold: 95,
      message: 'CPU usage 97 % above 95 % (critical)',
      metadata: { clear: 85, rule: 'threshold:cpu_usage', op: 'max' },
      rule: 'threshold:cpu_usage',
      forMs: 60_000,
      keepFiringForMs: 30_000,
    },
  );
  e.observe('cpu_usage', labels, 2000, 50);
  const r = e.findings(2000);
  assert.deepEqual(r.findings, []);
  assert.deepEqual(r.recoveries, [{ key: f!.key, value: 50, message: 'CPU usage back to 50 % (≤ 85 %)' }]);
  assert.deepEqual(e.findings(3000).recoveries, [], 'a recovery is said once');
});

test('component: the rule, else the component label, else the engine label, else the collector that made the series', () => {
  const store = new SeriesStore({ capacity: 8, maxSeries: 100 });
  store.append([{ name: 'kv_cache_usage', labels: { engine: 'vllm' }, t: 1000, v: 99 }], { meta: { origin: 'derived' } });
  store.append([{ name: 'cpu_usage', labels: {}, t: 1000, v: 99 }], { meta: { origin: 'collector:system' } });
  const e = new RuleEngine(rules([cpu, { kind: 'threshold', metric: 'kv_cache_usage', above: 95 }, { kind: 'threshold', name: 'named', metric: 'kv_cache_usage', above: 95, component: 'gpu-box' }]));
  e.evaluate(1000, store, (n, l) => store.metaOf(store.idOf(n, l))?.origin);
  assert.deepEqual(e.findings(1000).findings.map((f) => [f.rule, f.component]).sort(), [['named', 'gpu-box'], ['threshold:cpu_usage', 'system'], ['threshold:kv_cache_usage', 'vllm']]);
  store.append([{ name: 'cpu_usage', labels: {}, t: 2000, v: 10 }], { meta: { origin: 'collector:system' } });
  e.evaluate(2000, store);
  e.evaluate(2000, store);
  assert.equal(e.findings(2000).recoveries.length, 1, 'the live path feeds each sample once');
});

test('bounds: series past the per-rule and the overall bound are skipped and counted, and watched once room is freed', () => {
  const e = new RuleEngine(rules([cpu, { ...cpu, name: 'second' }]), { maxSeriesPerRule: 3, maxEvaluators: 5, staleMs: 10_000 });
  for (let i = 0; i < 10; i++) e.observe('cpu_usage', { core: String(i) }, 1000, 99);
  assert.deepEqual({ ...e.counts() }, { rules: 2, evaluators: 5, skippedSeries: 15, unavailableRules: 0 });
  // Series 0..2 of the first rule and 0..1 of the second go silent; a new series then fits.
  e.findings(20_000);
  assert.equal(e.counts().evaluators, 0, 'forgotten after the staleness period');
  e.observe('cpu_usage', { core: '9' }, 21_000, 99);
  assert.equal(e.findings(21_000).findings.length, 2);
});

test('staleness: a silent series is forgotten (its finding goes); a series that returns starts afresh', () => {
  const e = new RuleEngine(rules([cpu]), { staleMs: 5000 });
  const l = { host: 'a' };
  e.observe('cpu_usage', l, 1000, 99);
  assert.equal(e.findings(1000).findings.length, 1);
  assert.equal(e.findings(7000).findings.length, 0);
  assert.equal(e.counts().evaluators, 0);
  e.observe('cpu_usage', l, 8000, 50);
  assert.equal(e.counts().evaluators, 1);
  assert.equal(e.findings(8000).findings.length, 0);
});

test('kinds without an evaluator here are skipped and counted; slo rules are not per-series', () => {
  const e = new RuleEngine(rules([cpu, { kind: 'anomaly', metric: 'cpu_usage' }, { kind: 'slo', ttft_ms: 500 }]), { kinds: { threshold: createThresholdEvaluator } });
  assert.deepEqual(e.rules.map((r) => [r.name, e.available(r)]), [['threshold:cpu_usage', true], ['anomaly:cpu_usage', false]]);
  assert.equal(e.counts().unavailableRules, 1);
  e.observe('cpu_usage', {}, 1, 99);
  assert.equal(e.findings(1).findings.length, 1);
});

test('setRules keeps the state of unchanged rules and starts changed ones afresh', () => {
  const first = rules([{ ...cpu, clear: 50 }, { kind: 'threshold', metric: 'memory_usage', above: 90, clear: 50 }]);
  const e = new RuleEngine(first);
  e.observe('cpu_usage', {}, 1, 99);
  e.observe('memory_usage', {}, 1, 99);
  e.setRules(rules([{ ...cpu, clear: 50 }, { kind: 'threshold', metric: 'memory_usage', above: 95, clear: 50 }]));
  e.observe('cpu_usage', {}, 2, 70);
  e.observe('memory_usage', {}, 2, 70);
  assert.deepEqual(e.findings(2).findings.map((f) => f.metric), ['cpu_usage'], 'cpu held by hysteresis; memory rule new, 70 is under 95');
});

/** A kind with state worth keeping: counts the samples it saw. */
const counting: EvaluatorFactory<RuleConfig> = () => {
  let n = 0;
  return {
    update: (): Level => (++n >= 3 ? 1 : 0),
    explain: () => ({ value: n, reference: 3, message: `seen ${n}` }),
    save: () => ({ n }),
    restore: (s: unknown) => {
      if (typeof s !== 'object' || s === null || typeof (s as { n?: unknown }).n !== 'number') return false;
      n = (s as { n: number }).n;
      return true;
    },
  };
};

test('saveState / restoreState: kept state comes back, applied when the series is next seen; hostile entries are refused with the reason', () => {
  const kinds = { anomaly: counting };
  const a = new RuleEngine(rules([{ kind: 'anomaly', metric: 'x' }]), { kinds });
  a.observe('x', {}, 1, 0);
  a.observe('x', {}, 2, 0);
  const saved = a.saveState();
  assert.deepEqual(saved, [['rule:anomaly:x:x', '{"n":2}']]);
  const b = new RuleEngine(rules([{ kind: 'anomaly', metric: 'x' }]), { kinds });
  const r = b.restoreState([...saved, ['rule:a:x', '{'], 'junk', ['nope', '{}']]);
  assert.equal(r.restored, 1);
  assert.deepEqual(r.problems, [
    'state[1][1]: got "{"; expected JSON',
    'state[2]: got "junk"; expected a ["rule:<name>:<series>", "<json>"] pair',
    'state[3]: got ["nope","{}"]; expected a ["rule:<name>:<series>", "<json>"] pair',
  ]);
  b.observe('x', {}, 3, 0);
  assert.equal(b.findings(3).findings[0]?.message, 'seen 3');
  assert.match(b.restoreState({}).problems[0]!, /^state: got .*; expected an array/);
});

test('duplicate rule names in the config are refused, naming the rule', () => {
  assert.throws(() => rules([cpu, cpu]), /rules\[1\]\.name: got "threshold:cpu_usage"; expected a name no other rule has/);
});
