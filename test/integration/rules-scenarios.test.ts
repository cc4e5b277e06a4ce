/**
 * The default rules, measured on the engine simulator's scenarios in simulated
 * time: steady load for 10 minutes raises nothing; every other scenario raises
 * the alert it should, within the time stated in docs/rules.md.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { ManualClock } from '../../src/core/clock.js';
import { MemoryLogger } from '../../src/core/logger.js';
import { UnifiedPerformanceMonitor } from '../../src/monitor/unifiedMonitor.js';
import type { PerformanceAlert } from '../../src/alert/alert.js';
import { startEngineSimulator, type ScenarioName } from '../../src/simulate/engine/index.js';

const T0 = 1_760_000_000_000;

interface Run {
  monitor: UnifiedPerformanceMonitor;
  /** Every event the handlers heard, in order. */
  events: PerformanceAlert[];
  /** Runs `seconds` 1-s ticks, returning the first event that `until` accepts (then stops). */
  run(seconds: number, until?: (a: PerformanceAlert) => boolean): Promise<{ at: number; alert: PerformanceAlert } | undefined>;
  sim: { scenario: ScenarioName };
  clock: ManualClock;
}

async function start(t: TestContext, scenario: ScenarioName = 'steady'): Promise<Run> {
  const clock = new ManualClock(T0);
  const sim = await startEngineSimulator({ flavor: 'vllm', port: 0, clock, scenario, seed: 42 });
  t.after(() => sim.close());
  const monitor = new UnifiedPerformanceMonitor({
    config: { engines: [{ name: 'vllm', url: sim.metricsUrl }], gpu: { enabled: false }, log_level: 'silent' },
    clock,
    systemCollector: false,
    logger: new MemoryLogger(),
  });
  t.after(() => monitor.stopMonitoring());
  const events: PerformanceAlert[] = [];
  monitor.registerAlertHandler((a) => void events.push(a));
  return {
    monitor,
    events,
    sim,
    clock,
    async run(seconds, until) {
      const from = events.length;
      for (let i = 0; i < seconds; i++) {
        await monitor.collectNow();
        // Handlers run off the tick: an event may be heard a moment after the tick that raised it.
        await new Promise((r) => setImmediate(r));
        const hit = until === undefined ? undefined : events.slice(from).find(until);
        if (hit !== undefined) return { at: hit.timestamp, alert: hit };
        await clock.advance(1000);
      }
      return undefined;
    },
  };
}

const show = (es: readonly PerformanceAlert[]): string => es.map((a) => `${a.status} ${a.severity} ${a.component}/${a.metric}: ${a.message}`).join('\n');

/**
 * What each scenario must raise, and by when (seconds after the switch): the
 * table in docs/rules.md ("Measured on the simulator"). Each starts after
 * 5 minutes of steady load, so baselines are learnt.
 */
const EXPECTED: readonly { scenario: ScenarioName; within: number; what: string; match: (a: PerformanceAlert) => boolean }[] = [
  { scenario: 'load-spike', within: 60, what: 'TTFT off its baseline', match: (a) => a.kind === 'baseline' && a.metric === 'ttft_ms' },
  { scenario: 'throughput-degradation', within: 60, what: 'token_throughput falling (trend)', match: (a) => a.kind === 'trend' && a.metric === 'token_throughput' },
  { scenario: 'kv-cache-saturation', within: 180, what: 'KV cache heading for saturation', match: (a) => a.metric === 'kv_cache_usage' },
  { scenario: 'engine-restart', within: 35, what: 'the engine target down', match: (a) => a.kind === 'target' },
  { scenario: 'outage', within: 5, what: 'the engine target down', match: (a) => a.kind === 'target' },
  { scenario: 'stalled', within: 10, what: 'engine stalled (critical)', match: (a) => a.kind === 'engine' && a.severity === 'critical' },
];

describe('default rules on the simulator', { timeout: 300_000 }, () => {
  it('steady load for 10 minutes of simulated time raises no alert', async (t) => {
    const r = await start(t);
    await r.run(600);
    assert.deepEqual(show(r.events), '', 'no alert event');
    assert.equal(r.monitor.getRecentAlerts().length, 0);
  });

  for (const e of EXPECTED) {
    it(`${e.scenario}: ${e.what} within ${e.within} s`, async (t) => {
      const r = await start(t);
      await r.run(300);
      assert.deepEqual(show(r.events), '', 'quiet before the switch');
      r.sim.scenario = e.scenario;
      const from = r.clock.now();
      const hit = await r.run(e.within + 1, (a) => a.status === 'firing' && e.match(a));
      assert.ok(hit !== undefined, `no matching alert within ${e.within} s; heard:\n${show(r.events)}`);
      assert.ok(hit.at - from <= e.within * 1000, `after ${(hit.at - from) / 1000} s`);
      assert.ok(hit.alert.message.length > 0 && !/NaN|undefined/.test(hit.alert.message), hit.alert.message);
    });
  }
});
