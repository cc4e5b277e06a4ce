import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

interface Line {
  /** ms since the child was spawned, when the chunk holding the line's end arrived. */
  atMs: number;
  text: string;
}

// The whole fast script runs (~2.5 min of wall time: the simulated engines run on the real clock).
test('demo --fast: each phase fires its alert, alerts resolve, the first within 30 s, and the report is written', { timeout: 280_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ep-demo-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const report = join(dir, 'report.json');
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'demo', '--fast', '--report', report], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Line[] = [];
  let out = '';
  let partial = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    const atMs = Date.now() - started;
    out += d;
    const parts = (partial + d).split('\n');
    partial = parts.pop() ?? '';
    for (const text of parts) lines.push({ atMs, text });
  });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const killer = setTimeout(() => child.kill('SIGKILL'), 270_000);
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  clearTimeout(killer);
  const wallS = (Date.now() - started) / 1000;
  t.diagnostic(`fast demo ran ${wallS.toFixed(1)} s`);
  const statsDir = /echo\.dash (\S+)/.exec(out)?.[1];
  if (statsDir !== undefined) t.after(() => rmSync(statsDir, { recursive: true, force: true }));

  assert.equal(code, 0, `exit ${String(code)}\n${out}\n${err}`);
  assert.equal(lines.filter((l) => /^▶ phase \d\/9: /.test(l.text)).length, 9, out);
  assert.match(out, /rules in force \(default rules; holds 10 s\): .*engine:kv_cache_usage > 95 % \/ 99 % for 10 s .*engine:requests_waiting > 50 requests for 10 s/);
  assert.match(
    out,
    /aphrodite [\d,]+ tok\/s p95 [\d.]+s kv \d+% \d+ run \d+ wait goodput [\d.]+ req\/s n\/a tok\/J │ vllm [\d,]+ tok\/s/,
    'a status line (one every 5 s when not a terminal) with goodput, and no tokens per joule without a GPU',
  );

  // The GPU screens: a replayed H200, said to be one, with utilisation, power against its cap and what holds it back.
  assert.match(out, /gpu {7}replayed NVIDIA H200 readings \(driver 580, a bf16 matmul load held at its 700 W cap\), not this machine's GPU/);
  assert.match(out, /│ gpu0 H200 99% 69\d\/700 W (bound power|held at the power cap) │/, 'the status line shows the replayed GPU');
  assert.ok(!lines.some((l) => /🚨.*\(gpu\//.test(l.text)), 'the replayed GPU raises no alert');

  const first = lines.find((l) => l.text.includes('🚨'));
  assert.ok(first !== undefined, out);
  assert.ok(first.atMs < 30_000, `first alert line after ${first.atMs} ms (deadline 30 s): ${first.text}`);

  const fired = (re: RegExp): void => assert.ok(lines.some((l) => l.text.includes('🚨') && re.test(l.text)), `no alert ${re}\n${out}`);
  const resolved = (re: RegExp): void => assert.ok(lines.some((l) => l.text.includes('✅ RESOLVED') && re.test(l.text)), `no resolution ${re}\n${out}`);
  const aph = String.raw`\{engine="aphrodite",[^}]*\}`;
  fired(new RegExp(`WARNING: token_throughput${aph} fell \\d[\\d.]* % over \\d+ s \\(fit R² 0\\.\\d+\\)`));
  fired(new RegExp(`(WARNING|CRITICAL): kv_cache_usage${aph} \\d[\\d.]* %(, went)? above (95|99) %`));
  fired(new RegExp(`WARNING: requests_waiting${aph} \\d+ requests above 50 requests`));
  fired(/CRITICAL: Engine aphrodite stalled/);
  fired(/WARNING: Target aphrodite is down .*HTTP status 503/);
  fired(/CRITICAL: Evolution convergence 0\.\d+ below 0\.7 \(critical\)/);
  fired(/WARNING: Fraction of membrane-hierarchy levels/);
  resolved(/CRITICAL: Engine aphrodite is serving again after \d+ s/);
  resolved(/WARNING: Target aphrodite is up again after \d+ s/);
  resolved(/CRITICAL: Evolution convergence back to 0\.\d+ \(≥ 0\.735\) after \d+ s/);
  resolved(new RegExp(`token_throughput${aph} steady again \\(change −?\\d[\\d.]* % over \\d+ s\\)`));
  resolved(new RegExp(`kv_cache_usage${aph} back to \\d[\\d.]* % \\(≤ 85 %\\) after`));
  resolved(new RegExp(`requests_waiting${aph} back to \\d+ requests`));
  // Isolation: the steady engine never alerts.
  assert.ok(!lines.some((l) => /🚨.*(\(vllm\/|engine="vllm")/.test(l.text)), out);
  assert.match(out, /still firing: 0\n/, 'the recovery waits until everything resolved');

  assert.match(out, /fired: \d+ CRITICAL · \d+ WARNING · \d+ INFO \(\d+ incidents\); resolved: \d+/);
  assert.match(out, new RegExp(`report: ${report.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(\\d+ snapshots, \\d+ alerts\\)`));
  assert.ok(existsSync(report));
  const doc = JSON.parse(readFileSync(report, 'utf8')) as { alertsHistory: { metric: string; status: string }[]; metricsHistory: unknown[] };
  assert.ok(Array.isArray(doc.alertsHistory) && Array.isArray(doc.metricsHistory));
  assert.ok(doc.alertsHistory.some((a) => a.metric === 'engine_stalled' && a.status === 'resolved'), JSON.stringify(doc.alertsHistory));
  assert.ok(doc.metricsHistory.length > 60, `${doc.metricsHistory.length} snapshots`);
});
