/** A DiskStore in a test's temp dir, on a ManualClock, closed after the test. */
import type { TestContext } from 'node:test';
import { ManualClock } from '../../src/core/clock.js';
import { MemoryLogger } from '../../src/core/logger.js';
import { DiskStore } from '../../src/store/disk/diskStore.js';
import type { DiskHealth, DiskStoreOptions } from '../../src/store/disk/types.js';

export const DAY = 86_400_000;

export interface OpenedStore {
  store: DiskStore;
  clock: ManualClock;
  logger: MemoryLogger;
  health: DiskHealth[];
  reopen(): Promise<OpenedStore>;
}

export function openTestStore(t: TestContext, dataDir: string, over: Partial<DiskStoreOptions> = {}, clock = new ManualClock(Date.UTC(2026, 0, 1))): OpenedStore {
  const logger = new MemoryLogger();
  const health: DiskHealth[] = [];
  const store = DiskStore.open({
    dataDir,
    flushIntervalMs: 5000,
    retention: { rawMs: 2 * DAY, minuteMs: 30 * DAY, hourMs: 365 * DAY },
    maxPendingSamples: 1_000_000,
    clock,
    logger,
    onHealth: (h) => health.push(h),
    ...over,
  });
  t.after(() => store.close());
  return {
    store,
    clock,
    logger,
    health,
    reopen: async () => {
      await store.close();
      return openTestStore(t, dataDir, over, clock);
    },
  };
}
