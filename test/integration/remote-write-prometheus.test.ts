/**
 * remote_write into a real Prometheus (Debian's, --web.enable-remote-write-receiver)
 * on 127.0.0.1: what the agent holds comes back from Prometheus sample for
 * sample, and a receiver outage of ~20 s (past the in-memory queue, so the
 * backlog is read back from the data dir) leaves no gap and no duplicate.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { UnifiedPerformanceMonitor } from '../../src/monitor/unifiedMonitor.js';
import { MemoryLogger } from '../../src/core/logger.js';
import { requirePeer } from '../helpers/peers.js';
import { startPrometheus, waitFor } from '../helpers/prometheus.js';

test('samples written to Prometheus equal the agent\'s, across a 20 s receiver outage', { timeout: 120_000 }, async (t) => {
  const binary = requirePeer(t, 'prometheus');
  if (binary === undefined) return;
  const prom = await startPrometheus(binary, '  []\n', ['--web.enable-remote-write-receiver']);
  const dataDir = mkdtempSync(join(tmpdir(), 'ep-rw-'));
  t.after(async () => {
    await prom.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  let n = 0;
  const monitor = new UnifiedPerformanceMonitor({
    logger: new MemoryLogger(),
    config: {
      monitoring_interval: 0.25,
      gpu: { enabled: false },
      system: { enabled: false },
      echo_dash: { enabled: false },
      storage: { enabled: true, data_dir: dataDir, flush_interval: 0.5 },
      remote_write: [
        {
          url: `${prom.url}/api/v1/write`,
          name: 'prom',
          external_labels: { job: 'echo-perf', instance: 'test-node' },
          // 20 s of outage at 4 ticks/s overflows 100 samples: the rest comes back from the data dir.
          queue: { capacity: 100, max_samples_per_send: 50, batch_send_deadline: 0.2, min_backoff: 0.05, max_backoff: 1 },
        },
      ],
    },
  });
  monitor.registerCollector('rwtest', () => ({ rw_seq: n++ }));
  t.after(() => monitor.close());
  monitor.startMonitoring();
  const promCount = async (): Promise<number> => {
    const r = await prom.query('count_over_time(echo_perf_component_rw_seq{instance="test-node"}[10m])');
    return r.length === 0 ? 0 : Number(r[0]!.value![1]);
  };
  await waitFor('first samples in Prometheus', async () => ((await promCount()) >= 8 ? true : undefined), 30_000);
  await prom.pause();
  await new Promise((r) => setTimeout(r, 20_000));
  await prom.resume();
  const atResume = n;
  await waitFor('the outage backfilled', async () => ((await promCount()) >= atResume + 8 ? true : undefined), 60_000);
  monitor.stopMonitoring();
  const held = await monitor.query({ metric: 'rw_seq', start: Date.now() - 600_000 });
  await monitor.close();
  const ours = held.series[0]!.points;
  const r = await prom.query('echo_perf_component_rw_seq{instance="test-node"}[10m]');
  assert.equal(r.length, 1, JSON.stringify(r).slice(0, 300));
  const theirs = r[0]!.values!.map(([s, v]): [number, number] => [Math.round(s * 1000), Number(v)]);
  // Everything the agent held up to the last sample Prometheus has (the rest was still in flight at stop).
  const last = theirs.at(-1)![0];
  assert.deepEqual(theirs, ours.filter(([tm]) => tm <= last));
  // No gap, no duplicate: one sample per tick, the collector's count going up by one each.
  for (let i = 1; i < theirs.length; i++) assert.equal(theirs[i]![1] - theirs[i - 1]![1], 1, `gap or duplicate at ${i}: ${JSON.stringify(theirs.slice(Math.max(0, i - 2), i + 2))}`);
  assert.ok(theirs.length > 80, `only ${theirs.length} samples: the outage was not covered`);
});
