/**
 * The rules as GET /api/v1/status and getComprehensiveStatus show them (a real
 * server on 127.0.0.1): counts, what each baseline learnt, pending alerts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../src/core/clock.js';
import { MemoryLogger } from '../../src/core/logger.js';
import { IntegratedPerformanceSystem } from '../../src/monitor/integrated.js';
import type { RulesStatus } from '../../src/monitor/rulesStatus.js';

const T0 = Date.UTC(2026, 10, 27, 12);

test('status has a rules part: counts per kind, each baseline with its learnt centre, alerts pending with their hold', async (t) => {
  const clock = new ManualClock(T0);
  const s = new IntegratedPerformanceSystem({
    config: {
      log_level: 'silent',
      monitoring_interval: 1,
      degradation_detection: { enabled: false },
      echo_dash: { enabled: false },
      server: { port: 0 },
      default_rules: false,
      rules: [
        { kind: 'baseline', name: 'queue-baseline', metric: 'queue_depth', warmup: 10 },
        { kind: 'threshold', name: 'queue-high', metric: 'queue_depth', above: 50, for: 60 },
      ],
    },
    clock,
    logger: new MemoryLogger(),
    consoleAlerts: false,
    systemCollector: false,
    gpuCollector: false,
  });
  t.after(() => s.stop());
  let i = 0;
  s.monitor.registerCollector('app', () => [
    { name: 'queue_depth', value: 80 + (i % 2), labels: { queue: 'a' } },
    { name: 'queue_depth', value: 10, labels: { queue: 'b' } },
  ]);
  s.monitor.onTick(() => void i++);
  await s.start();
  await clock.advance(15_000);

  const res = await fetch(`${s.address!.url}/api/v1/status`);
  assert.equal(res.status, 200);
  const r = ((await res.json()) as { rules: RulesStatus }).rules;
  assert.equal(r.rules, 2);
  assert.deepEqual(r.byKind, { baseline: 1, threshold: 1 });
  assert.equal(r.evaluators, 4, 'two rules × two series');
  assert.equal(r.skippedSeries, 0);
  assert.deepEqual(r.kindsNotAvailable, []);
  const a = r.baselines.find((b) => b.series === 'queue_depth{component="app",queue="a"}');
  assert.ok(a !== undefined, JSON.stringify(r.baselines));
  assert.equal(a.rule, 'queue-baseline');
  assert.equal(a.state, 'ready');
  assert.equal(a.warmup, 10);
  assert.ok(a.learnt >= 10 && a.centre! >= 80 && a.centre! <= 81 && a.spread! > 0, JSON.stringify(a));
  assert.equal(r.baselines.length, 2);
  assert.equal(r.baselinesNotListed, 0);
  assert.equal(r.pending.length, 1, 'queue a is above 50 and holds for 60 s');
  assert.equal(r.pending[0]!.rule, 'queue-high');
  assert.equal(r.pending[0]!.forSeconds, 60);
  assert.deepEqual(r.pending[0]!.labels, { queue: 'a' });
  assert.ok(r.pending[0]!.since <= T0 + 1000, 'since the first tick that saw it');
  assert.equal(r.pendingNotListed, 0);
  assert.deepEqual(s.getComprehensiveStatus().rules, s.monitor.getPerformanceSummary().rules);

  // The same counts on /metrics, for Prometheus.
  const page = await (await fetch(`${s.address!.url}/metrics`)).text();
  const line = (re: RegExp): string => page.split('\n').find((l) => re.test(l)) ?? `(none matching ${re.source})`;
  assert.match(line(/^# TYPE echo_perf_rules /), /gauge$/);
  assert.equal(line(/^echo_perf_rules\{kind="baseline"\}/), 'echo_perf_rules{kind="baseline"} 1');
  assert.equal(line(/^echo_perf_rules\{kind="threshold"\}/), 'echo_perf_rules{kind="threshold"} 1');
  assert.equal(line(/^echo_perf_rules\{kind="forecast"\}/), 'echo_perf_rules{kind="forecast"} 0');
  assert.equal(line(/^echo_perf_rule_evaluators /), 'echo_perf_rule_evaluators 4');
  assert.match(line(/^# TYPE echo_perf_rule_series_skipped_total /), /counter$/);
  assert.equal(line(/^echo_perf_rule_series_skipped_total /), 'echo_perf_rule_series_skipped_total 0');
  assert.equal(line(/^echo_perf_alerts_pending /), 'echo_perf_alerts_pending 1');
  assert.match(line(/^ALERTS\{/), /alertname="[^"]+".*alertstate="pending"/);
});
