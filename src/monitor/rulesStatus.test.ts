import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../config/index.js';
import { RuleEngine } from '../analyze/rules/engine.js';
import { createBaselineEvaluator } from '../analyze/rules/baseline.js';
import { resolveRules } from '../analyze/rules/resolve.js';
import { rulesStatus } from './rulesStatus.js';

test('rules status lists at most `max` baselines and says how many more; kinds without an evaluator are named', () => {
  const c = parseConfig({
    default_rules: false,
    rules: [
      { kind: 'baseline', metric: 'lat', warmup: 10 },
      { kind: 'forecast', metric: 'disk', above: 90, horizon: 600 },
    ],
  });
  const engine = new RuleEngine(resolveRules([], c.rules), { kinds: { baseline: createBaselineEvaluator }, maxSeriesPerRule: 7 });
  for (let s = 0; s < 10; s++) {
    const labels = { pod: `p${s}` };
    for (let k = 0; k < 12; k++) engine.observe('lat', labels, 1000 * (k + 1), 100 + s);
  }
  const r = rulesStatus(engine, [], 5);
  assert.equal(r.rules, 2);
  assert.deepEqual(r.byKind, { baseline: 1, forecast: 1 });
  assert.deepEqual(r.kindsNotAvailable, ['forecast']);
  assert.equal(r.evaluators, 7);
  assert.equal(r.skippedSeries, 3, 'the three series past the bound');
  assert.equal(r.baselines.length, 5);
  assert.equal(r.baselinesNotListed, 2);
  assert.deepEqual(r.baselines[0], { rule: 'baseline:lat', series: 'lat{pod="p0"}', state: 'ready', learnt: 12, warmup: 10, centre: r.baselines[0]!.centre, spread: r.baselines[0]!.spread });
  assert.ok(Math.abs((r.baselines[0]?.centre ?? NaN) - 100) < 1e-9);
});
