/**
 * A monitor's alerts reach a real Alertmanager (Debian's prometheus-alertmanager
 * 0.25 on 127.0.0.1) as Prometheus hands them over: the firing alert is held
 * active with our labels and annotations and a lease that follows the
 * monitor's own clock and interval; once the condition clears it leaves the
 * active list and Alertmanager's receiver hears it resolved.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../src/core/clock.js';
import { MemoryLogger } from '../../src/core/logger.js';
import type { EchoPerfConfigInput } from '../../src/config/index.js';
import { UnifiedPerformanceMonitor } from '../../src/monitor/unifiedMonitor.js';
import { startAlertmanager, type GettableAlert } from '../helpers/alertmanager.js';

const INTERVAL_S = 120;

/** Polls `fn` every 100 ms until it returns a value, for at most 10 s. */
async function eventually<T>(what: string, fn: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) assert.fail(`timed out after 10 s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('a monitor’s alert is held by a real Alertmanager with our labels and a lease on the monitor’s interval, then resolves', { timeout: 20_000 }, async (t) => {
  const am = await startAlertmanager(t);
  if (am === undefined) return;
  // Manual time a minute behind the wall clock: Alertmanager judges endsAt by its own clock, so the
  // firing lease must lie ahead of it and the resolution behind it.
  const clock = new ManualClock(Math.floor(Date.now() / 1000) * 1000 - 60_000);
  const cfg: EchoPerfConfigInput = {
    log_level: 'silent',
    monitoring_interval: INTERVAL_S,
    default_rules: false,
    degradation_detection: { enabled: false },
    rules: [{ kind: 'threshold', name: 'hot', metric: 'rig_temperature', above: { warning: 80, critical: 95 }, for: 0 }],
    notifiers: [{ type: 'alertmanager', name: 'am', url: am.url, retry: { initial_backoff: 0.1, max_backoff: 0.4 } }],
  };
  const m = new UnifiedPerformanceMonitor({ config: cfg, clock, logger: new MemoryLogger(), systemCollector: false, gpuCollector: false });
  const temp = { v: 50 };
  m.registerCollector('rig', () => ({ rig_temperature: temp.v }));
  t.after(() => m.close());
  const step = async (v: number): Promise<void> => {
    temp.v = v;
    await clock.advance(1000);
    await m.collectNow();
    await m.flushAlerts();
  };

  await step(91);
  const firedAt = clock.now();
  assert.equal(m.notifierStatus()[0]!.sent, 1, m.notifierStatus()[0]!.lastError);
  const ours = (list: GettableAlert[]): GettableAlert | undefined => list.find((a) => a.labels['alertname'] === 'HighRigTemperature');
  const held = await eventually('the alert in GET /api/v2/alerts', async () => ours(await am.alerts()));
  assert.equal(held.status.state, 'active');
  assert.equal(held.labels['severity'], 'warning');
  assert.equal(held.labels['component'], 'rig');
  assert.equal(held.labels['metric'], 'rig_temperature');
  assert.match(held.annotations['summary'] ?? '', /temperature/i);
  assert.equal(Date.parse(held.startsAt), firedAt);
  // Prometheus's lease, 4 × max(evaluation interval, 1 min resend delay), from the monitor's clock and interval.
  assert.equal(Date.parse(held.endsAt), firedAt + 4 * INTERVAL_S * 1000);
  assert.ok(Date.parse(held.endsAt) > Date.now(), `endsAt ${held.endsAt} ahead of now`);
  const firing = await eventually('Alertmanager’s firing notification', () => am.webhooks.find((w) => w.status === 'firing'));
  assert.equal(firing.alerts[0]!.labels['alertname'], 'HighRigTemperature');

  await step(60);
  const resolvedAt = clock.now();
  assert.equal(m.notifierStatus()[0]!.sent, 2, m.notifierStatus()[0]!.lastError);
  await eventually('the alert gone from the active list', async () => (ours(await am.alerts()) === undefined ? true : undefined));
  const resolved = await eventually('Alertmanager’s resolved notification', () => am.webhooks.find((w) => w.status === 'resolved'));
  assert.equal(resolved.alerts[0]!.labels['alertname'], 'HighRigTemperature');
  assert.equal(Date.parse(resolved.alerts[0]!.endsAt), resolvedAt);
});
