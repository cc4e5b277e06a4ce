import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { EchoPerfError } from '../core/errors.js';
import { configJsonSchema, loadConfigFile, parseConfig, type ConfigIssue } from './index.js';

function issuesOf(input: unknown): ConfigIssue[] {
  try {
    parseConfig(input);
  } catch (e) {
    assert.ok(e instanceof EchoPerfError);
    assert.equal(e.code, 'EP_ERR_CONFIG_INVALID');
    return e.details as ConfigIssue[];
  }
  assert.fail('expected the config to be rejected');
}

test('the seed config file is accepted as is, with the seed defaults filled in', () => {
  const c = parseConfig({
    monitoring_interval: 1.0,
    max_metrics_history: 1000,
    alert_thresholds: { cpu_usage: 85.0, memory_usage: 90.0, token_throughput: 50.0 },
    degradation_detection: { window_size: 10, threshold: 0.15 },
  });
  assert.equal(c.monitoring_interval, 1);
  assert.equal(c.degradation_detection.enabled, true);
  assert.deepEqual(parseConfig({}).degradation_detection, { window_size: 10, threshold: 0.15, enabled: true });
  assert.ok(Object.isFrozen(c));
});

test('each bad field is named with its value and what was expected', () => {
  const issues = issuesOf({
    monitoring_interval: -1,
    max_metrics_history: 2.5,
    alert_thresholds: { memory_usage: 'high', cpu_usage: 150 },
    degradation_detection: { window_size: 1 },
  });
  const byPath = Object.fromEntries(issues.map((i) => [i.path, i]));
  assert.deepEqual(byPath['monitoring_interval'], { path: 'monitoring_interval', value: -1, expected: 'a number > 0' });
  assert.equal(byPath['max_metrics_history']!.expected, 'an integer');
  assert.deepEqual(byPath['alert_thresholds.memory_usage'], { path: 'alert_thresholds.memory_usage', value: 'high', expected: 'a number' });
  assert.equal(byPath['alert_thresholds.cpu_usage']!.expected, 'a number <= 100');
  assert.equal(byPath['degradation_detection.window_size']!.expected, 'a number >= 2');
});

test('unknown keys are rejected with the closest valid name', () => {
  const issues = issuesOf({ monitoring_intreval: 1, alert_thresholds: { cpu_usgae: 80 } });
  assert.equal(issues.length, 2);
  assert.match(issues.find((i) => i.path === 'monitoring_intreval')!.expected, /did you mean "monitoring_interval"\?/);
  assert.match(issues.find((i) => i.path === 'alert_thresholds.cpu_usgae')!.expected, /did you mean "cpu_usage"\?/);
});

test('impossible combinations are rejected: collector_timeout above the interval', () => {
  const issues = issuesOf({ monitoring_interval: 1, collector_timeout: 2 });
  assert.equal(issues[0]!.path, 'collector_timeout');
  assert.match(issues[0]!.expected, /<= monitoring_interval \(1\)/);
});

test('loadConfigFile: unreadable and non-JSON files get EP_ERR_CONFIG_READ naming the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ep-cfg-'));
  assert.throws(() => loadConfigFile(join(dir, 'missing.json')), (e: unknown) => e instanceof EchoPerfError && e.code === 'EP_ERR_CONFIG_READ' && e.message.includes('missing.json'));
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, '{ "monitoring_interval": 1, }');
  assert.throws(() => loadConfigFile(bad), /bad\.json is not valid JSON/);
  const wrong = join(dir, 'wrong.json');
  writeFileSync(wrong, '{ "max_metrics_history": -5 }');
  assert.throws(() => loadConfigFile(wrong), /config file .*wrong\.json is invalid:\n {2}- max_metrics_history: got -5 \(number\); expected a number >= 1/);
});

test('the JSON Schema describes every top-level key and rejects unknown ones', () => {
  const s = configJsonSchema() as { properties: Record<string, unknown>; additionalProperties: unknown };
  for (const k of ['monitoring_interval', 'max_metrics_history', 'alert_thresholds', 'degradation_detection']) assert.ok(k in s.properties, k);
  assert.equal(s.additionalProperties, false);
});
