/**
 * `echo-perf export prometheus-rules`, run as the built CLI, checked by
 * Prometheus itself: `promtool check rules` accepts the file, a real
 * Prometheus loads every group, and, scraping a running agent, fires the
 * exported threshold alert.
 */
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { MemoryLogger } from '../../src/core/logger.js';
import { createIntegratedSystem } from '../../src/monitor/integrated.js';
import { requirePeer } from '../helpers/peers.js';
import { startPrometheus, waitFor } from '../helpers/prometheus.js';

const BUILT = 'dist/cli/main.js';
const built = (...args: string[]) => {
  assert.ok(existsSync(BUILT), `${BUILT} is missing: run npm run build`);
  return spawnSync(process.execPath, [BUILT, ...args], { encoding: 'utf8', timeout: 30_000 });
};

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'ep-promrules-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A config with a rule of every kind, hold times, a hostile label value and a regex RE2 lacks. */
const EVERY_KIND = {
  monitoring_interval: 0.5,
  alert_thresholds: { cpu_usage: 0, memory_usage: 0 },
  alerting: { default_for: 0 },
  rules: [
    { kind: 'threshold', name: 'gpu_hot', metric: 'gpu_temperature_celsius', above: { warning: 80, critical: 90 }, for: 30, keep_firing_for: 300 },
    { kind: 'threshold', name: 'odd_queue', metric: 'queue_depth', match: { queue: `it's "odd" \\ {{ .x }}\nline` }, component: 'q{{ .y }}', above: 5 },
    { kind: 'threshold', name: 'lookbehind', metric: 'cpu_usage', match_re: { component: '(?<=x)y' }, above: 5 },
    { kind: 'forecast', name: 'disk_fill', metric: 'disk_usage', above: 80, horizon: 3600, method: 'linear' },
    { kind: 'trend', name: 'tps_trend', metric: 'token_throughput', match_re: { engine: '.+' }, better: 'higher', window_seconds: 300 },
    { kind: 'baseline', name: 'mem_baseline', metric: 'memory_usage', direction: 'both' },
    { kind: 'slo', name: 'ttft_slo', engine: 'vllm', ttft_ms: 500 },
  ],
};

function exportRules(t: TestContext, config?: unknown): { file: string; text: string } {
  const dir = tempDir(t);
  const out = join(dir, 'rules.yml');
  const args = ['export', 'prometheus-rules', '--out', out];
  if (config !== undefined) {
    writeFileSync(join(dir, 'c.json'), JSON.stringify(config));
    args.push('--config', join(dir, 'c.json'));
  }
  const r = built(...args);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '', 'with --out, nothing on stdout');
  return { file: out, text: readFileSync(out, 'utf8') };
}

function groupNames(text: string): string[] {
  return [...text.matchAll(/^ {2}- name: '([^']+)'$/gm)].map((m) => m[1]!);
}

