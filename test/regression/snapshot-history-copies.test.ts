// metricsHistory held a full copy of every series in each of its
// max_metrics_history snapshots: memory grew with series × ticks beside the
// store, which held the same samples. Snapshots are now views: a tick keeps
// references into the store and its snapshot is built when read, so an old
// snapshot shows what the store still holds and nothing else.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../src/core/clock.js';
import { MemoryLogger } from '../../src/core/logger.js';
import { UnifiedPerformanceMonitor } from '../../src/monitor/unifiedMonitor.js';

test('an old snapshot is built from the store when read, not kept as a copy', async () => {
  const clock = new ManualClock(1_700_000_000_000);
  const m = new UnifiedPerformanceMonitor({ clock, logger: new MemoryLogger(), systemCollector: false, gpuCollector: false, config: { log_level: 'silent' } });
  let n = 0;
  m.registerCollector('gpu_like', () => {
    n++;
    return Array.from({ length: 50 }, (_, i) => ({ name: 'gpu_utilization', value: n, labels: { gpu: String(i) } }));
  });
  for (let i = 0; i < 40; i++) {
    await m.collectNow();
    await clock.advance(1000);
  }
  assert.equal(m.metricsHistory.length, 40);
  const oldest = m.metricsHistory.at(0)!;
  assert.equal(oldest.gpuUtilization, 1);
  assert.equal(Object.keys(oldest.componentMetrics['gpu_like']!).length, 50);
  assert.notEqual(m.metricsHistory.at(0), oldest, 'read again, it is built again');
  // Once the store lets the series go, no snapshot of the history has them any more.
  m.store.evictOlderThan(Infinity);
  assert.equal(m.metricsHistory.at(0)!.gpuUtilization, undefined);
  assert.equal(m.metricsHistory.at(0)!.timestamp, oldest.timestamp, 'the tick itself is still there');
});
