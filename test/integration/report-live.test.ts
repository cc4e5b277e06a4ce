/**
 * exportPerformanceReport on a running system picks the format by the file's
 * extension: .html and .csv from what the monitor holds in memory (resolved
 * alerts included), .json (and any other name) the seed's JSON report.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ManualClock } from '../../src/core/clock.js';
import { MemoryLogger } from '../../src/core/logger.js';
import { IntegratedPerformanceSystem } from '../../src/monitor/integrated.js';
import { EVIL } from '../helpers/reportHistory.js';
import { tempDir } from '../helpers/tempTree.js';

test('html, csv and json from a live system; resolved alerts on the timeline', async (t) => {
  const clock = new ManualClock(Date.UTC(2026, 10, 27, 12));
  const s = new IntegratedPerformanceSystem({
    config: { log_level: 'silent', degradation_detection: { enabled: false }, alerting: { default_for: 0 }, echo_dash: { enabled: false } },
    clock,
    logger: new MemoryLogger(),
    consoleAlerts: false,
    serve: false,
    systemCollector: false,
    gpuCollector: false,
  });
  t.after(() => s.stop());
  let cpu = 99;
  s.monitor.registerCollector('host', () => ({ cpu_usage: cpu }));
  s.monitor.registerCollector('engines', () => [{ name: 'token_throughput', labels: { engine: EVIL }, value: 10 }]);
  await s.start();
  await clock.advance(5000);
  cpu = 10;
  await clock.advance(5000);
  await s.monitor.flushAlerts();
  const dir = tempDir(t);

  s.exportPerformanceReport(join(dir, 'r.html'));
  const html = readFileSync(join(dir, 'r.html'), 'utf8');
  assert.match(html, /<section id="alerts">/);
  assert.match(html, /<td class="resolved">resolved<\/td>/, 'the resolved CPU alert, kept in memory');
  assert.match(html, /memory tier/);
  assert.ok(!html.includes(EVIL) && html.includes('&lt;script&gt;'));

  s.exportPerformanceReport(join(dir, 'r.csv'));
  const lines = readFileSync(join(dir, 'r.csv'), 'utf8').split('\r\n');
  assert.equal(lines[0], 'timestamp,metric,labels,value');
  const cpuLines = lines.filter((l) => l.includes(',cpu_usage,'));
  assert.ok(cpuLines.length >= 10, `${cpuLines.length} cpu lines`);
  assert.match(cpuLines[0]!, /^2026-11-27T12:00:0\d\.000Z,cpu_usage,"component=""host""",99$/);

  for (const name of ['r.json', 'r.report']) {
    s.exportPerformanceReport(join(dir, name));
    const doc = JSON.parse(readFileSync(join(dir, name), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(doc).sort(), ['alertsHistory', 'generatedAt', 'metricsHistory', 'status'], name);
  }
});
