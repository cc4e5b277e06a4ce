/** Five ticks of an integrated system writing echo.dash files to `statsDir`: how many collections ran, and the alert events. */
import type { TestContext } from 'node:test';
import { ManualClock } from '../../src/core/clock.js';
import { MemoryLogger } from '../../src/core/logger.js';
import { createIntegratedSystem } from '../../src/monitor/integrated.js';

export async function fiveTicksWithStatsDir(t: TestContext, statsDir: string): Promise<{ collections: number; events: string[] }> {
  const clock = new ManualClock(Date.now());
  const system = createIntegratedSystem(undefined, {
    config: { log_level: 'silent', echo_dash: { stats_dir: statsDir } },
    clock,
    systemCollector: false,
    gpuCollector: false,
    serve: false,
    logger: new MemoryLogger(),
    consoleAlerts: false,
  });
  const events: string[] = [];
  system.monitor.registerAlertHandler((a) => void events.push(`${a.component}:${a.severity}:${a.status}`));
  let collections = 0;
  system.monitor.registerCollector('c', () => ({ ticks: ++collections }));
  await system.start();
  t.after(() => system.stop());
  for (let i = 0; i < 5; i++) await clock.advance(1000);
  await system.monitor.flushAlerts();
  return { collections, events };
}
