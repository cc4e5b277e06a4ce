import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../core/clock.js';
import { MemoryLogger } from '../core/logger.js';
import type { AlertGroup } from '../notify/dispatch.js';
import { UnifiedPerformanceMonitor } from './unifiedMonitor.js';

const clock = new ManualClock(1_700_000_000_000);

function make(): UnifiedPerformanceMonitor {
  const config = { log_level: 'silent' as const, alerting: { default_for: 0 }, degradation_detection: { enabled: false } };
  return new UnifiedPerformanceMonitor({ clock, logger: new MemoryLogger(), systemCollector: false, gpuCollector: false, config });
}

async function tick(m: UnifiedPerformanceMonitor): Promise<void> {
  await m.collectNow();
  await m.flushAlerts();
  await clock.advance(1000);
}

const shape = (g: AlertGroup): string => `${g.groupKey} ${g.status}: ${g.alerts.map((a) => `${a.metric}:${a.status}`).join(',')}`;

test('group handlers hear one call per component per evaluation, with its events together; silenced ones are held back', async () => {
  const m = make();
  let level = 99;
  m.registerCollector('a', () => ({ cpu_usage: level, memory_usage: level }));
  m.registerCollector('b', () => ({ cpu_usage: level }));
  const groups: string[] = [];
  const single: string[] = [];
  m.registerAlertGroupHandler((g) => void groups.push(shape(g)));
  m.registerAlertHandler((a) => void single.push(`${a.component}/${a.metric}`));
  m.registerAlertGroupHandler(() => {
    throw new Error('a broken receiver');
  });

  await tick(m);
  assert.deepEqual(groups, ['{component="a"} firing: cpu_usage:firing,memory_usage:firing', '{component="b"} firing: cpu_usage:firing']);
  assert.equal(single.length, 3, 'single-alert handlers still hear each alert');

  m.silences.add({ matchers: ['component="b"'], duration: 3600, createdBy: 'test', comment: 'b is being fixed' });
  level = 10;
  await tick(m);
  assert.deepEqual(groups.slice(2), ['{component="a"} resolved: cpu_usage:resolved,memory_usage:resolved', '{component="b"} resolved: cpu_usage:resolved'], 'an incident delivered before the silence ends as it began');

  level = 99;
  await tick(m);
  assert.deepEqual(groups.slice(4), ['{component="a"} firing: cpu_usage:firing,memory_usage:firing'], 'b is silenced');
  assert.throws(() => m.registerAlertGroupHandler('nope' as never), /registerAlertGroupHandler: handler: got string; expected a function/);
});
