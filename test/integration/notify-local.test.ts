/**
 * The console and echo.dash outputs as notifiers: routed by min_severity and
 * labels, off with enabled: false; echo.dash's dashboard says the monitor
 * stopped instead of leaving its alerts "firing"; bad notifier config is
 * refused naming the field.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ManualClock } from '../../src/core/clock.js';
import { EchoPerfError } from '../../src/core/errors.js';
import { MemoryLogger } from '../../src/core/logger.js';
import { parseConfig, type EchoPerfConfigInput } from '../../src/config/index.js';
import { IntegratedPerformanceSystem } from '../../src/monitor/integrated.js';
import { createDefaultMonitor } from '../../src/monitor/factory.js';
import { tempDir } from '../helpers/tempTree.js';

const RULES: EchoPerfConfigInput = {
  default_rules: false,
  degradation_detection: { enabled: false },
  rules: [
    { kind: 'threshold', name: 'warm', metric: 'rig_temperature', above: { warning: 80 }, for: 0 },
    { kind: 'threshold', name: 'fan', metric: 'rig_fan_rpm', below: { critical: 100 }, for: 0 },
  ],
};

test('console: min_severity and match route what is printed; enabled false prints nothing', async (t) => {
  const run = async (notifiers: NonNullable<EchoPerfConfigInput['notifiers']>): Promise<string[]> => {
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    const m = createDefaultMonitor({ config: { log_level: 'silent', ...RULES, notifiers }, clock: new ManualClock(0), systemCollector: false, gpuCollector: false });
    t.after(() => m.close());
    m.registerCollector('rig', () => ({ rig_temperature: 91, rig_fan_rpm: 20 }));
    process.stdout.write = ((s: string) => (lines.push(String(s)), true));
    try {
      await m.collectNow();
      await m.flushAlerts();
    } finally {
      process.stdout.write = write;
    }
    return lines.filter((l) => l.startsWith('🚨'));
  };
  assert.equal((await run([])).length, 2, 'on by default: both alerts');
  const critical = await run([{ type: 'console', min_severity: 'critical' }]);
  assert.equal(critical.length, 1);
  assert.match(critical[0]!, /^🚨 CRITICAL: /);
  const matched = await run([{ type: 'console', match: { metric: 'rig_temperature' } }]);
  assert.equal(matched.length, 1);
  assert.match(matched[0]!, /^🚨 WARNING: /);
  assert.deepEqual(await run([{ type: 'console', enabled: false }]), []);
});

test('echo.dash: routed alert files, and the dashboard marked stopped at shutdown with no alert left firing', async (t) => {
  const stats = tempDir(t, 'ep-local-');
  const clock = new ManualClock(Date.parse('2026-11-27T12:00:00Z'));
  const sys = new IntegratedPerformanceSystem({
    config: { log_level: 'silent', ...RULES, echo_dash: { stats_dir: stats }, notifiers: [{ type: 'echo_dash', min_severity: 'critical' }] },
    clock,
    serve: false,
    consoleAlerts: false,
    systemCollector: false,
    gpuCollector: false,
    logger: new MemoryLogger(),
  });
  sys.monitor.registerCollector('rig', () => ({ rig_temperature: 91, rig_fan_rpm: 20 }));
  await sys.start();
  await sys.monitor.collectNow();
  await sys.monitor.flushAlerts();
  const files = readdirSync(stats).filter((f) => f.startsWith('alert_'));
  assert.equal(files.length, 1, 'only the critical alert is written');
  assert.equal((JSON.parse(readFileSync(join(stats, files[0]!), 'utf8')) as { severity: string }).severity, 'critical');
  const running = JSON.parse(readFileSync(join(stats, 'performance_metrics.json'), 'utf8')) as { alerts: { count: number }; monitoring: { status: string } };
  assert.equal(running.monitoring.status, 'running');
  assert.equal(running.alerts.count, 2);
  await sys.stop();
  const stopped = JSON.parse(readFileSync(join(stats, 'performance_metrics.json'), 'utf8')) as {
    alerts: { count: number; recent: unknown[] };
    monitoring: { status: string; stopped_at: number; alerts_firing_at_stop: number };
  };
  assert.equal(stopped.monitoring.status, 'stopped');
  assert.equal(stopped.monitoring.stopped_at, clock.now() / 1000);
  assert.equal(stopped.monitoring.alerts_firing_at_stop, 2);
  assert.equal(stopped.alerts.count, 0);
  assert.deepEqual(stopped.alerts.recent, []);
});

test('echo.dash off through notifiers: no alert files', async (t) => {
  const stats = tempDir(t, 'ep-local-off-');
  const sys = new IntegratedPerformanceSystem({
    config: { log_level: 'silent', ...RULES, echo_dash: { stats_dir: stats }, notifiers: [{ type: 'echo_dash', enabled: false }] },
    clock: new ManualClock(0),
    serve: false,
    consoleAlerts: false,
    systemCollector: false,
    gpuCollector: false,
    logger: new MemoryLogger(),
  });
  sys.monitor.registerCollector('rig', () => ({ rig_temperature: 91 }));
  await sys.start();
  await sys.monitor.collectNow();
  await sys.monitor.flushAlerts();
  await sys.stop();
  assert.deepEqual(existsSync(stats) ? readdirSync(stats).filter((f) => f.startsWith('alert_')) : [], []);
});

test('bad notifier config is refused naming the field, the value and what was expected', () => {
  const refused = (notifiers: unknown[]): string => {
    try {
      parseConfig({ notifiers });
    } catch (e) {
      assert.ok(e instanceof EchoPerfError);
      return e.message;
    }
    assert.fail('accepted');
  };
  assert.match(refused([{ type: 'pager' }]), /notifiers\.0\.type: got "pager" \(string\); expected a type of webhook, slack, email, alertmanager, command, console or echo_dash/);
  assert.match(refused([{ type: 'webhook', url: 'ftp://x' }]), /notifiers\.0\.url.*http:\/\/ or https:\/\//);
  assert.match(refused([{ type: 'webhook', url: 'http://a/x' }, { type: 'webhook', url: 'http://b/y' }]), /notifiers\.1\.name.*"webhook" is taken/);
  assert.match(refused([{ type: 'email', to: ['not-an-address'], from: 'a@b.org', smtp: { host: 'h' } }]), /notifiers\.0\.to\.0: got "not-an-address" \(string\); expected an email address/);
  assert.match(refused([{ type: 'command', argv: [] }]), /notifiers\.0\.argv/);
  assert.match(refused([{ type: 'webhook', url: 'http://a/x', headers: { 'X-Bad': 'a\r\nInjected: 1' } }]), /notifiers\.0\.headers/);
  assert.match(refused([{ type: 'slack', url: 'http://a/x', retry: { initial_backoff: 10, max_backoff: 1 } }]), /notifiers\.0\.retry\.initial_backoff/);
  assert.match(refused([{ type: 'webhook', url: 'http://a/x', group_wait: -1 }]), /notifiers\.0\.group_wait/);
  // A regex that could run away on a hostile label value is refused when the monitor is built.
  assert.throws(() => createDefaultMonitor({ config: { notifiers: [{ type: 'webhook', url: 'http://a/x', match_re: { engine: '(a+)+' } }] }, systemCollector: false, gpuCollector: false }), /notifiers\.webhook\.match_re\.engine/);
});
