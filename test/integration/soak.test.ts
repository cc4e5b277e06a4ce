/**
 * The soak script stays runnable: a 6-second soak (the built agent, its real
 * load peers on 127.0.0.1) ends with its JSON line, and the slope arithmetic
 * behind the verdict gives known answers.
 */
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { test } from 'node:test';
import { fit, secondHalfSlopes, slope, verdict, FLAT_BOUNDS, type SoakSample } from '../../bench/soakStats.js';

const run = (...args: string[]): SpawnSyncReturns<string> =>
  spawnSync(process.execPath, ['--import', 'tsx', 'bench/soak.ts', ...args], { encoding: 'utf8', timeout: 90_000 });

test('a 0.1-minute soak drives the agent and prints the JSON line last', () => {
  const r = run('--minutes', '0.1');
  assert.equal(r.status, 0, `exit ${r.status}; stderr: ${r.stderr}`);
  const last = r.stdout.trim().split('\n').pop()!;
  const j = JSON.parse(last) as Record<string, unknown>;
  assert.equal(j['bench'], 'soak');
  assert.equal(j['minutes'], 0.1);
  assert.equal(j['sampleEverySeconds'], 1);
  assert.equal(j['samples'], 6);
  assert.equal(j['verdict'], 'too-short');
  // The load reached the agent: the 10,000-series page was scraped and held, pushes and stream ticks went through.
  assert.ok((j['scrapes'] as number) >= 1, `scrapes ${String(j['scrapes'])}`);
  assert.ok((j['series'] as number) >= 10_000, `series ${String(j['series'])}`);
  assert.ok((j['pushesOk'] as number) >= 3, `pushesOk ${String(j['pushesOk'])}`);
  assert.ok((j['streamTicks'] as number) >= 1, `streamTicks ${String(j['streamTicks'])}`);
  for (const k of ['rssMiBEnd', 'heapMiBEnd', 'externalMiBEnd', 'fdsEnd', 'rssMiBPerHour', 'heapMiBPerHour', 'fdsPerHour', 'timersPerHour']) {
    assert.equal(typeof j[k], 'number', k);
    assert.ok(Number.isFinite(j[k]), `${k} = ${String(j[k])}`);
  }
  assert.ok((j['rssMiBEnd'] as number) > 10 && (j['fdsEnd'] as number) > 3);
});

test('a bad --minutes is refused, naming the flag, the value and what it takes', () => {
  const r = run('--minutes', 'soon');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--minutes: got "soon"; expected a number of minutes > 0/);
});

test('slope and its standard error are those of least squares', () => {
  assert.equal(slope([0, 1, 2, 3], [1, 3, 5, 7]), 2);
  const f = fit([0, 1, 2, 3], [0, 1, 1, 2]);
  assert.ok(Math.abs(f.slope - 0.6) < 1e-12);
  // Residuals -0.1, 0.3, -0.3, 0.1: SSR 0.2, over n-2 = 2 and Sxx = 5.
  assert.ok(Math.abs(f.se - Math.sqrt(0.2 / 2 / 5)) < 1e-12);
  assert.ok(Number.isNaN(slope([1], [1])));
  assert.ok(Number.isNaN(slope([2, 2], [1, 5])));
});

test('the verdict fits the second half only, per hour, against the stated bounds', () => {
  const MiB = 2 ** 20;
  // 10 minutes at 10 s; the heap climbs in the first half (warm-up) and holds in the second.
  const samples = (rssPerHour: number): SoakSample[] =>
    Array.from({ length: 60 }, (_, k) => {
      const t = (k + 1) * 10;
      return {
        t,
        rssBytes: (200 + (rssPerHour * t) / 3600) * MiB,
        heapUsedBytes: (t < 300 ? 10 + t / 30 : 20) * MiB,
        heapBeforeGcBytes: 40 * MiB,
        externalBytes: 20 * MiB,
        rssAfterGcBytes: 200 * MiB,
        fds: 40,
        timers: 1,
        activeResources: 10,
      };
    });
  const flat = secondHalfSlopes(samples(0), 600);
  assert.equal(flat.samples, 31);
  assert.ok(Math.abs(flat.heapMiBPerHour) < 1e-9, String(flat.heapMiBPerHour));
  assert.equal(verdict(flat, 10), 'flat');
  const leaking = secondHalfSlopes(samples(FLAT_BOUNDS.rssMiBPerHour * 2), 600);
  assert.ok(Math.abs(leaking.rssMiBPerHour - FLAT_BOUNDS.rssMiBPerHour * 2) < 1e-6);
  assert.equal(verdict(leaking, 10), 'growing');
  assert.equal(verdict(leaking, 1), 'too-short');
});
