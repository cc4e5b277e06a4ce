/**
 * SLOs end to end: a real HTTP server on 127.0.0.1 serves the real vLLM page
 * (test/fixtures/engines) with its TTFT histogram and finished-request counter
 * moved by the test; the monitor scrapes it every tick on a ManualClock. TTFT
 * goes bad: the burn-rate alert fires, status and /metrics show the budget,
 * goodput falls; TTFT recovers: the alert resolves. promtool reads /metrics.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { test, type TestContext } from 'node:test';
import { ManualClock } from '../../src/core/clock.js';
import { formatExposition } from '../../src/core/exposition/index.js';
import { MemoryLogger } from '../../src/core/logger.js';
import { monitorView } from '../../src/monitor/monitorView.js';
import { UnifiedPerformanceMonitor } from '../../src/monitor/unifiedMonitor.js';
import { requirePeer } from '../helpers/peers.js';

const FIXTURE = readFileSync(new URL('../fixtures/engines/vllm-v1-2026-qwen2.5-0.5b.metrics.txt', import.meta.url), 'utf8');

/** The page with `good` requests of TTFT 0.1 s and `bad` of 1 s observed, all finished with reason stop. */
function page(good: number, bad: number): string {
  return FIXTURE.split('\n')
    .map((line) => {
      const m = /^(vllm:time_to_first_token_seconds_(bucket|count|sum)\{[^}]*\}) (\S+)$/.exec(line);
      if (m !== null) {
        if (m[2] === 'count') return `${m[1]} ${good + bad}`;
        if (m[2] === 'sum') return `${m[1]} ${good * 0.1 + bad}`;
        const le = /le="([^"]+)"/.exec(m[1]!)![1]!;
        const bound = le === '+Inf' ? Infinity : Number(le);
        return `${m[1]} ${(bound >= 0.1 ? good : 0) + (bound >= 1 ? bad : 0)}`;
      }
      if (/^vllm:request_success_total\{.*finished_reason="stop"/.test(line)) return line.replace(/ \S+$/, ` ${good + bad}`);
      return line;
    })
    .join('\n');
}

async function engine(t: TestContext, state: { good: number; bad: number }): Promise<string> {
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    res.end(page(state.good, state.bad));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  t.after(() => server.closeAllConnections());
  return `http://127.0.0.1:${(server.address() as { port: number }).port}/metrics`;
}

test('TTFT goes bad: the SLO burn alert fires with the budget in status and /metrics, and resolves when TTFT recovers', async (t) => {
  const state = { good: 0, bad: 0 };
  const url = await engine(t, state);
  const clock = new ManualClock(1_700_000_000_000);
  const m = new UnifiedPerformanceMonitor({
    config: {
      engines: [{ name: 'qwen', url }],
      rate_window: 10,
      log_level: 'silent',
      // Windows of seconds so the test runs in ticks: 5× over 60 s and 10 s.
      rules: [{ kind: 'slo', name: 'ttft', ttft_ms: 500, objective: 0.95, burn_rates: [{ long: 60, short: 10, factor: 5, severity: 'critical' }] }],
    },
    clock,
    systemCollector: false,
    gpuCollector: false,
    logger: new MemoryLogger(),
  });
  const sloAlerts = () => m.getRecentAlerts().filter((a) => a.kind === 'slo');
  // 10 requests per 1 s tick. 30 ticks good, 15 ticks bad, then good.
  let firedAt: number | undefined;
  let resolvedAt: number | undefined;
  for (let i = 0; i < 120 && resolvedAt === undefined; i++) {
    if (i >= 30 && i < 45) state.bad += 10;
    else state.good += 10;
    await m.collectNow();
    const a = sloAlerts();
    if (firedAt === undefined && a.some((x) => x.status === 'firing')) firedAt = i;
    if (firedAt !== undefined && a.some((x) => x.status === 'resolved')) resolvedAt = i;
    if (i === 42) {
      const s = m.getPerformanceSummary().llm!;
      const slo = s.slos.find((x) => x.slo === 'ttft' && x.engine === 'qwen')!;
      assert.equal(slo.firing, 'critical');
      assert.ok(slo.budgetLeft! < 0, `budget overspent: ${slo.budgetLeft}`);
      const goodput = s.engines['qwen']?.goodput;
      assert.ok(goodput !== undefined && goodput < 5, `goodput ${goodput} fell below the request rate (10/s)`);
      const metrics = formatExposition(monitorView(m).metricFamilies(), 'text');
      assert.match(metrics, /^echo_perf_slo_error_budget_remaining_ratio\{engine="qwen",slo="ttft"\} -/m);
      const burn = /^echo_perf_slo_error_budget_burn_rate\{engine="qwen",slo="ttft",window="10s"\} (\S+)$/m.exec(metrics)?.[1];
      assert.ok(Math.abs(Number(burn) - 20) < 1e-9, `10 s burn ${burn}: all bad / (1 − 0.95)`);
      assert.match(metrics, /^ALERTS\{alertname="TtftErrorBudgetBurn",alertstate="firing",severity="critical",component="qwen",metric="ttft_ms"\} 1$/m);
      assert.match(metrics, /^echo_perf_engine_goodput_requests_per_second\{engine="qwen",model="Qwen\/Qwen2.5-0.5B-Instruct"\} /m);
      const promtool = requirePeer(t, 'promtool');
      if (promtool !== undefined) {
        const check = spawnSync(promtool, ['check', 'metrics'], { input: metrics, encoding: 'utf8', timeout: 30_000 });
        assert.equal(check.stdout + check.stderr, '', metrics);
      }
    }
    await clock.advance(1000);
  }
  // The first scrape (tick 0) is the baseline. At tick i ≥ 30 the 60 s window holds all
  // 10·i requests, 10·(i − 29) bad: (i − 29) / i / 0.05 > 5 from i = 39; the 10 s window
  // is all bad by then (20×).
  assert.equal(firedAt, 39);
  // After tick 44 the 10 s window holds 44 − (i − 10) bad ticks: 2 × that > 5 until i = 51.
  assert.equal(resolvedAt, 52);
  const [alert, ...more] = sloAlerts();
  assert.equal(more.length, 0, 'one incident');
  assert.deepEqual([alert?.status, alert?.endsAt], ['resolved', 1_700_000_052_000]);
  assert.deepEqual(alert?.labels, { engine: 'qwen', slo: 'ttft' });
  assert.match(alert?.message ?? '', /^qwen's TTFT ≤ 500 ms SLO \(95 %\) burn back to [\d.]+× \(10 s\) after 13 s$/);
  assert.match(String(alert?.metadata['firingMessage']), /^qwen burns its TTFT ≤ 500 ms SLO \(95 %\) error budget at [\d.]+× over 1 min and [\d.]+× over 10 s/);
});
