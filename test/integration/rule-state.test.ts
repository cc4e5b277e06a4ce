/**
 * What the rules learnt survives a restart: a baseline learnt by one agent is
 * saved in the data dir (real SQLite in a temp dir) and taken back by the next
 * agent on it before its first tick, so a departure alerts at once, without a
 * new warm-up.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { ManualClock } from '../../src/core/clock.js';
import { MemoryLogger } from '../../src/core/logger.js';
import type { EchoPerfConfigInput } from '../../src/config/index.js';
import { IntegratedPerformanceSystem } from '../../src/monitor/integrated.js';
import { openTestStore } from '../helpers/diskStore.js';
import { tempDir } from '../helpers/tempTree.js';

const T0 = Date.UTC(2026, 10, 27, 12);
const RULES: EchoPerfConfigInput = {
  default_rules: false,
  rules: [{ kind: 'baseline', name: 'queue-baseline', metric: 'queue_depth', direction: 'above', warmup: 20, samples: 1, k: 4, min_change: 0.2 }],
};

function agent(t: TestContext, dataDir: string, clock: ManualClock, depth: () => number): IntegratedPerformanceSystem {
  const s = new IntegratedPerformanceSystem({
    config: { log_level: 'silent', monitoring_interval: 1, degradation_detection: { enabled: false }, echo_dash: { enabled: false }, storage: { data_dir: dataDir, flush_interval: 1 }, ...RULES },
    clock,
    logger: new MemoryLogger(),
    consoleAlerts: false,
    serve: false,
    systemCollector: false,
    gpuCollector: false,
  });
  s.monitor.registerCollector('app', () => ({ queue_depth: depth() }));
  t.after(() => s.stop());
  return s;
}

const baselineAlerts = (s: IntegratedPerformanceSystem): string[] => s.monitor.firingAlerts().filter((a) => a.metadata['rule'] === 'queue-baseline').map((a) => a.message);

test('a learnt baseline survives a restart on the same data dir: a departure fires at once', async (t) => {
  const dir = join(tempDir(t), 'data');
  const clock = new ManualClock(T0);
  let i = 0;
  const first = agent(t, dir, clock, () => 100 + (i++ % 3));
  await first.start();
  await clock.advance(40_000);
  assert.deepEqual(baselineAlerts(first), [], 'steady: nothing fires');
  await first.stop();

  const peek = openTestStore(t, dir);
  const kept = peek.store.loadState('rules');
  await peek.store.close();
  assert.equal(kept.length, 1, 'one baseline saved');
  assert.match(kept[0]![0], /^rule:queue-baseline:queue_depth\{component="app"\}$/);
  const saved = JSON.parse(kept[0]![1] as string) as { centre: number; learnt: number };
  assert.ok(saved.centre > 99 && saved.centre < 103 && saved.learnt >= 20, JSON.stringify(saved));

  const second = agent(t, dir, clock, () => 300);
  await second.start();
  await clock.advance(1000);
  const fired = baselineAlerts(second);
  assert.equal(fired.length, 1, 'the restored baseline fires on the first departure');
  assert.match(fired[0]!, /queue_depth 300 is 2\.9\d*× its baseline 10\d/);
});

test('without saved state the same departure only starts a warm-up (what a restart did before)', async (t) => {
  const clock = new ManualClock(T0);
  const fresh = agent(t, join(tempDir(t), 'data'), clock, () => 300);
  await fresh.start();
  await clock.advance(5000);
  assert.deepEqual(baselineAlerts(fresh), []);
});
