import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ManualClock } from '../../src/core/clock.js';
import { MemoryLogger } from '../../src/core/logger.js';
import { EchoPerfError } from '../../src/core/errors.js';
import { createIntegratedSystem } from '../../src/monitor/integrated.js';
import { fiveTicksWithStatsDir } from '../helpers/echoDashRun.js';

test('createIntegratedSystem reads and validates its config file (the seed ignored it)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ep-int-'));
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ components: [{ name: 'dtesn', url: 'not a url' }] }));
  assert.throws(() => createIntegratedSystem(bad), (e: unknown) => e instanceof EchoPerfError && /components\.0\.url/.test(e.message));
});

test('the integrated system: pulled, pushed and disabled components, echo.dash files, status and report', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ep-int-'));
  let reservoir = 0.42;
  const src = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ reservoir_dynamics: reservoir, membrane_evolution_rate: 120, membrane_hierarchy: [1, 1, 2, 4] }));
  });
  await new Promise<void>((r) => src.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => src.close(() => r())));
  const port = (src.address() as { port: number }).port;
  const cfgPath = join(dir, 'config.json');
  writeFileSync(
    cfgPath,
    JSON.stringify({
      log_level: 'silent',
      server: { port: 0 },
      echo_dash: { stats_dir: join(dir, 'stats') },
      components: [
        { name: 'dtesn', url: `http://127.0.0.1:${port}/stats`, format: 'json' },
        { name: 'echo_self', url: 'http://127.0.0.1:1/metrics', format: 'json' },
        { name: 'embodied', url: 'http://127.0.0.1:1/metrics', enabled: false },
      ],
    }),
  );
  const clock = new ManualClock(Date.now());
  const system = createIntegratedSystem(cfgPath, { clock, systemCollector: false, logger: new MemoryLogger(), consoleAlerts: false });
  await system.start();
  t.after(() => system.stop());
  const url = system.address!.url;
  const pushed = await fetch(`${url}/api/v1/push/perception`, { method: 'POST', body: JSON.stringify({ frames_per_second: 30 }), headers: { 'content-type': 'application/json' } });
  assert.equal(pushed.status, 200);
  await clock.advance(1000);
  reservoir = 0.5;
  await clock.advance(1000);

  const status = system.getComprehensiveStatus();
  assert.deepEqual(Object.keys(status).sort(), ['componentStatus', 'dashboardData', 'performanceSummary', 'rules', 'systemStatus']);
  assert.equal(status.systemStatus.running, true);
  assert.equal(status.componentStatus['dtesn']!.state, 'active');
  assert.equal(status.componentStatus['echo_self']!.state, 'down');
  assert.match(status.componentStatus['echo_self']!.collector!.lastError!, /fetch failed|ECONNREFUSED/);
  assert.equal(status.componentStatus['embodied']!.state, 'disabled');
  assert.equal(status.componentStatus['perception']!.state, 'active');
  const dash = status.dashboardData as { dtesn: Record<string, unknown> };
  assert.equal(dash.dtesn['reservoir_dynamics'], 0.5);
  assert.equal(dash.dtesn['a000081_compliance'], 1);

  const onDisk = JSON.parse(readFileSync(join(dir, 'stats', 'performance_metrics.json'), 'utf8')) as { dtesn: Record<string, unknown> };
  assert.equal(onDisk.dtesn['membrane_evolution_rate'], 120);

  const report = join(dir, 'report.json');
  system.exportPerformanceReport(report);
  const r = JSON.parse(readFileSync(report, 'utf8')) as { status: { componentStatus: object }; metricsHistory: unknown[] };
  assert.equal(r.metricsHistory.length, 2);
  assert.ok('dtesn' in r.status.componentStatus);
});

test('an unwritable echo.dash dir raises one WARNING on echo_dash and monitoring goes on', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ep-int-'));
  const file = join(dir, 'a-file');
  writeFileSync(file, 'not a directory');
  const { collections, events } = await fiveTicksWithStatsDir(t, join(file, 'stats'));
  assert.equal(collections, 5, 'the monitor kept collecting');
  assert.deepEqual(events.filter((e) => e.startsWith('echo_dash')), ['echo_dash:warning:firing']);
});
