/**
 * The collection loop across stop/start and on-demand collections: a collector
 * that ignores its abort signal must not wedge the monitor, collectNow() must
 * not race a running tick, and health says so when ticks stop.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock, type Clock, type Timer } from '../core/clock.js';
import { MemoryLogger } from '../core/logger.js';
import { UnifiedPerformanceMonitor } from './unifiedMonitor.js';
import { monitorView } from './monitorView.js';

function make(clock: Clock = new ManualClock(1_700_000_000_000)): UnifiedPerformanceMonitor {
  return new UnifiedPerformanceMonitor({
    clock,
    logger: new MemoryLogger(),
    systemCollector: false,
    gpuCollector: false,
    config: { monitoring_interval: 1, log_level: 'silent', degradation_detection: { enabled: false } },
  });
}

test('stopped mid-tick while a collector ignores its abort signal, the monitor starts again and keeps ticking', async () => {
  const clock = new ManualClock(1_700_000_000_000);
  const m = make(clock);
  let hungCalls = 0;
  m.registerCollector('deaf', () => {
    hungCalls++;
    return new Promise(() => {}); // never settles, never looks at the signal
  });
  let goodCalls = 0;
  m.registerCollector('good', () => ({ custom_metric: ++goodCalls }));
  m.startMonitoring();
  await clock.advance(1000); // tick 1 starts; 'deaf' holds it until its timeout
  await clock.advance(300); // mid-tick
  m.stopMonitoring();
  m.startMonitoring();
  const before = m.selfSamples().find((s) => s.name === 'echo_perf_ticks_total')!.v;
  await clock.advance(5000);
  const after = m.selfSamples().find((s) => s.name === 'echo_perf_ticks_total')!.v;
  assert.equal(m.isMonitoring, true);
  assert.ok(after - before >= 4, `ticks after the restart: ${after - before}`);
  assert.equal(hungCalls, 1, 'a call that never returned is not started again');
  assert.ok(goodCalls >= 5);
  assert.equal(m.collectorStatus()['deaf']!.status, 'timeout');
  assert.match(m.collectorStatus()['deaf']!.lastError ?? '', /still running/);
  assert.equal(m.tickHealth().ok, true);
  m.stopMonitoring();
});

test('collectNow() during a running tick waits for it instead of marking a slow collector timed out', async () => {
  const clock = new ManualClock(1_700_000_000_000);
  const m = make(clock);
  let release: (() => void) | undefined;
  let calls = 0;
  m.registerCollector('slow', () => {
    calls++;
    return new Promise((resolve) => (release = () => resolve({ custom_metric: calls })));
  });
  const events: string[] = [];
  m.registerAlertHandler((a) => void events.push(`${a.status}:${a.metric}`));
  m.startMonitoring();
  await clock.advance(1000); // the tick is waiting on 'slow'
  const now = m.collectNow();
  await clock.advance(100);
  release!();
  const snap = await now;
  assert.equal(calls, 1, 'one collection, not two racing');
  assert.equal(m.collectorStatus()['slow']!.status, 'ok');
  assert.equal(snap.componentMetrics['slow']?.['custom_metric'], 1);
  await m.flushAlerts();
  assert.deepEqual(events, []);
  m.stopMonitoring();
});

test('health is not ok when ticks stop happening, and says why', () => {
  // A clock whose timers never fire again: the loop is wedged while time goes on.
  let now = 1_700_000_000_000;
  const dead: Clock = { now: () => now, after: (): Timer => ({ stop() {} }), every: (): Timer => ({ stop() {} }) };
  const m = make(dead);
  const view = monitorView(m);
  assert.equal(view.health().ok, false, 'not monitoring yet');
  m.startMonitoring();
  assert.equal(view.health().ok, true, 'just started');
  now += 5_000;
  assert.equal(view.health().ok, true, 'within three intervals and 10 s');
  now += 6_000;
  const h = view.health();
  assert.equal(h.ok, false);
  assert.match(String(h.detail?.['reason']), /no tick completed for 11\.0 s/);
  m.stopMonitoring();
});

test('health stays ok while ticks complete, and reports the last tick', async () => {
  const clock = new ManualClock(1_700_000_000_000);
  const m = make(clock);
  m.startMonitoring();
  await clock.advance(30_000);
  const h = m.tickHealth();
  assert.equal(h.ok, true);
  assert.equal(h.lastTickAt, clock.now());
  assert.equal(h.ticks, 30);
  m.stopMonitoring();
  assert.equal(m.tickHealth().ok, false);
});

test('health measures the loop on the monotonic clock: a wall clock stepped an hour ahead or back is no stall', () => {
  let wall = 1_700_000_000_000;
  let mono = 0;
  let fire: ((skipped: number) => void) | undefined;
  const stepped: Clock = {
    now: () => wall,
    monotonic: () => mono,
    after: (): Timer => ({ stop() {} }),
    every: (_ms: number, fn: (skipped: number) => void): Timer => ((fire = fn), { stop() {} }),
  };
  const m = make(stepped);
  m.startMonitoring();
  fire!(0);
  wall += 3_600_000; // NTP (or a person) steps the wall clock an hour ahead
  mono += 500;
  const ahead = m.tickHealth();
  assert.equal(ahead.ok, true, String(ahead.reason));
  assert.equal(ahead.lastTickAgeSeconds, 0.5);
  wall -= 2 * 3_600_000;
  mono += 500;
  assert.equal(m.tickHealth().ok, true, 'and an hour back');
  // A real stall still shows, measured on the monotonic clock.
  mono += 11_000;
  assert.match(String(m.tickHealth().reason), /no tick completed for 12\.0 s/);
  m.stopMonitoring();
});
