/**
 * `echo-perf rules`, run as the built CLI: the active rule set of a config,
 * overrides applied, disabled rules and unavailable kinds said as such.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const BUILT = 'dist/cli/main.js';
const built = (...args: string[]) => {
  assert.ok(existsSync(BUILT), `${BUILT} is missing: run npm run build`);
  return spawnSync(process.execPath, [BUILT, ...args], { encoding: 'utf8', timeout: 30_000 });
};

function configFile(c: unknown): string {
  const f = join(mkdtempSync(join(tmpdir(), 'ep-rules-')), 'c.json');
  writeFileSync(f, typeof c === 'string' ? c : JSON.stringify(c));
  return f;
}

interface Listed {
  name: string;
  kind: string;
  origin: string;
  series: string;
  params: Record<string, unknown>;
  forSeconds: number;
  keepFiringForSeconds: number;
  state: string;
}

test('rules without a config lists the defaults, one line each, with series, settings and hold', () => {
  const r = built('rules');
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n');
  const cpu = lines.find((l) => l.startsWith('threshold:cpu_usage '));
  assert.ok(cpu !== undefined, r.stdout);
  assert.match(cpu, /threshold\s+cpu_usage\s+above=85 clear=80\.75\s+for 60 s$/);
  assert.match(r.stdout, /^engine:ttft_p95\s+threshold\s+ttft_ms_p95\{engine=~"\.\+"\}\s+above=\{warning:1000,critical:5000\}/m);
  assert.match(r.stdout, /^baseline:cpu_usage\s+baseline\s+cpu_usage\s+direction="above"/m);
  assert.match(r.stdout, /\n(\d+) of \1 rules active\n$/);
});

test('rules --config applies overrides, adds config rules, says disabled; --json gives the same set', () => {
  const cfg = configFile({
    alert_thresholds: { cpu_usage: 70 },
    alerting: { default_for: 0 },
    rules: [
      { kind: 'threshold', name: 'threshold:memory_usage', metric: 'memory_usage', enabled: false },
      { kind: 'threshold', name: 'threshold:gpu_utilization', metric: 'gpu_utilization', above: { warning: 80, critical: 97 }, for: 120, keep_firing_for: 300 },
      { kind: 'trend', name: 'queue-growth', metric: 'requests_waiting', match: { engine: 'vllm-a' }, better: 'lower', window: 20 },
    ],
  });
  const r = built('rules', '--config', cfg);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^threshold:cpu_usage\s+threshold\s+cpu_usage\s+above=70 clear=66\.5$/m, 'no hold with default_for 0');
  assert.match(r.stdout, /^threshold:memory_usage\s+threshold\s+memory_usage\s+.*from config\s+disabled$/m);
  assert.match(r.stdout, /^threshold:gpu_utilization\s+threshold\s+gpu_utilization\s+above=\{warning:80,critical:97\}\s+for 120 s, keep_firing_for 300 s\s+from config$/m);
  assert.match(r.stdout, /^queue-growth\s+trend\s+requests_waiting\{engine="vllm-a"\}\s+better="lower" window=20/m);

  const j = built('rules', '--config', cfg, '--json');
  assert.equal(j.status, 0, j.stderr);
  const rules = JSON.parse(j.stdout) as Listed[];
  const byName = new Map(rules.map((x) => [x.name, x]));
  assert.equal(byName.size, rules.length, 'one entry per name');
  assert.deepEqual(byName.get('threshold:gpu_utilization'), {
    name: 'threshold:gpu_utilization',
    kind: 'threshold',
    origin: 'config',
    series: 'gpu_utilization',
    params: { above: { warning: 80, critical: 97 } },
    forSeconds: 120,
    keepFiringForSeconds: 300,
    state: 'active',
  });
  assert.equal(byName.get('threshold:memory_usage')?.state, 'disabled');
  assert.equal(byName.get('queue-growth')?.origin, 'config');
  assert.equal(rules.filter((x) => x.origin === 'default').length + 3, rules.length);
});

test('rules with default_rules false and an SLO lists only the config, the SLO as evaluated on engine histograms', () => {
  const cfg = configFile({ default_rules: false, rules: [{ kind: 'slo', engine: 'vllm-a', ttft_ms: 500 }] });
  const j = built('rules', '--config', cfg, '--json');
  assert.equal(j.status, 0, j.stderr);
  const rules = JSON.parse(j.stdout) as Listed[];
  assert.equal(rules.length, 1);
  assert.equal(rules[0]!.name, 'slo:vllm-a');
  assert.equal(rules[0]!.state, 'slo');
  assert.equal(rules[0]!.series, 'engine vllm-a');
  const t = built('rules', '--config', cfg);
  assert.match(t.stdout, /^slo:vllm-a\s+slo\s+engine vllm-a\s+objective=0\.99 .*ttft_ms=500.*SLO on engine histograms$/m);
  const none = built('rules', '--config', configFile({ default_rules: false }));
  assert.equal(none.status, 0);
  assert.match(none.stdout, /^no rules/);
});

test('rules: a bad config exits 2 with the config error; a bad argument exits 2 with the usage', () => {
  const bad = built('rules', '--config', configFile({ rules: [{ kind: 'threshold', metric: 'cpu_usage', above: 'high' }] }));
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /rules\.0\.above/);
  const dup = built('rules', '--config', configFile({ rules: [{ kind: 'threshold', metric: 'x', above: 1 }, { kind: 'threshold', metric: 'x', above: 2 }] }));
  assert.equal(dup.status, 2);
  assert.match(dup.stderr, /rules\[1\]\.name: got "threshold:x"; expected a name no other rule has/);
  const notJson = built('rules', '--config', configFile('{ nope'));
  assert.equal(notJson.status, 2);
  assert.match(notJson.stderr, /c\.json/);
  const extra = built('rules', 'what');
  assert.equal(extra.status, 2);
  assert.match(extra.stderr, /rules: got "what"; expected no arguments[\s\S]*usage: echo-perf rules/);
  const unknown = built('rules', '--frob');
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /usage: echo-perf rules/);
});
