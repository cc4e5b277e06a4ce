/**
 * The monitor and its store: a persistent tier attached to the store hears of
 * every series and sample of the ticks, and alert state brought back after a
 * restart fires on without notifying anyone twice.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../core/clock.js';
import { MemoryLogger } from '../core/logger.js';
import type { SeriesDescriptor, SeriesPersistence } from '../store/persistence.js';
import { UnifiedPerformanceMonitor } from './unifiedMonitor.js';

function make(clock = new ManualClock(1_700_000_000_000)): UnifiedPerformanceMonitor {
  return new UnifiedPerformanceMonitor({ clock, logger: new MemoryLogger(), systemCollector: false, gpuCollector: false, config: { log_level: 'silent', degradation_detection: { enabled: false }, alerting: { default_for: 0 } } });
}

class Kept implements SeriesPersistence {
  readonly byId = new Map<number, SeriesDescriptor>();
  readonly samples = new Map<string, [number, number][]>();
  defineSeries(id: number, d: SeriesDescriptor): void {
    this.byId.set(id, d);
  }
  append(id: number, t: number, v: number): void {
    const d = this.byId.get(id);
    assert.ok(d !== undefined, `sample for id ${id} before its descriptor`);
    const list = this.samples.get(d.key) ?? [];
    list.push([t, v]);
    this.samples.set(d.key, list);
  }
}

test('a persistence attached to the store gets each series once, with its origin, and every sample of every tick', async () => {
  const clock = new ManualClock(1_700_000_000_000);
  const m = make(clock);
  let n = 0;
  m.registerCollector('app', () => ({ jobs: ++n }));
  const kept = new Kept();
  m.store.attach(kept);
  await m.collectNow();
  await clock.advance(1000);
  await m.collectNow();
  const byKey = new Map([...kept.byId.values()].map((d) => [d.key, d]));
  assert.equal(byKey.get('jobs{component="app"}')?.origin, 'collector:app');
  assert.equal(byKey.get('echo_perf_ticks_total')?.origin, 'self');
  assert.deepEqual(kept.samples.get('jobs{component="app"}'), [[1_700_000_000_000, 1], [1_700_000_001_000, 2]]);
  assert.equal(kept.byId.size, new Set([...kept.byId.values()].map((d) => d.key)).size, 'one descriptor per series');
});

test('alerts brought back after a restart fire on without a second notification, and resolve with one', async () => {
  const first = make();
  first.registerCollector('c', () => ({ cpu_usage: 99 }));
  await first.collectNow();
  assert.equal(first.firingAlerts().length, 1);
  const kept = JSON.parse(JSON.stringify(first.alertsHistory.toArray())) as unknown[];

  const clock = new ManualClock(1_700_000_060_000);
  const second = make(clock);
  let cpu = 99;
  second.registerCollector('c', () => ({ cpu_usage: cpu }));
  const heard: string[] = [];
  second.registerAlertHandler((a) => void heard.push(`${a.status}:${a.metric}`));
  assert.deepEqual(second.restoreAlerts(kept), { restored: 1, problems: [] });
  await second.collectNow();
  await second.flushAlerts();
  assert.deepEqual(heard, [], 'still firing: handlers heard of it before the restart');
  assert.equal(second.getRecentAlerts(1).length, 1);
  cpu = 10;
  await clock.advance(1000);
  await second.collectNow();
  await second.flushAlerts();
  assert.deepEqual(heard, ['resolved:cpu_usage']);
});
