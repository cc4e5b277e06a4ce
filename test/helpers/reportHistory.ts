/**
 * A data dir filled by a real monitor (storage on, ManualClock), for the
 * report tests: 30 minutes at a 10 s interval of a host whose CPU climbs
 * (firing an alert that stays firing), an engine whose label value is markup,
 * and an SLO's good ratio and objective.
 */
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { ManualClock } from '../../src/core/clock.js';
import { MemoryLogger } from '../../src/core/logger.js';
import type { EchoPerfConfigInput } from '../../src/config/index.js';
import { IntegratedPerformanceSystem } from '../../src/monitor/integrated.js';
import { tempDir } from './tempTree.js';

export const EVIL = '<script>alert(1)</script>';
export const TICKS = 180;
export const INTERVAL_MS = 10_000;

export interface FilledHistory {
  dir: string;
  /** Start of the history: ticks ran at t0 + k * INTERVAL_MS, k = 1 .. TICKS. */
  t0: number;
  /** The value of cpu_usage at time t (a straight line from 20 % at t0 to 90 % TICKS intervals later). */
  cpu: (t: number) => number;
}

/** Options as for `agent`; `storage` entries are merged with the data dir. */
export function reportSystem(t: TestContext, dir: string, clock: ManualClock, storage: NonNullable<EchoPerfConfigInput['storage']> = {}): IntegratedPerformanceSystem {
  const s = new IntegratedPerformanceSystem({
    config: {
      log_level: 'silent',
      monitoring_interval: INTERVAL_MS / 1000,
      degradation_detection: { enabled: false },
      alerting: { default_for: 0 },
      echo_dash: { enabled: false },
      storage: { data_dir: dir, flush_interval: 1, ...storage },
    },
    clock,
    logger: new MemoryLogger(),
    consoleAlerts: false,
    serve: false,
    systemCollector: false,
    gpuCollector: false,
  });
  t.after(() => s.stop());
  return s;
}

/** Starts two hours before now (whole hours), so the tier the store picks follows the retention given, not the date the test runs on. */
export async function fillHistory(t: TestContext, storage: NonNullable<EchoPerfConfigInput['storage']> = {}): Promise<FilledHistory & { system: IntegratedPerformanceSystem }> {
  const dir = join(tempDir(t), 'data');
  const t0 = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 2 * 3_600_000;
  const clock = new ManualClock(t0);
  const system = reportSystem(t, dir, clock, storage);
  let i = 0;
  const cpu = (at: number): number => 20 + (70 * (at - t0)) / (TICKS * INTERVAL_MS);
  system.monitor.registerCollector('host', () => ({ cpu_usage: cpu(clock.now()), memory_usage: 50 + (i % 2) }));
  system.monitor.registerCollector('engines', () => [
    { name: 'token_throughput', labels: { engine: EVIL, model: 'm' }, value: 100 - i / 10 },
    { name: 'slo_good_ratio', labels: { slo: 'ttft-fast' }, value: 0.995 },
    { name: 'slo_objective', labels: { slo: 'ttft-fast' }, value: 0.99 },
  ]);
  await system.start();
  for (i = 1; i <= TICKS; i++) await clock.advance(INTERVAL_MS);
  await system.monitor.flushAlerts();
  await system.stop();
  return { dir, t0, cpu, system };
}
