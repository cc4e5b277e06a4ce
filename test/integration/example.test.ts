import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

test('the seed demo scenario runs end to end from examples/ against the built package', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'ep-demo-')), 'metrics.json');
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'examples/demo_performance_monitoring.ts', '6', out], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Collectors: system, gpu, aphrodite, dtesn, echo_self/);
  assert.match(r.stdout, /🚨 WARNING: Request latency \d+ ms above 500 ms \(warning\)/);
  assert.match(r.stdout, /🚨 CRITICAL: Token throughput \d+ tokens\/s below 75 tokens\/s \(critical\)/);
  assert.match(r.stdout, /↳ urgent: paging on-call for aphrodite\/token_throughput/);
  assert.match(r.stdout, /🚨 WARNING: Evolution convergence fell \d+(\.\d+)? % over \d+(\.\d+)? s \(fit R² \d(\.\d+)?\)/);
  // The throughput's trend WARNING came after its CRITICAL on the same series: inhibited, not delivered.
  assert.doesNotMatch(r.stdout, /WARNING: Token throughput fell/);
  assert.match(r.stdout, /Trend token_throughput: degrading/);
  const saved = JSON.parse(readFileSync(out, 'utf8')) as { metrics: { tokenThroughput: number }[]; alerts: unknown[] };
  assert.ok(saved.metrics.length >= 8);
  assert.ok(saved.alerts.length >= 3);
});
