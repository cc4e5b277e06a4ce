/**
 * A collector that never settles and one that throws, in a real program that
 * embeds the built package (fixtures/embedded.ts) and runs on real time:
 * ticks keep their cadence, the healthy collectors' figures stay fresh, the
 * faulty ones' status and echo_perf_collector_* counters say timeout and
 * error, and /metrics stays clean for promtool.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { requirePeer } from '../helpers/peers.js';
import { sampleValue } from './agent.js';

const EMBEDDED = fileURLToPath(new URL('fixtures/embedded.ts', import.meta.url));
const INTERVAL_MS = 250;
const WATCH_MS = 4000;

interface Collector {
  status: string;
  lastError?: string;
  lastSuccessAt?: number;
  errorsTotal: number;
  timeoutsTotal: number;
}

test('a hung and a throwing collector: ticks on cadence, the others fresh, counters say timeout and error, /metrics promtool-clean', { timeout: 60_000 }, async (t) => {
  const child = spawn(process.execPath, ['--import', 'tsx', EMBEDDED, String(INTERVAL_MS / 1000)], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-100_000)));
  const end = Date.now() + 20_000;
  let base: string | undefined;
  while (base === undefined) {
    base = /serving (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    if (base === undefined && (child.exitCode !== null || Date.now() > end)) assert.fail(`the program did not serve:\n${out}\n${err}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const page = async (): Promise<string> => (await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
  const status = async (): Promise<{ collectors: Record<string, Collector>; currentMetrics: { componentMetrics: Record<string, Record<string, number>> } }> =>
    (await fetch(`${base}/api/v1/status`, { signal: AbortSignal.timeout(5000) })).json() as never;

  // Let the first ticks pass, then count ticks over a known real interval.
  await new Promise((r) => setTimeout(r, 600));
  const t0 = performance.now();
  const ticks0 = sampleValue(await page(), 'echo_perf_ticks_total')!;
  const calls0 = (await status()).currentMetrics.componentMetrics['good']!['calls']!;
  await new Promise((r) => setTimeout(r, WATCH_MS));
  const metrics = await page();
  const elapsed = performance.now() - t0;
  const ticks = sampleValue(metrics, 'echo_perf_ticks_total')! - ticks0;
  const expected = elapsed / INTERVAL_MS;
  t.diagnostic(`${ticks} ticks in ${elapsed.toFixed(0)} ms (${expected.toFixed(1)} intervals)`);
  // Generous both ways: a hung collector must neither stall the ticks nor make them burst.
  assert.ok(ticks >= expected * 0.6 && ticks <= expected + 3, `${ticks} ticks in ${elapsed.toFixed(0)} ms at ${INTERVAL_MS} ms`);

  const s = await status();
  const now = Date.now();
  for (const name of ['system', 'good']) {
    const c = s.collectors[name]!;
    assert.equal(c.status, 'ok', `${name}: ${JSON.stringify(c)}`);
    assert.ok(now - c.lastSuccessAt! < 4 * INTERVAL_MS + 500, `${name} last succeeded ${now - c.lastSuccessAt!} ms ago`);
  }
  const calls = s.currentMetrics.componentMetrics['good']!['calls']!;
  assert.ok(calls - calls0 >= ticks - 2, `the healthy collector ran on every tick: ${calls - calls0} calls, ${ticks} ticks`);
  const hangs = s.collectors['hangs']!;
  assert.equal(hangs.status, 'timeout', JSON.stringify(hangs));
  assert.match(hangs.lastError ?? '', /still running since an earlier tick|timed out/);
  assert.ok(hangs.timeoutsTotal >= 1);
  const throws = s.collectors['throws']!;
  assert.equal(throws.status, 'error', JSON.stringify(throws));
  assert.match(throws.lastError ?? '', /sensor unplugged/);
  assert.ok(throws.errorsTotal >= ticks, `an error each tick: ${throws.errorsTotal}`);

  const v = (series: string): number => {
    const x = sampleValue(metrics, series);
    assert.notEqual(x, undefined, `${series} is on /metrics`);
    return x!;
  };
  assert.equal(v('echo_perf_collector_up{collector="good"}'), 1);
  assert.equal(v('echo_perf_collector_up{collector="system"}'), 1);
  assert.equal(v('echo_perf_collector_up{collector="hangs"}'), 0);
  assert.equal(v('echo_perf_collector_up{collector="throws"}'), 0);
  assert.ok(v('echo_perf_collector_timeouts_total{collector="hangs"}') >= 1);
  // The hung call is never started again while it is pending: every later tick skips it.
  assert.ok(v('echo_perf_collector_skipped_total{collector="hangs"}') >= ticks - 2);
  assert.ok(v('echo_perf_collector_errors_total{collector="throws"}') >= ticks);
  assert.equal(v('echo_perf_collector_errors_total{collector="good"}'), 0);

  const promtool = requirePeer(t, 'promtool');
  if (promtool !== undefined) {
    const r = spawnSync(promtool, ['check', 'metrics'], { input: metrics, encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 0, `promtool check metrics: ${r.stdout}${r.stderr}`);
  }
  child.kill('SIGTERM');
  const code = await new Promise<number | null>((r) => (child.exitCode !== null ? r(child.exitCode) : child.once('exit', (c) => r(c))));
  assert.equal(code, 0, err.slice(-2000));
});