test('promtool check rules accepts the export of the defaults and of a config with every kind', (t) => {
  const promtool = requirePeer(t, 'promtool');
  if (promtool === undefined) return;
  for (const config of [undefined, EVERY_KIND]) {
    const { file, text } = exportRules(t, config);
    const r: SpawnSyncReturns<string> = spawnSync(promtool, ['check', 'rules', file], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}\n${text}`);
    assert.match(r.stdout, /SUCCESS: \d+ rules found/);
  }
  const { text } = exportRules(t, EVERY_KIND);
  assert.deepEqual(groupNames(text), ['echo-perf-thresholds', 'echo-perf-engines', 'echo-perf-trends', 'echo-perf-forecasts', 'echo-perf-baselines', 'echo-perf-anomalies', 'echo-perf-slos']);
  // The config's 0 % becomes 0 on the 0..1 ratio; the GPU rule keeps its hold times, per severity.
  assert.match(text, /expr: 'echo_perf_memory_usage_ratio > 0'/);
  assert.match(text, /expr: 'echo_perf_gpu_temperature_celsius > 90'\n {8}for: 30s\n {8}keep_firing_for: 5m\n {8}labels:\n {10}severity: 'critical'/);
  assert.match(text, /predict_linear\(echo_perf_disk_usage_ratio\[30m\], 3600\) > 0\.8/);
  assert.match(text, /deriv\(echo_perf_engine_generation_tokens_per_second\{engine=~"\.\+"\}\[5m\]\)/);
  assert.match(text, /record: 'echo_perf:slo_error_budget_burn_rate:min_of_windows'/);
  assert.match(text, /window=~"1h\|5m"/);
  assert.match(text, /component: 'q\{\{ "\{\{" \}\} \.y \}\}'/, 'a component is shown as written, not run as a template');
  assert.match(text, /# lookbehind \(threshold on cpu_usage\): not exported: match_re\.component .* lookaround/);
  // The agent's own default set: the component thresholds exclude the engines' fleet figures, as RE2 can write it.
  assert.match(exportRules(t).text, /echo_perf_engine_request_latency_mean_seconds\{engine="",component!~"engines\|"\} > 1'/);
});

test('a bad --config or argument exits 2 naming what was wrong', (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'bad.json'), JSON.stringify({ rules: [{ kind: 'threshold', metric: 'cpu_usage', above: 'high' }] }));
  const bad = built('export', 'prometheus-rules', '--config', join(dir, 'bad.json'));
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /rules\.0\.above|rules\[0\]\.above/);
  const what = built('export', 'grafana');
  assert.equal(what.status, 2);
  assert.match(what.stderr, /export: got "grafana"; expected prometheus-rules/);
  const extra = built('export', 'prometheus-rules', 'x.yml');
  assert.equal(extra.status, 2);
  assert.match(extra.stderr, /got "x\.yml"; expected no arguments/);
  assert.equal(built('help', 'export', 'prometheus-rules').status, 0);
  const help = built('export', 'prometheus-rules', '--help');
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^usage: echo-perf export prometheus-rules \[--config FILE\] \[--out FILE\]/);
});

test('a real Prometheus loads every exported group and fires the exported alert on a running agent', async (t) => {
  const prometheus = requirePeer(t, 'prometheus');
  if (prometheus === undefined) return;
  const { file, text } = exportRules(t, EVERY_KIND);
  const system = createIntegratedSystem(undefined, {
    config: { log_level: 'silent', monitoring_interval: 0.5, server: { port: 0 }, echo_dash: { stats_dir: join(tempDir(t), 's') } },
    logger: new MemoryLogger(),
    consoleAlerts: false,
  });
  await system.start();
  t.after(() => system.stop());
  const addr = system.address!;
  const prom = await startPrometheus(prometheus, `  - job_name: echo\n    static_configs:\n      - targets: ['${addr.host}:${addr.port}']\nrule_files:\n  - '${file}'\n`);
  t.after(() => prom.stop());

  type RulesBody = { data: { groups: { name: string; rules: { name: string; health: string }[] }[] } };
  const groups = await waitFor('the rule groups loaded', async () => {
    const body = (await (await fetch(`${prom.url}/api/v1/rules`)).json()) as RulesBody;
    return body.data.groups.length > 0 ? body.data.groups : undefined;
  });
  assert.deepEqual(groups.map((g) => g.name).sort(), groupNames(text).sort(), 'Prometheus lists its groups by name');

  type AlertsBody = { data: { alerts: { labels: Record<string, string>; state: string }[] } };
  const firing = await waitFor('HighMemoryUsage firing in Prometheus', async () => {
    const body = (await (await fetch(`${prom.url}/api/v1/alerts`)).json()) as AlertsBody;
    return body.data.alerts.find((a) => a.labels['alertname'] === 'HighMemoryUsage' && a.state === 'firing');
  }, 30_000);
  assert.equal(firing.labels['job'], 'echo');
  assert.equal(firing.labels['severity'], 'warning');
  assert.equal(firing.labels['component'], 'system', 'host figures name the system collector, as the agent does');
  // Every rule evaluated without error against the agent's real series.
  const after = (await (await fetch(`${prom.url}/api/v1/rules`)).json()) as RulesBody;
  const broken = after.data.groups.flatMap((g) => g.rules.filter((r) => r.health === 'err').map((r) => `${g.name}/${r.name}`));
  assert.deepEqual(broken, []);
});
